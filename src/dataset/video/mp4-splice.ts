/**
 * Build one mp4 from runs of frames of others without re-encoding: the frames' bytes are copied
 * as they are, and a new `moov` indexes them. This is how dataset edits (delete, split, merge)
 * move episodes between files: every episode of a LeRobot or lerobot-ts video was encoded as a
 * clip of its own, so it starts on a keyframe and decodes without the frames before it.
 *
 * All sources must share the sample description (codec and its parameters), timescales and edit
 * offset, as clips of one encoder setting do; otherwise Mp4LayoutError says why and the caller
 * re-encodes. The output is written beside its name and renamed into place.
 */
import fs from "node:fs";
import path from "node:path";
import type { Box, Track } from "./mp4-boxes.js";
import {
  Mp4LayoutError, buildTable, chunkOffsets, child, describe, durationField, need, readMoov, sampleDescriptionKey, serialize,
  singleEdit, tableRows, topLevelBoxes,
} from "./mp4-boxes.js";

/** Frames [firstSample, firstSample + count) of a source file, in decoding order. */
export interface Mp4Segment {
  file: string;
  firstSample: number;
  count: number;
}

/** A source's sample tables, one entry per sample. */
interface SampleTable {
  track: Track;
  ftyp: Buffer;
  sizes: Uint32Array;
  offsets: Float64Array;
  deltas: Uint32Array;
  /** Composition offsets (ctts), or undefined when the file has none. */
  compositionOffsets: Int32Array | undefined;
  /** Sync samples (stss), or undefined when every sample is one. */
  sync: Uint8Array | undefined;
  /** One dependency byte per sample (sdtp), or undefined. */
  dependencies: Buffer | undefined;
}

async function readSampleTable(file: string): Promise<SampleTable> {
  const handle = await fs.promises.open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const boxes = await topLevelBoxes(handle, size);
    const ftypBox = boxes.find((b) => b.type === "ftyp");
    if (!ftypBox) throw new Mp4LayoutError(`${file} has no ftyp box`);
    const ftyp = Buffer.alloc(ftypBox.size);
    await handle.read(ftyp, 0, ftyp.length, ftypBox.offset);
    const track = describe((await readMoov(handle, boxes, file)).moov);
    const stbl = track.stbl;
    const n = track.samples;
    const sizes = Uint32Array.from(tableRows(need(stbl, "stsz").raw!, 4, 4), (r) => r.readUInt32BE(0));
    const deltas = expandRuns(tableRows(need(stbl, "stts").raw!, 0, 8), n, (r) => r.readUInt32BE(4));
    const ctts = child(stbl, "ctts");
    const compositionOffsets = ctts ? Int32Array.from(expandRuns(tableRows(ctts.raw!, 0, 8), n, (r) => r.readInt32BE(4))) : undefined;
    const stss = child(stbl, "stss");
    let sync: Uint8Array | undefined;
    if (stss) {
      sync = new Uint8Array(n);
      for (const row of tableRows(stss.raw!, 0, 4)) sync[row.readUInt32BE(0) - 1] = 1;
    }
    const sdtp = child(stbl, "sdtp");
    return { track, ftyp, sizes, offsets: sampleOffsets(stbl, sizes), deltas, compositionOffsets, sync, dependencies: sdtp?.raw!.subarray(4) };
  } finally {
    await handle.close();
  }
}

/** Run-length rows (count, value) expanded to one value per sample. */
function expandRuns(rows: Buffer[], n: number, value: (row: Buffer) => number): Uint32Array {
  const out = new Uint32Array(n);
  let at = 0;
  for (const row of rows) {
    const count = row.readUInt32BE(0);
    const v = value(row);
    for (let i = 0; i < count && at < n; i++) out[at++] = v >>> 0;
  }
  if (at !== n) throw new Mp4LayoutError(`a time table covers ${at} of ${n} samples`);
  return out;
}

/** Byte offset of every sample, from the chunk offsets and the sample-to-chunk table. */
function sampleOffsets(stbl: Box, sizes: Uint32Array): Float64Array {
  const chunks = chunkOffsets(stbl).map(Number);
  const stsc = tableRows(need(stbl, "stsc").raw!, 0, 12).map((r) => ({ first: r.readUInt32BE(0), perChunk: r.readUInt32BE(4) }));
  const out = new Float64Array(sizes.length);
  if (stsc[0]?.first !== 1) throw new Mp4LayoutError("the sample-to-chunk table does not start at chunk 1");
  let sample = 0;
  let entry = 0;
  for (let c = 0; c < chunks.length && sample < sizes.length; c++) {
    while (entry + 1 < stsc.length && stsc[entry + 1]!.first <= c + 1) entry++;
    const run = stsc[entry]!;
    let at = chunks[c]!;
    for (let i = 0; i < run.perChunk && sample < sizes.length; i++) {
      out[sample] = at;
      at += sizes[sample]!;
      sample++;
    }
  }
  if (sample !== sizes.length) throw new Mp4LayoutError(`the chunks hold ${sample} of ${sizes.length} samples`);
  return out;
}

