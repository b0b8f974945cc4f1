/**
 * Parquet <-> Arrow: files pyarrow wrote read as DuckDB reads them, files we encode read back by
 * DuckDB, a file read by byte ranges (as from the Hub) the same as from disk while fetching only
 * what the read needs, and broken files named as such.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import type { ByteSource } from "../../src/dataset/byte-source.js";
import { appendRowGroups } from "../../src/dataset/parquet-append.js";
import { MissingFooterError, decodeArrowSchema, encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import type { Duck } from "../helpers/duckdb.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";
import { tempDir } from "../helpers/synthetic.js";

/** Written by pyarrow 22: 1492 rows in 4 row groups. */
const REAL_DATA = path.join(REAL_FIXTURE, "data/chunk-000/file-000.parquet");

/** A file on disk read by ranges, counting what it reads (a stand-in for HTTP range requests). */
function rangedFile(file: string): ByteSource & { bytesRead: number; reads: number } {
  const bytes = fs.readFileSync(file);
  const source = {
    name: file, size: bytes.length, bytesRead: 0, reads: 0,
    read: async (start: number, end: number) => {
      const out = new Uint8Array(bytes.subarray(start, Math.min(end, bytes.length)));
      source.bytesRead += out.length;
      source.reads++;
      return out;
    },
  };
  return source;
}

/** A column's rows as plain values (list rows as arrays of numbers). */
const column = (table: arrow.Table, name: string) => {
  const vector = table.getChild(name)!;
  return Array.from({ length: vector.length }, (_, i) => {
    const value = vector.get(i) as unknown;
    return plain(value instanceof arrow.Vector ? value.toArray() : value);
  });
};

/**
 * A file of 4 row groups of 20,000 random float64s each (incompressible, ~160 KB a group), so a
 * ranged read of one group can be told from a read of the whole file.
 */
function bigFile(): string {
  const file = path.join(dir, "big.parquet");
  let bytes: Uint8Array | undefined;
  for (let g = 0; g < 4; g++) {
    const piece = encodeParquet(new arrow.Table({
      index: arrow.makeVector(BigInt64Array.from({ length: 20_000 }, (_, i) => BigInt(g * 20_000 + i))),
      noise: arrow.makeVector(Float64Array.from({ length: 20_000 }, () => Math.random())),
    }));
    bytes = bytes ? appendRowGroups(bytes, piece) : piece;
  }
  fs.writeFileSync(file, bytes!);
  return file;
}

let dir: string;
let duck: Duck;
beforeAll(async () => { dir = tempDir(); duck = await openDuck(); });
afterAll(() => { duck.close(); fs.rmSync(dir, { recursive: true, force: true }); });

describe("readParquet", () => {
  it("reads a pyarrow file with the rows and values DuckDB reads", async () => {
    const table = await readParquet(REAL_DATA);
    const rows = await duck.rows(`SELECT "index", episode_index, timestamp FROM read_parquet(${sqlPath(REAL_DATA)})`);
    expect(table.numRows).toBe(rows.length);
    expect(column(table, "index")).toEqual(rows.map((r) => Number(r.index)));
    expect(column(table, "episode_index")).toEqual(rows.map((r) => Number(r.episode_index)));
    expect(column(table, "timestamp")).toEqual(rows.map((r) => r.timestamp));
  });

  it("reads only the columns, row groups and row window asked for", async () => {
    const all = column(await readParquet(REAL_DATA, { columns: ["index"] }), "index") as number[];
    const meta = await readParquetMetadata(REAL_DATA);
    const third = await readParquet(REAL_DATA, { rowGroups: [2], columns: ["index", "timestamp"] });
    expect(third.numRows).toBe(meta.rowGroupRows[2]);
    // Only those columns, in the file's order whatever order they were asked in.
    expect(third.schema.fields.map((f) => f.name)).toEqual(["timestamp", "index"]);
    const start = meta.rowGroupRows[0]! + meta.rowGroupRows[1]!;
    expect(column(third, "index")).toEqual(all.slice(start, start + meta.rowGroupRows[2]!));
    expect(column(await readParquet(REAL_DATA, { columns: ["index"], offset: 370, limit: 10 }), "index")).toEqual(all.slice(370, 380));
  });
});

