/**
 * Append an episode clip to a dataset mp4 in place, in time proportional to the clip: the clip's
 * media data is copied into a hole or at the end of the file, and a new `moov` (the old sample
 * tables plus the clip's) is written where mp4-space.ts says, reusing the space of older moovs;
 * the old `moov` becomes a `free` box. Nothing already in the file is copied, unlike a concat
 * remux, which rewrites the whole file on every episode.
 *
 * Crash safety: ffmpeg (hence PyAV/torchcodec) and mp4box use the first `moov` of a file. New
 * bytes are written where no box header points (inside free boxes, or past the end behind a
 * zero header, which reads as a box to the end of the file) before the one write that reveals
 * them; the new moov becomes the first moov in one write (its header, or the old moov's type
 * turned to `free`). So a kill between any two writes leaves a playable file with at least the
 * episodes before the append.
 *
 * Only files this module understands are appended (one video track, same sample description and
 * timescale, a single edit); anything else throws NotAppendableError and the caller remuxes.
 */
import fs from "node:fs";
import type { Box, TopBox, Track } from "./mp4-boxes.js";
import {
  Mp4LayoutError, buildTable, chunkOffsets, child, describe, durationField, need, readMoov, sampleDescriptionKey, serialize,
  singleEdit, topLevelBoxes,
} from "./mp4-boxes.js";
import type { Mp4Layout } from "./mp4-layout.js";
import { readLayout, replaceBox, sameStamp, stampOf, sttsTicks, topBox } from "./mp4-layout.js";
import { appendRows, rowBytes } from "./mp4-tables.js";
import type { Zone } from "./mp4-space.js";
import { boxHeader, mergeFreeBoxes, placeMoov, withinPage, zoneOf } from "./mp4-space.js";
import { sampleLayout, setChunks } from "./mp4-rechunk.js";

/** A file the in-place appender cannot handle: the caller remuxes with ffmpeg instead. */
export { Mp4LayoutError as NotAppendableError };

/** Throws NotAppendableError unless `clip` can follow `base` in one track (checked before any write). */
function assertAppendable(base: Track, clip: Track): void {
  if (!sampleDescriptionKey(need(base.stbl, "stsd").raw!).equals(sampleDescriptionKey(need(clip.stbl, "stsd").raw!))) throw new Mp4LayoutError("the clip was encoded with a different sample description");
  const mdhd = (t: Track) => durationField(need(need(t.trak, "mdia"), "mdhd"));
  const mvhd = (t: Track) => durationField(need(t.moov, "mvhd"));
  if (mdhd(base).timescale !== mdhd(clip).timescale || mvhd(base).timescale !== mvhd(clip).timescale) {
    throw new Mp4LayoutError("the clip has another timescale");
  }
  const baseEdit = singleEdit(base.trak);
  const clipEdit = singleEdit(clip.trak);
  if (baseEdit?.mediaTime !== clipEdit?.mediaTime) throw new Mp4LayoutError("the clip starts at another media time");
  const hasCtts = (t: Track) => child(t.stbl, "ctts") !== undefined;
  const hasStss = (t: Track) => child(t.stbl, "stss") !== undefined;
  const hasSdtp = (t: Track) => child(t.stbl, "sdtp") !== undefined;
  if (hasCtts(base) !== hasCtts(clip) || hasStss(base) !== hasStss(clip) || hasSdtp(base) !== hasSdtp(clip)) throw new Mp4LayoutError("the clip's sample tables differ in kind");
}

/**
 * Make `base` the track of `base` followed by `clip` (whose chunk offsets are already where its
 * samples lie in the target), growing base's tables in place, and return the new moov's bytes.
 */