/** Rows of (count, value) for consecutive equal values. */
function runs(values: ArrayLike<number>, signed: boolean): Buffer[] {
  const rows: Buffer[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    const row = Buffer.alloc(8);
    row.writeUInt32BE(j - i, 0);
    if (signed) row.writeInt32BE(values[i]!, 4);
    else row.writeUInt32BE(values[i]!, 4);
    rows.push(row);
    i = j;
  }
  return rows;
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v, 0);
  return b;
};

function sameLayout(a: SampleTable, b: SampleTable, file: string): void {
  const key = (t: SampleTable) => sampleDescriptionKey(need(t.track.stbl, "stsd").raw!);
  if (!key(a).equals(key(b))) throw new Mp4LayoutError(`${file} was encoded with another codec or codec settings`);
  const scales = (t: SampleTable) => [durationField(need(need(t.track.trak, "mdia"), "mdhd")).timescale, durationField(need(t.track.moov, "mvhd")).timescale].join("/");
  if (scales(a) !== scales(b)) throw new Mp4LayoutError(`${file} has another timescale`);
  if (singleEdit(a.track.trak)?.mediaTime !== singleEdit(b.track.trak)?.mediaTime) throw new Mp4LayoutError(`${file} starts at another media time`);
  if (!!a.compositionOffsets !== !!b.compositionOffsets || !!a.sync !== !!b.sync || !!a.dependencies !== !!b.dependencies) {
    throw new Mp4LayoutError(`${file}'s sample tables differ in kind`);
  }
}

/**
 * Write `out` from the segments, in order; returns the number of frames. A segment that does not
 * start on a keyframe, or sources that disagree in layout, raise Mp4LayoutError.
 */
export async function spliceMp4(out: string, segments: Mp4Segment[]): Promise<number> {
  if (segments.length === 0) throw new Mp4LayoutError("nothing to splice");
  const tables = new Map<string, SampleTable>();
  for (const s of segments) if (!tables.has(s.file)) tables.set(s.file, await readSampleTable(s.file));
  const first = tables.get(segments[0]!.file)!;
  for (const [file, table] of tables) sameLayout(first, table, file);

  const total = segments.reduce((n, s) => n + s.count, 0);
  const sizes = new Uint32Array(total);
  const deltas = new Uint32Array(total);
  const composition = first.compositionOffsets ? new Int32Array(total) : undefined;
  const syncSamples: number[] = [];
  const dependencies: Buffer[] = [];
  let k = 0;
  for (const s of segments) {
    const t = tables.get(s.file)!;
    if (s.firstSample < 0 || s.count <= 0 || s.firstSample + s.count > t.sizes.length) {
      throw new Mp4LayoutError(`${s.file} has no frames ${s.firstSample}..${s.firstSample + s.count - 1} (it has ${t.sizes.length})`);
    }
    if (t.sync && !t.sync[s.firstSample]) throw new Mp4LayoutError(`frame ${s.firstSample} of ${s.file} is not a keyframe, so it cannot start a copied episode`);
    for (let i = 0; i < s.count; i++, k++) {
      const from = s.firstSample + i;
      sizes[k] = t.sizes[from]!;
      deltas[k] = t.deltas[from]!;
      if (composition) composition[k] = t.compositionOffsets![from]!;
      if (t.sync && t.sync[from]) syncSamples.push(k + 1);
    }
    if (t.dependencies) dependencies.push(t.dependencies.subarray(s.firstSample, s.firstSample + s.count));
  }

  const staged = path.join(path.dirname(out), `.${path.basename(out)}.splice.tmp.mp4`);
  await fs.promises.mkdir(path.dirname(out), { recursive: true });
  const handle = await fs.promises.open(staged, "w");
  try {
    let at = 0;
    const write = async (buf: Buffer) => {
      await handle.write(buf, 0, buf.length, at);
      at += buf.length;
    };
    await write(first.ftyp);
    const payload = sizes.reduce((n, v) => n + v, 0);
    const wide = payload + 8 > 0xffffffff;
    const mdatHeader = Buffer.alloc(wide ? 16 : 8);
    mdatHeader.writeUInt32BE(wide ? 1 : payload + 8, 0);
    mdatHeader.write("mdat", 4, "latin1");
    if (wide) mdatHeader.writeBigUInt64BE(BigInt(payload + 16), 8);
    await write(mdatHeader);
    // One chunk per segment: its frames' bytes, copied in runs that are contiguous in the source.
    const chunkStarts: number[] = [];
    for (const s of segments) {
      chunkStarts.push(at);
      at = await copySampleBytes(s, tables.get(s.file)!, handle, at);
    }
    await write(buildMoov(first, { sizes, deltas, composition, syncSamples, dependencies, chunkStarts, perChunk: segments.map((s) => s.count) }));
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.promises.rm(staged, { force: true });
    throw error;
  }
  await handle.close();
  await fs.promises.rename(staged, out);
  return total;
}

