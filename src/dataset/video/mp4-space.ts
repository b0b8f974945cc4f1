/**
 * Where an in-place mp4 append puts its bytes so the file's dead space (`free` boxes) stays
 * bounded instead of growing by one old `moov` per episode.
 *
 * The live `moov` sits in a "zone": itself plus the `free` boxes right before and after it. A new
 * moov goes into the zone's free space when it fits, alternately at the zone's end (after the
 * live one) and its start (before it), so the zone's free space is reused append after append.
 * When the moov has outgrown the zone, a new zone (moov + reserve for its growth) is made at the
 * end of the file and the old one becomes a hole. Episode media fills holes outside the zone (a
 * clip's samples may be split over several, mp4-rechunk.ts), the rest goes at the end of the
 * file. Dead space is then about the zone's free space (about one moov) plus leftovers of holes
 * smaller than a frame.
 *
 * Crash safety: every box header this module writes in place is 8 bytes inside one 4 KiB page
 * (a write(2) within one page is never cut short by a signal), and bytes are always written
 * before the header that makes them visible.
 */
import type fs from "node:fs";
import type { TopBox } from "./mp4-boxes.js";

const PAGE = 4096;

/** Whether a write of `length` bytes at `offset` stays inside one page. */
export function withinPage(offset: number, length: number): boolean {
  return Math.floor(offset / PAGE) === Math.floor((offset + length - 1) / PAGE);
}

/** Whether a box of `size` can take the start of a free box of `free` bytes (what is left must be a box too). */
export function fits(size: number, free: number): boolean {
  return free === size || free >= size + 8;
}

export function boxHeader(size: number, type: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(size, 0);
  header.write(type, 4, "latin1");
  return header;
}

/**
 * Join runs of adjacent free boxes into one (the first one's size grows over the others) so
 * freed moovs add up to room for the next, bigger one. Returns the boxes after the merge.
 */
export async function mergeFreeBoxes(handle: fs.promises.FileHandle, boxes: TopBox[]): Promise<TopBox[]> {
  const out: TopBox[] = [];
  for (const box of boxes) {
    const last = out[out.length - 1];
    const size = last ? last.size + box.size : 0;
    if (last && last.type === "free" && box.type === "free" && last.headerSize === 8 && size <= 0xffffffff && withinPage(last.offset, 4)) {
      const field = Buffer.alloc(4);
      field.writeUInt32BE(size, 0);
      await handle.write(field, 0, 4, last.offset);
      last.size = size;
    } else {
      out.push({ ...box });
    }
  }
  return out;
}

export interface Zone {
  live: TopBox;
  before: TopBox | undefined;
  after: TopBox | undefined;
  start: number;
  end: number;
}

export function zoneOf(boxes: TopBox[]): Zone {
  const i = boxes.findIndex((b) => b.type === "moov");
  const live = boxes[i]!;
  const isFree = (b: TopBox | undefined) => (b && b.type === "free" && b.headerSize === 8 ? b : undefined);
  const before = isFree(boxes[i - 1]);
  const after = isFree(boxes[i + 1]);
  return { live, before, after, start: (before ?? live).offset, end: (after ?? live).offset + (after ?? live).size };
}

/** Where the next moov of `size` bytes goes. */
export type MoovPlace =
  /** At the end of the free box after the live moov, which shrinks (a 4-byte size write reveals it). */
  | { kind: "zone-end"; free: TopBox; at: number }
  /** At the start of the free box before the live moov: its header write is the switch. */
  | { kind: "zone-start"; free: TopBox; at: number }
  /** A new zone at the end of the file, with `reserve` free bytes after the moov. */
  | { kind: "new-zone"; at: number; reserve: number };

export function placeMoov(zone: Zone, size: number, fileEnd: number): MoovPlace {
  const { after, before } = zone;
  if (after && after.size >= size + 8 && withinPage(after.offset, 4)) return { kind: "zone-end", free: after, at: after.offset + after.size - size };
  if (before && fits(size, before.size) && withinPage(before.offset, 8)) return { kind: "zone-start", free: before, at: before.offset };
  return { kind: "new-zone", at: fileEnd, reserve: size + Math.max(Math.ceil(size / 2), 4096) };
}

/** Bytes in free boxes: the file's dead space. */
export function deadBytes(boxes: TopBox[]): number {
  return boxes.filter((b) => b.type === "free" || b.type === "skip").reduce((n, b) => n + b.size, 0);
}
