/**
 * What an in-place append (mp4-append.ts) knows of its target file between appends: its
 * top-level boxes, its moov parsed down to the sample tables, and the summed frame durations.
 * Read from the file, these cost a read per box and the whole moov, both growing with every
 * episode; a writer keeps the layout an append hands back and passes it to the next append of
 * the same file, which then costs the clip alone.
 *
 * A layout is used only while the file is the one it describes: the file's size, inode and
 * modification and change times are compared first, and a layout that does not match is ignored
 * (the file is read again). An append changes the layout it is given: only the one it returns
 * describes the file afterwards.
 */
import type fs from "node:fs";
import type { TopBox, Track } from "./mp4-boxes.js";
import { Mp4LayoutError, describe, need, readMoov, topLevelBoxes } from "./mp4-boxes.js";

export interface Mp4Layout {
  /** The file's top-level boxes, as topLevelBoxes reads them. */
  boxes: TopBox[];
  /** The one track of its moov (the tree the next moov is built from). */
  track: Track;
  /** Sum of the track's sample durations (stts), in its media timescale. */
  ticks: number;
  /** The file when the layout was taken. */
  stamp: FileStamp;
}

export interface FileStamp { size: number; ino: bigint; mtimeNs: bigint; ctimeNs: bigint }

export async function stampOf(handle: fs.promises.FileHandle): Promise<FileStamp> {
  const s = await handle.stat({ bigint: true });
  return { size: Number(s.size), ino: s.ino, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The layout of the file open at `handle`, read from it (a read per box and the moov). */
export async function readLayout(handle: fs.promises.FileHandle, stamp: FileStamp, name: string): Promise<Mp4Layout> {
  const boxes = await topLevelBoxes(handle, stamp.size);
  const track = describe((await readMoov(handle, boxes, name)).moov);
  return { boxes, track, ticks: sttsTicks(need(track.stbl, "stts").raw!), stamp };
}

/** Sum of count x duration over the rows of an stts box. */
export function sttsTicks(stts: Buffer): number {
  let ticks = 0;
  const count = stts.readUInt32BE(4);
  if (8 + 8 * count > stts.length) throw new Mp4LayoutError("sample table shorter than its count");
  for (let i = 0; i < count; i++) ticks += stts.readUInt32BE(8 + 8 * i) * stts.readUInt32BE(12 + 8 * i);
  return ticks;
}

/** Put `replacement` where `old` is in the list of top-level boxes (they cover the same bytes). */
export function replaceBox(boxes: TopBox[], old: TopBox, replacement: TopBox[]): void {
  const i = boxes.indexOf(old);
  if (i < 0) throw new Error(`box '${old.type}' at ${old.offset} is not in the layout`);
  boxes.splice(i, 1, ...replacement);
}

export function topBox(type: string, offset: number, size: number): TopBox {
  return { type, offset, size, headerSize: 8 };
}