describe("readParquetMetadata", () => {
  it("gives rows per row group, key-value metadata and the writer, as DuckDB reads them", async () => {
    const meta = await readParquetMetadata(REAL_DATA);
    const groups = await duck.rows(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${sqlPath(REAL_DATA)}) ORDER BY row_group_id`);
    const kv = await duck.rows(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlPath(REAL_DATA)})`);
    expect(meta.rowGroupRows).toEqual(groups.map((g) => Number(g.row_group_num_rows)));
    expect(meta.numRows).toBe(1492);
    expect(meta.keyValue).toEqual(new Map(kv.map((r) => [r.key as string, r.value as string])));
    expect(meta.createdBy).toBe("parquet-cpp-arrow version 22.0.0");
  });
});

describe("decodeArrowSchema", () => {
  it("gives the Arrow schema pyarrow stored in ARROW:schema, and nothing when there is none", async () => {
    const schema = decodeArrowSchema((await readParquetMetadata(REAL_DATA)).keyValue)!;
    expect(schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      "action:FixedSizeList[6]<Float32>", "observation.state:FixedSizeList[6]<Float32>", "timestamp:Float32",
      "frame_index:Int64", "episode_index:Int64", "index:Int64", "task_index:Int64",
    ]);
    expect(decodeArrowSchema(new Map())).toBeUndefined();
  });
});

