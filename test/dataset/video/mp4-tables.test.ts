import { describe, expect, it } from "vitest";
import type { Box } from "../../../src/dataset/video/mp4-boxes.js";
import { Mp4LayoutError } from "../../../src/dataset/video/mp4-boxes.js";
import { appendRows, rowBytes } from "../../../src/dataset/video/mp4-tables.js";

/** A full-box table: version/flags, `prefix`, u32 count, then the rows' u32 values. */
function table(rows: number[][], prefix = Buffer.alloc(0)): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(rows.length, 0);
  const body = rows.map((r) => { const b = Buffer.alloc(4 * r.length); r.forEach((v, i) => b.writeUInt32BE(v, 4 * i)); return b; });
  return Buffer.concat([Buffer.from([0, 0, 0, 0]), prefix, count, ...body]);
}

const u32s = (...values: number[]) => table([values]).subarray(8);

describe("appendRows", () => {
  it("adds rows at the table's end and grows its entry count", () => {
    const box: Box = { type: "stts", raw: table([[10, 512]]) };
    appendRows(box, u32s(5, 512, 1, 1024), 2, 4);
    expect(box.raw!.equals(table([[10, 512], [5, 512], [1, 1024]]))).toBe(true);
  });

  it("counts behind a prefix (stsz's sample-size field)", () => {
    const sampleSize = Buffer.alloc(4);
    const box: Box = { type: "stsz", raw: table([[100], [200]], sampleSize) };
    appendRows(box, u32s(300), 1, 8);
    expect(box.raw!.equals(table([[100], [200], [300]], sampleSize))).toBe(true);
  });

  it("changes no count where the table has none (sdtp: one byte per sample)", () => {
    const box: Box = { type: "sdtp", raw: Buffer.from([0, 0, 0, 0, 0x20, 0x10]) };
    appendRows(box, Buffer.from([0x18]), 0, undefined);
    expect([...box.raw!]).toEqual([0, 0, 0, 0, 0x20, 0x10, 0x18]);
  });

  it("gives the same table over many appends as building it at once, keeping room between them", () => {
    const box: Box = { type: "stco", raw: table([]) };
    const all: number[][] = [];
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 1000; i++) {
      appendRows(box, u32s(i * 7), 1, 4);
      all.push([i * 7]);
      buffers.add(box.raw!.buffer);
    }
    expect(box.raw!.equals(table(all))).toBe(true);
    // Room doubles when full: a handful of stores for 1000 appends, not one per append.
    expect(buffers.size).toBeLessThan(10);
  });

  it("does not write into a buffer the box no longer uses (its bytes were replaced)", () => {
    const box: Box = { type: "stts", raw: table([[1, 1]]) };
    appendRows(box, u32s(2, 2), 1, 4);
    // Someone replaces the table (as setChunks does): appending must start from the new bytes.
    box.raw = table([[9, 9]]);
    appendRows(box, u32s(3, 3), 1, 4);
    expect(box.raw.equals(table([[9, 9], [3, 3]]))).toBe(true);
  });
});

describe("rowBytes", () => {
  it("returns the rows as one buffer and their count", () => {
    const { rows, count } = rowBytes(table([[1, 2], [3, 4]]), 0, 8);
    expect(count).toBe(2);
    expect(rows.equals(u32s(1, 2, 3, 4))).toBe(true);
  });

  it("reads the count behind a prefix", () => {
    const { rows, count } = rowBytes(table([[7], [8], [9]], Buffer.alloc(4)), 4, 4);
    expect(count).toBe(3);
    expect(rows.equals(u32s(7, 8, 9))).toBe(true);
  });

  it("leaves out bytes after the counted rows (the spare room appendRows keeps)", () => {
    const raw = Buffer.concat([table([[5]]), Buffer.alloc(12, 0xff)]);
    expect(rowBytes(raw, 0, 4).rows.equals(u32s(5))).toBe(true);
  });

  it("throws Mp4LayoutError when the table is shorter than its count", () => {
    const raw = table([[1], [2]]);
    raw.writeUInt32BE(3, 4);
    expect(() => rowBytes(raw, 0, 4)).toThrow(Mp4LayoutError);
  });
});
