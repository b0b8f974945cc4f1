/**
 * A ByteSource over ranged reads that remembers the small reads it made: the parquet reader asks
 * for a footer twice (metadata, then table), the mp4 reader for box headers next to each other,
 * and each should cost one request. Small reads are widened to MIN_FETCH bytes for the same reason.
 */
import type { ByteSource } from "../dataset/index.js";

/** Reads smaller than this fetch this much (the box headers near the start of an mp4 share one request). */
const MIN_FETCH = 4096;
/** Reads larger than this are fetched as they are and not kept (column chunks, big moov boxes). */
const MAX_CACHED = 1 << 20;

interface Segment {
  start: number;
  bytes: Uint8Array;
}

export class CachedByteSource implements ByteSource {
  private readonly segments: Segment[] = [];

  constructor(
    readonly name: string,
    readonly size: number,
    private readonly fetchRange: (start: number, end: number) => Promise<Uint8Array>,
  ) {}

  async read(start: number, end: number): Promise<Uint8Array> {
    end = Math.min(end, this.size);
    if (end <= start) return new Uint8Array(0);
    const hit = this.segments.find((s) => s.start <= start && s.start + s.bytes.length >= end);
    if (hit) return hit.bytes.subarray(start - hit.start, end - hit.start);
    if (end - start > MAX_CACHED) return this.fetchRange(start, end);
    // Fetch from the end of whatever cached bytes already cover the start.
    let from = start;
    for (let s = this.covering(from); s; s = this.covering(from)) from = s.start + s.bytes.length;
    // Adjacent segments already cover the read: nothing to fetch.
    if (from >= end) return this.assemble(start, end);
    const to = Math.min(this.size, Math.max(end, from + MIN_FETCH));
    this.segments.push({ start: from, bytes: await this.fetchRange(from, to) });
    return this.assemble(start, end);
  }

  /** The cached segment holding byte `at`, if any. */
  private covering(at: number): Segment | undefined {
    return this.segments.find((s) => s.start <= at && s.start + s.bytes.length > at);
  }

  /** Bytes [start, end) copied from the segments that cover them. */
  private assemble(start: number, end: number): Uint8Array {
    const out = new Uint8Array(end - start);
    let filled = start;
    while (filled < end) {
      const s = this.segments.find((seg) => seg.start <= filled && seg.start + seg.bytes.length > filled);
      if (!s) break; // the file ended early: return what there is
      const take = Math.min(end, s.start + s.bytes.length) - filled;
      out.set(s.bytes.subarray(filled - s.start, filled - s.start + take), filled - start);
      filled += take;
    }
    return filled === end ? out : out.subarray(0, filled - start);
  }
}