function mergeMoov(base: Track, clip: Track): Buffer {
  assertAppendable(base, clip);
  const mdhd = (t: Track) => durationField(need(need(t.trak, "mdia"), "mdhd"));
  const mvhd = (t: Track) => durationField(need(t.moov, "mvhd"));
  const baseEdit = singleEdit(base.trak);

  // Each table gets the clip's rows at its end, renumbered where rows count samples or chunks.
  const append = (type: string, rowSize: number, adjust?: (rows: Buffer, count: number) => void) => {
    const { rows, count } = rowBytes(need(clip.stbl, type).raw!, 0, rowSize);
    const added = adjust ? Buffer.from(rows) : rows;
    adjust?.(added, count);
    appendRows(need(base.stbl, type), added, count, 4);
  };
  const shiftU32 = (stride: number, by: number) => (rows: Buffer, count: number) => {
    for (let i = 0; i < count; i++) rows.writeUInt32BE(rows.readUInt32BE(i * stride) + by, i * stride);
  };
  append("stts", 8);
  if (child(base.stbl, "ctts")) append("ctts", 8);
  if (child(base.stbl, "stss")) append("stss", 4, shiftU32(4, base.samples));
  // One dependency byte per sample after version/flags, no count.
  if (child(base.stbl, "sdtp")) appendRows(need(base.stbl, "sdtp"), need(clip.stbl, "sdtp").raw!.subarray(4), 0, undefined);
  append("stsc", 12, shiftU32(12, base.chunks));
  const sizes = rowBytes(need(clip.stbl, "stsz").raw!, 4, 4);
  appendRows(need(base.stbl, "stsz"), sizes.rows, sizes.count, 8);
  appendChunkOffsets(base, chunkOffsets(clip.stbl));
  base.samples += clip.samples;
  base.chunks += clip.chunks;

  // Durations: media time in the track's timescale, presentation time in the movie's.
  const mediaDuration = base.mediaDuration + clip.mediaDuration;
  base.mediaDuration = mediaDuration;
  mdhd(base).write(mediaDuration);
  const movieScale = mvhd(base).timescale!;
  const mediaScale = mdhd(base).timescale!;
  // The edit shows every sample: its length is the sum of their durations, wherever it starts
  // (media_time only says which media time is shown first). Round up: an edit cut short by
  // rounding hides the last frame from ffmpeg and LeRobot's decoders.
  const movieDuration = Math.ceil((mediaDuration * movieScale) / mediaScale);
  mvhd(base).write(movieDuration);
  durationField(need(base.trak, "tkhd")).write(movieDuration);
  if (baseEdit) {
    const raw = baseEdit.box.raw!;
    if (baseEdit.version === 1) raw.writeBigUInt64BE(BigInt(movieDuration), 8);
    else raw.writeUInt32BE(movieDuration, 8);
  }
  return serialize(base.moov);
}

/** Add chunk offsets to the track's stco, which becomes a co64 (all of it) once an offset needs 64 bits. */
function appendChunkOffsets(track: Track, offsets: bigint[]): void {
  let box = child(track.stbl, "stco") ?? need(track.stbl, "co64");
  if (box.type === "stco" && offsets.some((o) => o > 0xffffffffn)) {
    const wide = [...chunkOffsets(track.stbl)].map((o) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(o, 0); return b; });
    const co64: Box = { type: "co64", raw: buildTable(box.raw!.subarray(0, 4), Buffer.alloc(0), wide) };
    track.stbl.children = track.stbl.children!.map((b) => (b === box ? co64 : b));
    box = co64;
  }
  const size = box.type === "co64" ? 8 : 4;
  const rows = Buffer.alloc(size * offsets.length);
  offsets.forEach((o, i) => { if (size === 8) rows.writeBigUInt64BE(o, 8 * i); else rows.writeUInt32BE(Number(o), 4 * i); });
  appendRows(box, rows, offsets.length, 4);
}


/**
 * Append `clip` (a complete mp4 with one video track) to `target` in place. The returned undo()
 * takes the clip back out (old moov live again, what was added hidden or cut off), for a save
 * that fails after its videos were appended. `known` is the layout the previous append of this
 * file returned (mp4-layout.ts): with it, the append reads nothing of the target. It is changed
 * by the append; the returned `layout` describes the file afterwards (until undo()).
 */
