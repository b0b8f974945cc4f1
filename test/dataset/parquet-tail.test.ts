/**
 * In-place parquet tails (parquet-tail.ts): appends and row-group replacements never copy the
 * file, never leave dead bytes once switched, and undo puts the file back before or after the
 * switch. Every state is read back with the project's parquet reader.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ParquetAppender } from "../../src/dataset/parquet-append.js";
import { stageParquetTail, writeParquetTail } from "../../src/dataset/parquet-tail.js";
import { encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { tempDir } from "../helpers/synthetic.js";

const piece = (from: number, n: number) => encodeParquet(new arrow.Table({ index: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i))) }));
const indices = async (file: string) => Array.from((await readParquet(file)).getChild("index")!.toArray() as BigInt64Array, Number);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

let dir: string;
beforeAll(() => { dir = tempDir(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("writeParquetTail", () => {
  it("appends row groups in place, the file ending at its own footer after each", async () => {
    const file = path.join(dir, "append.parquet");
    fs.writeFileSync(file, piece(0, 5));
    let appender = ParquetAppender.fromFile(piece(0, 5));
    for (const [from, n] of [[5, 3], [8, 7], [15, 1]] as const) {
      const { size, next } = await writeParquetTail(file, appender.plan(piece(from, n)), appender);
      appender = next;
      expect(fs.statSync(file).size).toBe(size);
      expect(size).toBe(appender.fileSize);
    }
    expect(await indices(file)).toEqual(range(16));
    expect((await readParquetMetadata(file)).rowGroupRows).toEqual([5, 3, 7, 1]);
  });

  it("replaces the last row group (the episodes metadata's filling one) without dead bytes", async () => {
    const file = path.join(dir, "replace.parquet");
    fs.writeFileSync(file, piece(0, 4));
    let appender = ParquetAppender.fromFile(piece(0, 4));
    ({ next: appender } = await writeParquetTail(file, appender.plan(piece(4, 1)), appender));
    for (let n = 2; n <= 5; n++) ({ next: appender } = await writeParquetTail(file, appender.planReplace(1, piece(4, n)), appender));
    expect(await indices(file)).toEqual(range(9));
    expect((await readParquetMetadata(file)).rowGroupRows).toEqual([4, 5]);
    expect(fs.statSync(file).size).toBe(appender.fileSize);
  });

  it("leaves the old rows readable while staged, and undo restores the file before and after the switch", async () => {
    const file = path.join(dir, "undo.parquet");
    fs.writeFileSync(file, piece(0, 4));
    let appender = ParquetAppender.fromFile(piece(0, 4));
    ({ next: appender } = await writeParquetTail(file, appender.plan(piece(4, 2)), appender));
    const before = fs.readFileSync(file);
    for (const [plan, rows] of [[appender.plan(piece(6, 3)), 9], [appender.planReplace(1, piece(4, 3)), 7]] as const) {
      const staged = await stageParquetTail(file, plan, appender);
      expect(await indices(file)).toEqual(range(6)); // staged: the rescue footer still has the old rows
      await staged.abort();
      expect(fs.readFileSync(file).equals(before)).toBe(true);
      const again = await stageParquetTail(file, plan, appender);
      await again.commit();
      expect(await indices(file)).toEqual(range(rows));
      await again.abort();
      expect(await indices(file)).toEqual(range(6));
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    }
  });

  it("refuses to stage on a file that changed since its appender wrote it, naming the file", async () => {
    const file = path.join(dir, "changed.parquet");
    fs.writeFileSync(file, piece(0, 4));
    const appender = ParquetAppender.fromFile(piece(0, 4));
    fs.appendFileSync(file, "more");
    const before = fs.readFileSync(file);
    await expect(stageParquetTail(file, appender.plan(piece(4, 2)), appender)).rejects.toThrow(`${file} is ${before.length} bytes`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
