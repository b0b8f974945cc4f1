/**
 * appendRowGroups against real readers: parquet-wasm and DuckDB must both read the merged file
 * as the concatenation of its parts, with one row group per part.
 */
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendRowGroups, keepRowGroups } from "../../src/dataset/parquet-append.js";
import { encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { columnData, dataSchema } from "../../src/dataset/schema.js";
import { DEFAULT_FEATURES } from "../../src/dataset/info.js";
import { tempDir } from "../helpers/synthetic.js";

const features = {
  action: { dtype: "float32", shape: [6], names: null },
  label: { dtype: "string", shape: [1], names: null },
  ...DEFAULT_FEATURES,
};

/** An episode's rows: action values encode (episode, frame, joint). */
function episodeTable(episode: number, length: number, firstIndex: number): arrow.Table {
  const schema = dataSchema(features);
  const action = new Float32Array(length * 6).map((_, i) => episode * 1000 + Math.floor(i / 6) + (i % 6) / 8);
  const ints = (f: (k: number) => number) => BigInt64Array.from({ length }, (_, k) => BigInt(f(k)));
  const columns = [
    columnData(schema.fields[0]!.type, action, length),
    columnData(schema.fields[1]!.type, Array.from({ length }, (_, k) => `e${episode}f${k}`), length),
    columnData(schema.fields[2]!.type, Float32Array.from({ length }, (_, k) => k / 30), length),
    columnData(schema.fields[3]!.type, ints((k) => k), length),
    columnData(schema.fields[4]!.type, ints(() => episode), length),
    columnData(schema.fields[5]!.type, ints((k) => firstIndex + k), length),
    columnData(schema.fields[6]!.type, ints(() => episode % 2), length),
  ];
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length, children: columns });
  return new arrow.Table([new arrow.RecordBatch(schema, data)]);
}

describe("appendRowGroups", () => {
  let dir: string;
  beforeAll(() => { dir = tempDir(); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives a file both readers see as the concatenation, one row group per episode", async () => {
    const lengths = [7, 1, 20, 5000, 3];
    let bytes: Uint8Array | undefined;
    let first = 0;
    for (const [e, n] of lengths.entries()) {
      const part = encodeParquet(episodeTable(e, n, first));
      bytes = bytes ? appendRowGroups(bytes, part) : part;
      first += n;
    }
    const file = path.join(dir, "merged.parquet");
    fs.writeFileSync(file, bytes!);

    const meta = await readParquetMetadata(file);
    expect(meta.rowGroupRows).toEqual(lengths);
    expect(meta.numRows).toBe(first);
    expect(meta.keyValue.has("huggingface")).toBe(true);

    const table = await readParquet(file);
    expect(table.numRows).toBe(first);
    const third = await readParquet(file, { rowGroups: [3] });
    expect(Number(third.get(0)!.episode_index)).toBe(3);
    expect(third.numRows).toBe(5000);

    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll(
      `SELECT episode_index, frame_index, "index", label, action[6] AS a5 FROM read_parquet('${file}') ORDER BY "index"`,
    )).getRowObjectsJS();
    expect(rows.length).toBe(first);
    let index = 0;
    for (const [e, n] of lengths.entries()) {
      for (let k = 0; k < n; k++, index++) {
        const row = rows[index]!;
        expect([Number(row.episode_index), Number(row.frame_index), Number(row.index), row.label]).toEqual([e, k, index, `e${e}f${k}`]);
        expect(row.a5).toBe(Math.fround(e * 1000 + k + 5 / 8));
      }
    }
    conn.closeSync();
  });

  it("keeps the first row groups of a file, byte for byte, as both readers see them", async () => {
    const lengths = [7, 1, 20, 5];
    let bytes = encodeParquet(episodeTable(0, lengths[0]!, 0));
    for (let e = 1, first = lengths[0]!; e < lengths.length; first += lengths[e]!, e++) bytes = appendRowGroups(bytes, encodeParquet(episodeTable(e, lengths[e]!, first)));
    const kept = keepRowGroups(bytes, 2);
    const three = keepRowGroups(bytes, 3);
    // Both are the original's bytes up to where a dropped row group starts, then a footer.
    const body = (b: Uint8Array) => Buffer.from(b.subarray(0, b.length - 8 - Buffer.from(b).readUInt32LE(b.length - 8)));
    expect(body(kept).equals(Buffer.from(bytes.subarray(0, body(kept).length)))).toBe(true);
    expect(body(three).subarray(0, body(kept).length).equals(body(kept))).toBe(true);
    const file = path.join(dir, "kept.parquet");
    fs.writeFileSync(file, three);
    expect((await readParquetMetadata(file)).rowGroupRows).toEqual([7, 1, 20]);
    expect((await readParquet(file)).numRows).toBe(28);
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll(`SELECT episode_index, label FROM read_parquet('${file}') ORDER BY "index"`)).getRowObjectsJS();
    expect(rows.map((r) => `${Number(r.episode_index)}:${r.label}`)).toEqual(lengths.slice(0, 3).flatMap((n, e) => Array.from({ length: n }, (_, k) => `${e}:e${e}f${k}`)));
    conn.closeSync();
    expect(() => keepRowGroups(bytes, 0)).toThrow(/cannot keep 0 of 4/);
  });

  it("refuses to merge files of different schemas", () => {
    const a = encodeParquet(episodeTable(0, 3, 0));
    const other = encodeParquet(new arrow.Table({ x: arrow.vectorFromArray([1, 2, 3]) }));
    expect(() => appendRowGroups(a, other)).toThrow(/schemas differ/);
    expect(() => appendRowGroups(a.subarray(0, a.length - 1), a)).toThrow(/not a complete parquet file/);
  });
});