export async function appendMp4InPlace(target: string, clip: string, known?: Mp4Layout): Promise<{ undo(): Promise<void>; before: AppendedTiming; layout: Mp4Layout }> {
  const clipHandle = await fs.promises.open(clip, "r");
  const targetHandle = await fs.promises.open(target, "r+");
  try {
    const clipSize = (await clipHandle.stat()).size;
    const stamp = await stampOf(targetHandle);
    const targetSize = stamp.size;
    const clipBoxes = await topLevelBoxes(clipHandle, clipSize);
    const clipTrack = describe((await readMoov(clipHandle, clipBoxes, "the clip")).moov);
    // Reading the target's layout costs a read per box and its whole moov: done once per file.
    const layout = known && sameStamp(known.stamp, stamp) ? known : await readLayout(targetHandle, stamp, "the target");
    const base = layout.track;
    const { offsets, sizes, descriptionIndex } = sampleLayout(clipTrack);
    assertAppendable(base, clipTrack);

    // `boxes` follows every box this append writes, to become the layout of the result.
    const boxes = await mergeFreeBoxes(targetHandle, layout.boxes);
    const zone = zoneOf(boxes);
    let fileEnd = targetSize;
    // The clip's media: runs of its samples fill holes outside the zone, the rest goes at the end.
    const pieces = planPieces(sizes, holesOutside(boxes, zone));
    const last = pieces[pieces.length - 1];
    const placed = last ? last.first + last.count : 0;
    if (placed < sizes.length) pieces.push({ at: endBoxOffset(fileEnd), hole: undefined, first: placed, count: sizes.length - placed, bytes: sum(sizes.slice(placed)) });
    for (const piece of pieces) {
      if (piece.bytes + 8 > 0xffffffff) throw new Mp4LayoutError("the clip's media does not fit one 32-bit mdat box");
      await copySamples(clipHandle, offsets, sizes, piece, targetHandle);
      const rest = piece.hole ? piece.hole.size - 8 - piece.bytes : 0;
      if (rest > 0) await targetHandle.write(boxHeader(rest, "free"), 0, 8, piece.at + 8 + piece.bytes);
      if (!piece.hole) await padBefore(targetHandle, fileEnd, piece.at);
      // Last: the header that turns the free bytes (or the zeros past the end) into an mdat.
      await targetHandle.write(boxHeader(piece.bytes + 8, "mdat"), 0, 8, piece.at);
      const mdat = topBox("mdat", piece.at, piece.bytes + 8);
      if (piece.hole) {
        replaceBox(boxes, piece.hole, rest > 0 ? [mdat, topBox("free", piece.at + 8 + piece.bytes, rest)] : [mdat]);
      } else {
        if (piece.at > fileEnd) boxes.push(topBox("free", fileEnd, piece.at - fileEnd));
        boxes.push(mdat);
        fileEnd = piece.at + 8 + piece.bytes;
      }
    }
    setChunks(clipTrack, pieces.map((p) => ({ offset: p.at + 8, samples: p.count })), descriptionIndex);

    const before: AppendedTiming = { frames: base.samples, ticks: layout.ticks, timescale: durationField(need(need(base.trak, "mdia"), "mdhd")).timescale! };
    const clipTicks = sttsTicks(need(clipTrack.stbl, "stts").raw!);
    const moovBytes = mergeMoov(base, clipTrack);
    const place = placeMoov(zone, moovBytes.length, fileEnd);
    const live = zone.live;
    let moovAt: number;
    if (place.kind === "zone-end") {
      // Written inside the free box after the live moov, then revealed by shrinking that box.
      moovAt = place.at;
      await targetHandle.write(moovBytes, 0, moovBytes.length, moovAt);
      await targetHandle.sync();
      await writeU32(targetHandle, place.free.offset, place.free.size - moovBytes.length);
      await switchToFree(targetHandle, live.offset);
      replaceBox(boxes, place.free, [topBox("free", place.free.offset, place.free.size - moovBytes.length), topBox("moov", moovAt, moovBytes.length)]);
    } else if (place.kind === "zone-start") {
      moovAt = place.at;
      await targetHandle.write(moovBytes, 8, moovBytes.length - 8, moovAt + 8);
      const rest = place.free.size - moovBytes.length;
      if (rest > 0) await targetHandle.write(boxHeader(rest, "free"), 0, 8, moovAt + moovBytes.length);
      await targetHandle.sync();
      // The switch: this moov now comes first, and players use the first moov of a file.
      await targetHandle.write(moovBytes, 0, 8, moovAt);
      await switchToFree(targetHandle, live.offset);
      const moov = topBox("moov", moovAt, moovBytes.length);
      replaceBox(boxes, place.free, rest > 0 ? [moov, topBox("free", moovAt + moovBytes.length, rest)] : [moov]);
    } else {
      moovAt = endBoxOffset(fileEnd);
      await targetHandle.write(moovBytes, 8, moovBytes.length - 8, moovAt + 8);
      await targetHandle.write(boxHeader(place.reserve, "free"), 0, 8, moovAt + moovBytes.length);
      await targetHandle.truncate(moovAt + moovBytes.length + place.reserve);
      await padBefore(targetHandle, fileEnd, moovAt);
      await targetHandle.sync();
      await targetHandle.write(moovBytes, 0, 8, moovAt);
      await switchToFree(targetHandle, live.offset);
      if (moovAt > fileEnd) boxes.push(topBox("free", fileEnd, moovAt - fileEnd));
      boxes.push(topBox("moov", moovAt, moovBytes.length), topBox("free", moovAt + moovBytes.length, place.reserve));
    }
    replaceBox(boxes, live, [{ ...live, type: "free" }]);
    await targetHandle.sync();
    const after: Mp4Layout = { boxes, track: base, ticks: layout.ticks + clipTicks, stamp: await stampOf(targetHandle) };
    return {
      before,
      layout: after,
      undo: async () => {
        const handle = await fs.promises.open(target, "r+");
        try {
          // Old moov first (while the new one still is a moov, one of them is live), then hide the new one and the media.
          await handle.write(Buffer.from("moov", "latin1"), 0, 4, live.offset + 4);
          await handle.write(Buffer.from("free", "latin1"), 0, 4, moovAt + 4);
          for (const piece of pieces) if (piece.hole) await handle.write(Buffer.from("free", "latin1"), 0, 4, piece.at + 4);
          await handle.truncate(targetSize);
          await handle.sync();
        } finally {
          await handle.close();
        }
      },
    };
  } finally {
    await clipHandle.close();
    await targetHandle.close();
  }
}

