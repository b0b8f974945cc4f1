/**
 * A parquet footer decoded from a file's last bytes alone (what a Hub read has), checked against
 * DuckDB's reading of the same footer: rows, row groups, key-value metadata and where every
 * column chunk lies.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FOOTER_TRAILER_BYTES, decodeFooter, footerLength } from "../../src/dataset/parquet-footer.js";
import type { Duck } from "../helpers/duckdb.js";
import { openDuck, sqlPath } from "../helpers/duckdb.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";

/** Written by pyarrow 22: 4 row groups, dictionary pages, pandas and huggingface metadata. */
const FILE = path.join(REAL_FIXTURE, "data/chunk-000/file-000.parquet");
const bytes = new Uint8Array(fs.readFileSync(FILE));

let duck: Duck;
beforeAll(async () => { duck = await openDuck(); });
afterAll(() => duck.close());

describe("footerLength", () => {
  it("reads the little-endian length before the closing PAR1, from a tail of any length", async () => {
    const [{ footer_size }] = await duck.rows(`SELECT footer_size FROM parquet_file_metadata(${sqlPath(FILE)})`) as [{ footer_size: bigint }];
    expect(footerLength(bytes)).toBe(Number(footer_size));
    expect(footerLength(bytes.subarray(bytes.length - FOOTER_TRAILER_BYTES))).toBe(Number(footer_size));
  });
});

describe("decodeFooter", () => {
  // Just the footer and trailer, plus a few bytes of the last column chunk: all a ranged read fetches.
  const tail = bytes.subarray(bytes.length - footerLength(bytes) - FOOTER_TRAILER_BYTES - 100);
  const footer = decodeFooter(tail, bytes.length);

  it("gives the rows, the row groups' rows, the writer and where the footer starts, as DuckDB reads them", async () => {
    const [file] = await duck.rows(`SELECT num_rows, created_by, file_size_bytes, footer_size FROM parquet_file_metadata(${sqlPath(FILE)})`) as
      [{ num_rows: bigint; created_by: string; file_size_bytes: bigint; footer_size: bigint }];
    const groups = await duck.rows(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${sqlPath(FILE)}) ORDER BY row_group_id`);
    expect(footer.numRows).toBe(Number(file.num_rows));
    expect(footer.rowGroups.map((g) => g.numRows)).toEqual(groups.map((g) => Number(g.row_group_num_rows)));
    expect(footer.rowGroups).toHaveLength(4);
    expect(footer.createdBy).toBe(file.created_by);
    expect(footer.footerStart).toBe(Number(file.file_size_bytes) - FOOTER_TRAILER_BYTES - Number(file.footer_size));
  });

  it("gives the key-value metadata", async () => {
    const keys = await duck.rows(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlPath(FILE)})`) as { key: string; value: string }[];
    expect([...footer.keyValue.keys()].sort()).toEqual(keys.map((k) => k.key).sort());
    const hf = keys.find((k) => k.key === "huggingface")!.value;
    expect(footer.keyValue.get("huggingface")).toBe(hf);
    expect(JSON.parse(hf)).toHaveProperty("info.features.action");
  });

  it("places each column chunk from its dictionary page (when it has one) over its compressed size, as DuckDB sees it", async () => {
    const chunks = await duck.rows(
      `SELECT row_group_id, dictionary_page_offset, data_page_offset, total_compressed_size FROM parquet_metadata(${sqlPath(FILE)}) ORDER BY row_group_id, column_id`,
    ) as { row_group_id: bigint; dictionary_page_offset: bigint | null; data_page_offset: bigint; total_compressed_size: bigint }[];
    const expected = footer.rowGroups.map(() => [] as [number, number][]);
    for (const c of chunks) {
      const dict = c.dictionary_page_offset === null ? undefined : Number(c.dictionary_page_offset);
      const start = dict !== undefined && dict > 0 && dict < Number(c.data_page_offset) ? dict : Number(c.data_page_offset);
      expected[Number(c.row_group_id)]!.push([start, start + Number(c.total_compressed_size)]);
    }
    // Page index ranges, if any, follow each chunk's pages range: compare the pages ranges.
    const pagesRanges = footer.rowGroups.map((g) => g.ranges.filter(([start]) => expected.flat().some(([s]) => s === start)));
    expect(pagesRanges).toEqual(expected);
    // And every range lies between the leading PAR1 and the footer.
    for (const [start, end] of footer.rowGroups.flatMap((g) => g.ranges)) {
      expect(start).toBeGreaterThanOrEqual(4);
      expect(end).toBeLessThanOrEqual(footer.footerStart);
    }
  });

  it("decodes the same footer from the whole file as from its tail", () => {
    expect(decodeFooter(bytes, bytes.length)).toEqual(footer);
  });

  it("refuses a tail too short to hold the footer, and a length that runs past the file's start", () => {
    expect(() => decodeFooter(bytes.subarray(bytes.length - 64), bytes.length)).toThrow(/runs past the start of the file/);
    const lying = Uint8Array.from(bytes);
    new DataView(lying.buffer).setUint32(lying.length - 8, lying.length, true);
    expect(() => decodeFooter(lying, lying.length)).toThrow(/footer length \d+ runs past the start of the file/);
  });
});
