/**
 * Sample tables that grow at their end, append after append: each keeps spare room (doubled when
 * full), so adding a clip's rows copies the clip's rows, not the whole table of the file.
 */
import type { Box } from "./mp4-boxes.js";
import { Mp4LayoutError } from "./mp4-boxes.js";

/** The buffer a table box's bytes are the start of, with room after them. */
const room = new WeakMap<Box, Buffer>();

/**
 * Add `rows` at the end of the table in `box` (its bytes after the full-box header); the entry
 * count, a u32 at `countAt` (none for sdtp), grows by `count`.
 */
export function appendRows(box: Box, rows: Buffer, count: number, countAt: number | undefined): void {
  const raw = box.raw!;
  const length = raw.length + rows.length;
  let store = room.get(box);
  if (!store || store.length < length || store.buffer !== raw.buffer || store.byteOffset !== raw.byteOffset) {
    store = Buffer.alloc(Math.max(length, 2 * raw.length, 1024));
    raw.copy(store, 0);
    room.set(box, store);
  }
  rows.copy(store, raw.length);
  box.raw = store.subarray(0, length);
  if (countAt !== undefined) box.raw.writeUInt32BE(box.raw.readUInt32BE(countAt) + count, countAt);
}

/** The rows of a full-box table (after version/flags, `prefix` bytes and the u32 count), as one buffer. */
export function rowBytes(raw: Buffer, prefix: number, rowSize: number): { rows: Buffer; count: number } {
  const count = raw.readUInt32BE(4 + prefix);
  const start = 8 + prefix;
  if (start + count * rowSize > raw.length) throw new Mp4LayoutError("sample table shorter than its count");
  return { rows: raw.subarray(start, start + count * rowSize), count };
}