/** What the target held before the append: its frames and their summed durations (stts), in its media timescale. */
export interface AppendedTiming { frames: number; ticks: number; timescale: number }

/** Samples [first, first + count) of the clip, written as one mdat at `at` (in `hole`, or at the end). */
interface Piece { at: number; hole: TopBox | undefined; first: number; count: number; bytes: number }

/** Free boxes outside the zone whose header can be rewritten in one page, in file order. */
function holesOutside(boxes: TopBox[], zone: Zone): TopBox[] {
  return boxes.filter((b) => b.type === "free" && b.headerSize === 8 && (b.offset + b.size <= zone.start || b.offset >= zone.end) && withinPage(b.offset, 8));
}

/** Consecutive runs of samples that fill the holes in turn (what a hole keeps must be 0 or a box of 8+ bytes). */
function planPieces(sizes: number[], holes: TopBox[]): Piece[] {
  const pieces: Piece[] = [];
  let next = 0;
  for (const hole of holes) {
    const room = hole.size - 8;
    let count = 0;
    let bytes = 0;
    while (next + count < sizes.length && bytes + sizes[next + count]! <= room) bytes += sizes[next + count++]!;
    while (count > 0 && room - bytes > 0 && room - bytes < 8) bytes -= sizes[next + --count]!;
    if (count === 0) continue;
    pieces.push({ at: hole.offset, hole, first: next, count, bytes });
    next += count;
  }
  return pieces;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Copy a piece's samples from the clip behind its mdat header, coalescing samples that lie back to back. */
async function copySamples(clip: fs.promises.FileHandle, offsets: number[], sizes: number[], piece: Piece, to: fs.promises.FileHandle): Promise<void> {
  let at = piece.at + 8;
  for (let i = piece.first; i < piece.first + piece.count;) {
    let end = i + 1;
    let length = sizes[i]!;
    while (end < piece.first + piece.count && offsets[end] === offsets[i]! + length) length += sizes[end++]!;
    await copyRange(clip, offsets[i]!, length, to, at);
    at += length;
    i = end;
  }
}

/**
 * Where a box appended at `end` starts: at `end`, or 8 bytes later when its header would cross
 * a page there (padBefore then fills the gap with an 8-byte free box).
 */
function endBoxOffset(end: number): number {
  return withinPage(end, 8) ? end : end + 8;
}

/** The 8-byte free box between `end` and a box that endBoxOffset moved. */
async function padBefore(handle: fs.promises.FileHandle, end: number, at: number): Promise<void> {
  // Written over zeros: a cut write leaves size 0 (a box to the end of the file) or an unknown type, both harmless.
  if (at > end) await handle.write(boxHeader(at - end, "free"), 0, 8, end);
}

/** The old moov becomes free space: one 4-byte write (cut short, it is a box of unknown type, skipped too). */
async function switchToFree(handle: fs.promises.FileHandle, offset: number): Promise<void> {
  await handle.write(Buffer.from("free", "latin1"), 0, 4, offset + 4);
}

async function writeU32(handle: fs.promises.FileHandle, offset: number, value: number): Promise<void> {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value, 0);
  await handle.write(b, 0, 4, offset);
}

async function copyRange(from: fs.promises.FileHandle, start: number, length: number, to: fs.promises.FileHandle, at: number): Promise<void> {
  const chunk = Buffer.alloc(Math.min(length, 8 * 1024 * 1024));
  for (let done = 0; done < length;) {
    const { bytesRead } = await from.read(chunk, 0, Math.min(chunk.length, length - done), start + done);
    if (bytesRead === 0) throw new Error("the clip ended early");
    await to.write(chunk, 0, bytesRead, at + done);
    done += bytesRead;
  }
}
