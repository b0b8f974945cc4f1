/**
 * A parquet file grown one save at a time: its first piece appears by rename, later pieces in
 * place; nothing is visible before the step's commit, undo puts the file back, and the file's
 * row groups advance only when the save accepts the piece. Read back with DuckDB.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppendedParquetFile } from "../../src/dataset/appended-parquet.js";
import { stagingPath } from "../../src/dataset/atomic.js";
import { encodeParquet } from "../../src/dataset/parquet.js";
import type { Duck } from "../helpers/duckdb.js";
import { openDuck, sqlPath } from "../helpers/duckdb.js";
import { tempDir } from "../helpers/synthetic.js";

/** n rows of `index` from `from` on, as one parquet file (one row group). */
const piece = (from: number, n: number) => encodeParquet(new arrow.Table({ index: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i))) }));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

let dir: string;
let duck: Duck;
beforeAll(async () => { dir = tempDir(); duck = await openDuck(); });
afterAll(() => { duck.close(); fs.rmSync(dir, { recursive: true, force: true }); });

/** `index` as DuckDB reads the file, and its row groups' rows. */
async function indices(file: string): Promise<number[]> {
  return (await duck.rows(`SELECT "index" FROM read_parquet(${sqlPath(file)})`)).map((r) => Number(r.index));
}
async function rowGroups(file: string): Promise<number[]> {
  const rows = await duck.rows(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${sqlPath(file)}) ORDER BY row_group_id`);
  return rows.map((r) => Number(r.row_group_num_rows));
}

let files = 0;
const newFile = () => new AppendedParquetFile(path.join(dir, `file-${++files}`, "data.parquet"));

describe("AppendedParquetFile.stage, first piece", () => {
  it("writes nothing under the file's name until the step commits, then the piece itself", async () => {
    const file = newFile();
    const staged = await file.stage(piece(0, 5));
    expect(fs.existsSync(file.path)).toBe(false);
    expect(fs.existsSync(stagingPath(file.path))).toBe(true);
    await staged.step.commit();
    expect(await indices(file.path)).toEqual(range(5));
    expect(staged.size).toBe(fs.statSync(file.path).size);
    expect(file.rowGroupRows).toEqual([]); // not accepted yet
    staged.accept();
    expect(file.rowGroupRows).toEqual([5]);
  });

  it("undo removes the file after the commit, and the staged bytes before it", async () => {
    const committed = newFile();
    const a = await committed.stage(piece(0, 5));
    await a.step.commit();
    await a.step.undo();
    expect(fs.readdirSync(path.dirname(committed.path))).toEqual([]);
    const aborted = newFile();
    const b = await aborted.stage(piece(0, 5));
    await b.step.undo();
    expect(fs.readdirSync(path.dirname(aborted.path))).toEqual([]);
  });
});

describe("AppendedParquetFile.stage, later pieces", () => {
  async function fileWith(...pieces: [number, number][]): Promise<AppendedParquetFile> {
    const file = newFile();
    for (const [from, n] of pieces) {
      const staged = await file.stage(piece(from, n));
      await staged.step.commit();
      staged.accept();
    }
    return file;
  }

  it("appends row groups in place: old rows only until the commit, all of them after", async () => {
    const file = await fileWith([0, 5], [5, 3]);
    const staged = await file.stage(piece(8, 4));
    expect(await indices(file.path)).toEqual(range(8));
    await staged.step.commit();
    expect(await indices(file.path)).toEqual(range(12));
    expect(await rowGroups(file.path)).toEqual([5, 3, 4]);
    expect(staged.size).toBe(fs.statSync(file.path).size);
    staged.accept();
    expect(file.rowGroupRows).toEqual([5, 3, 4]);
  });

  it("re-encodes the last row groups when asked to keep fewer (the episodes metadata's filling group)", async () => {
    const file = await fileWith([0, 5], [5, 1]);
    const staged = await file.stage(piece(5, 2), 1);
    await staged.step.commit();
    staged.accept();
    expect(await indices(file.path)).toEqual(range(7));
    expect(await rowGroups(file.path)).toEqual([5, 2]);
  });

  it("undo after the commit puts the file back byte for byte, and the next save starts from it", async () => {
    const file = await fileWith([0, 5]);
    const before = fs.readFileSync(file.path);
    const failed = await file.stage(piece(5, 3));
    await failed.step.commit();
    await failed.step.undo();
    expect(fs.readFileSync(file.path).equals(before)).toBe(true);
    // Not accepted: the file is still the one piece, and appending goes on from there.
    expect(file.rowGroupRows).toEqual([5]);
    const retry = await file.stage(piece(5, 2));
    await retry.step.commit();
    retry.accept();
    expect(await indices(file.path)).toEqual(range(7));
  });

  it("refuses a piece of another schema, naming the file", async () => {
    const file = await fileWith([0, 5]);
    const other = encodeParquet(new arrow.Table({ label: arrow.vectorFromArray(["a"], new arrow.Utf8()) }));
    await expect(file.stage(other)).rejects.toThrow(`cannot append to ${file.path}`);
    expect(await indices(file.path)).toEqual(range(5));
  });
});

describe("AppendedParquetFile.footerFull", () => {
  it("turns true once the footer reaches footerLimitBytes, telling the writer to start a new file", async () => {
    const saved = AppendedParquetFile.footerLimitBytes;
    try {
      const file = newFile();
      expect(file.footerFull).toBe(false); // no file yet
      const first = await file.stage(piece(0, 5));
      await first.step.commit();
      first.accept();
      // The trailer (footer, its length and PAR1) as DuckDB measures it.
      const [{ footer_size }] = await duck.rows(`SELECT footer_size FROM parquet_file_metadata(${sqlPath(file.path)})`) as [{ footer_size: bigint }];
      const footerBytes = Number(footer_size) + 8;
      AppendedParquetFile.footerLimitBytes = footerBytes + 1;
      expect(file.footerFull).toBe(false);
      AppendedParquetFile.footerLimitBytes = footerBytes;
      expect(file.footerFull).toBe(true);
    } finally {
      AppendedParquetFile.footerLimitBytes = saved;
    }
  });
});