async function copySampleBytes(segment: Mp4Segment, table: SampleTable, out: fs.promises.FileHandle, at: number): Promise<number> {
  const source = await fs.promises.open(segment.file, "r");
  try {
    const buffer = Buffer.alloc(8 * 1024 * 1024);
    const end = segment.firstSample + segment.count;
    for (let i = segment.firstSample; i < end;) {
      // Extend the run while the next frame follows on in the source.
      let j = i + 1;
      while (j < end && table.offsets[j] === table.offsets[j - 1]! + table.sizes[j - 1]!) j++;
      let from = table.offsets[i]!;
      let left = table.offsets[j - 1]! + table.sizes[j - 1]! - from;
      while (left > 0) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, left), from);
        if (bytesRead === 0) throw new Mp4LayoutError(`${segment.file} ends inside its frame data`);
        await out.write(buffer, 0, bytesRead, at);
        at += bytesRead;
        from += bytesRead;
        left -= bytesRead;
      }
      i = j;
    }
    return at;
  } finally {
    await source.close();
  }
}

interface NewTables {
  sizes: Uint32Array;
  deltas: Uint32Array;
  composition: Int32Array | undefined;
  syncSamples: number[];
  dependencies: Buffer[];
  chunkStarts: number[];
  perChunk: number[];
}

/** The first source's moov with sample tables and durations for the new frames. */
function buildMoov(template: SampleTable, t: NewTables): Buffer {
  const track = template.track;
  const stbl = track.stbl;
  const versionFlags = (type: string) => need(stbl, type).raw!.subarray(0, 4);
  const replaced = new Map<string, Box>();
  replaced.set("stts", { type: "stts", raw: buildTable(versionFlags("stts"), Buffer.alloc(0), runs(t.deltas, false)) });
  if (t.composition) replaced.set("ctts", { type: "ctts", raw: buildTable(versionFlags("ctts"), Buffer.alloc(0), runs(t.composition, true)) });
  if (child(stbl, "stss")) replaced.set("stss", { type: "stss", raw: buildTable(versionFlags("stss"), Buffer.alloc(0), t.syncSamples.map(u32)) });
  if (child(stbl, "sdtp")) replaced.set("sdtp", { type: "sdtp", raw: Buffer.concat([versionFlags("sdtp"), ...t.dependencies]) });
  const stscRows: Buffer[] = [];
  t.perChunk.forEach((count, c) => {
    if (c > 0 && count === t.perChunk[c - 1]) return;
    stscRows.push(Buffer.concat([u32(c + 1), u32(count), u32(1)]));
  });
  replaced.set("stsc", { type: "stsc", raw: buildTable(versionFlags("stsc"), Buffer.alloc(0), stscRows) });
  replaced.set("stsz", { type: "stsz", raw: buildTable(versionFlags("stsz"), Buffer.alloc(4), Array.from(t.sizes, u32)) });
  const wide = t.chunkStarts.some((o) => o > 0xffffffff);
  const offsets = t.chunkStarts.map((o) => {
    const b = Buffer.alloc(wide ? 8 : 4);
    if (wide) b.writeBigUInt64BE(BigInt(o), 0);
    else b.writeUInt32BE(o, 0);
    return b;
  });
  const chunkType = wide ? "co64" : "stco";
  replaced.set(chunkType, { type: chunkType, raw: buildTable(Buffer.alloc(4), Buffer.alloc(0), offsets) });
  stbl.children = stbl.children!.map((box) => (box.type === "stco" || box.type === "co64" ? replaced.get(chunkType)! : replaced.get(box.type) ?? box));

  // Durations as the appender sets them: the edit shows every frame (rounded up, or the last
  // frame would be hidden from decoders).
  const mdhd = durationField(need(need(track.trak, "mdia"), "mdhd"));
  const mvhd = durationField(need(track.moov, "mvhd"));
  const mediaDuration = t.deltas.reduce((n, d) => n + d, 0);
  mdhd.write(mediaDuration);
  const movieDuration = Math.ceil((mediaDuration * mvhd.timescale!) / mdhd.timescale!);
  mvhd.write(movieDuration);
  durationField(need(track.trak, "tkhd")).write(movieDuration);
  const edit = singleEdit(track.trak);
  if (edit) {
    if (edit.version === 1) edit.box.raw!.writeBigUInt64BE(BigInt(movieDuration), 8);
    else edit.box.raw!.writeUInt32BE(movieDuration, 8);
  }
  return serialize(track.moov);
}