describe("encodeParquet", () => {
  it("writes a snappy file DuckDB reads back, with the schema's and the given key-value metadata", async () => {
    const schema = new arrow.Schema([
      new arrow.Field("action", new arrow.FixedSizeList(2, new arrow.Field("item", new arrow.Float32(), true)), true),
      new arrow.Field("task", new arrow.Utf8(), true),
    ], new Map([["huggingface", '{"info": {}}']]));
    const action = arrow.vectorFromArray([[0.5, -1], [2, 3.25]], schema.fields[0]!.type);
    const task = arrow.vectorFromArray(["pick", "place"], new arrow.Utf8());
    const table = new arrow.Table([new arrow.RecordBatch(schema, arrow.makeData({
      type: new arrow.Struct(schema.fields), length: 2, children: [action.data[0]!, task.data[0]!],
    }))]);
    const file = path.join(dir, "encoded.parquet");
    fs.writeFileSync(file, encodeParquet(table, { keyValueMetadata: new Map([["pandas", "{}"]]) }));
    expect(plain(await duck.rows(`SELECT action, task FROM read_parquet(${sqlPath(file)})`))).toEqual([
      { action: [0.5, -1], task: "pick" }, { action: [2, 3.25], task: "place" },
    ]);
    const kv = await duck.rows(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlPath(file)}) ORDER BY key`);
    expect(kv.filter((r) => r.key !== "ARROW:schema")).toEqual([{ key: "huggingface", value: '{"info": {}}' }, { key: "pandas", value: "{}" }]);
    const compression = await duck.rows(`SELECT DISTINCT compression FROM parquet_metadata(${sqlPath(file)})`);
    expect(compression).toEqual([{ compression: "SNAPPY" }]);
    // Python needs ARROW:schema to get FixedSizeList back rather than a variable list.
    expect(String(decodeArrowSchema((await readParquetMetadata(file)).keyValue)!.fields[0]!.type)).toBe("FixedSizeList[2]<Float32>");
  });
});

describe("reading by byte ranges", () => {
  it("gives the same table and metadata as the file on disk", async () => {
    expect(await readParquetMetadata(rangedFile(REAL_DATA))).toEqual(await readParquetMetadata(REAL_DATA));
    const ranged = await readParquet(rangedFile(REAL_DATA));
    const local = await readParquet(REAL_DATA);
    expect(ranged.numRows).toBe(local.numRows);
    for (const name of ["action", "index", "task_index"]) expect(column(ranged, name)).toEqual(column(local, name));
  });

  it("fetches the footer and the chosen row group's chunks, not the whole file", async () => {
    const file = bigFile();
    const source = rangedFile(file);
    const table = await readParquet(source, { rowGroups: [2], columns: ["index"] });
    expect(column(table, "index")).toEqual(Array.from({ length: 20_000 }, (_, i) => 40_000 + i));
    // Group 2's chunks plus the 64 KiB tail: well under half of the ~640 KB file.
    expect(source.bytesRead).toBeLessThan(source.size / 2);
  });

  it("turns an offset and limit into the row groups they reach, with the rows a local read gives", async () => {
    const file = bigFile();
    const source = rangedFile(file);
    const window = await readParquet(source, { offset: 25_000, limit: 10 });
    expect(column(window, "index")).toEqual(Array.from({ length: 10 }, (_, i) => 25_000 + i));
    expect(column(window, "noise")).toEqual(column(await readParquet(file, { offset: 25_000, limit: 10 }), "noise"));
    expect(source.bytesRead).toBeLessThan(source.size / 2);
    // A window across two row groups.
    expect(column(await readParquet(rangedFile(file), { columns: ["index"], offset: 39_998, limit: 4 }), "index")).toEqual([39_998, 39_999, 40_000, 40_001]);
    // A window past the last row is empty, not an error.
    expect((await readParquet(rangedFile(file), { columns: ["index"], offset: 90_000, limit: 3 })).numRows).toBe(0);
  });
});

describe("broken files", () => {
  const broken = (name: string, bytes: Uint8Array | string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const real = new Uint8Array(fs.readFileSync(REAL_DATA));

  it("names a file that was never closed (no footer) as MissingFooterError, from disk and by ranges", async () => {
    const open = broken("open.parquet", real.subarray(0, real.length - 300));
    for (const read of [() => readParquet(open), () => readParquetMetadata(open), () => readParquetMetadata(rangedFile(open))]) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingFooterError);
      expect(error).toBeInstanceOf(DatasetError);
      expect((error as DatasetError).file).toBe(open);
      expect((error as Error).message).toMatch(/has no parquet footer: it was never closed/);
    }
  });

  it("refuses files that are not parquet, too short, or missing, naming the file", async () => {
    const text = broken("text.parquet", "this is not a parquet file at all");
    await expect(readParquet(text)).rejects.toThrow(`${text} is not a parquet file`);
    await expect(readParquetMetadata(rangedFile(text))).rejects.toThrow(`${text} is not a parquet file`);
    const tiny = broken("tiny.parquet", "PAR1PAR1");
    await expect(readParquet(tiny)).rejects.toThrow(`${tiny} is not a parquet file (8 bytes)`);
    await expect(readParquet(rangedFile(tiny))).rejects.toThrow(`${tiny} is not a parquet file (8 bytes)`);
    const missing = path.join(dir, "missing.parquet");
    await expect(readParquet(missing)).rejects.toThrow(new RegExp(`cannot open ${missing}: .*ENOENT`));
  });

  it("refuses a file whose footer is damaged as a DatasetError naming it", async () => {
    const damaged = Uint8Array.from(real);
    // Overwrite the footer's start (keeping its length and the trailing PAR1).
    const footerStart = damaged.length - 8 - new DataView(damaged.buffer).getUint32(damaged.length - 8, true);
    damaged.fill(0xff, footerStart, footerStart + 64);
    const file = broken("damaged.parquet", damaged);
    await expect(readParquetMetadata(file)).rejects.toThrow(`${file} is not a readable parquet file`);
    await expect(readParquetMetadata(rangedFile(file))).rejects.toThrow(`${file} is not a readable parquet file`);
    await expect(readParquet(file)).rejects.toBeInstanceOf(DatasetError);
  });
});
