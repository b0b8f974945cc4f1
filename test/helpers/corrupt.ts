/**
 * Tools to damage a dataset on purpose, as bugs, crashes and hand edits do: rewrite a parquet
 * file's columns (keeping its metadata), edit JSON files, cut files short.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { columnValues } from "../../src/dataset/columns.js";
import type { EpisodeRecord } from "../../src/dataset/episodes.js";
import { buildEpisodesTable, parseEpisodesTable } from "../../src/dataset/episodes.js";
import type { DatasetInfo } from "../../src/dataset/info.js";
import { encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import type { TypedArray } from "../../src/dataset/schema.js";
import { columnData } from "../../src/dataset/schema.js";

export const DATA_FILE = "data/chunk-000/file-000.parquet";
export const EPISODES_FILE = "meta/episodes/chunk-000/file-000.parquet";

/** Read a parquet file, transform its table, write it back with its key-value metadata. */
export async function rewriteParquet(file: string, transform: (table: arrow.Table) => arrow.Table, options: { keepMetadata?: boolean } = {}): Promise<void> {
  const table = await readParquet(file);
  const meta = await readParquetMetadata(file);
  const keyValue = new Map([...meta.keyValue].filter(([k]) => k !== "ARROW:schema"));
  const out = transform(table);
  fs.writeFileSync(file, encodeParquet(new arrow.Table(columnsOf(out)), options.keepMetadata === false ? {} : { keyValueMetadata: keyValue }));
}

function columnsOf(table: arrow.Table): Record<string, arrow.Vector> {
  return Object.fromEntries(table.schema.fields.map((f) => [f.name, table.getChild(f.name)!]));
}

/** A table with one column replaced (or added at the end, or removed with `undefined`). */
export function withColumn(table: arrow.Table, name: string, vector: arrow.Vector | undefined): arrow.Table {
  const columns = columnsOf(table);
  if (vector === undefined) delete columns[name];
  else columns[name] = vector;
  return new arrow.Table(columns);
}

/** Edit a numeric column's flat values (numRows x dim, row-major) in place of the original. */
export function mapNumeric(table: arrow.Table, name: string, edit: (values: TypedArray, dim: number) => void): arrow.Table {
  const vector = table.getChild(name)!;
  const { values, dim } = columnValues(vector, name);
  const copy = values.slice() as TypedArray;
  edit(copy, dim);
  return withColumn(table, name, arrow.makeVector(columnData(vector.type as arrow.DataType, copy, table.numRows)));
}

/** Keep rows by position (in the given order; a position may repeat). */
export function pickRows(table: arrow.Table, rows: number[]): arrow.Table {
  const columns: Record<string, arrow.Vector> = {};
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name)!;
    if (arrow.DataType.isFixedSizeList(field.type) || arrow.DataType.isInt(field.type) || arrow.DataType.isFloat(field.type)) {
      const { values, dim } = columnValues(vector, field.name);
      const out = new (values.constructor as new (n: number) => TypedArray)(rows.length * dim);
      rows.forEach((r, i) => (out as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(values.subarray(r * dim, (r + 1) * dim) as ArrayLike<unknown>, i * dim));
      columns[field.name] = arrow.makeVector(columnData(field.type, out, rows.length));
    } else {
      columns[field.name] = arrow.vectorFromArray(rows.map((r) => vector.get(r)), field.type);
    }
  }
  return new arrow.Table(columns);
}

export function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json, null, 4));
}

export function editInfo(root: string, edit: (info: DatasetInfo & Record<string, unknown>) => void): void {
  editJson(path.join(root, "meta/info.json"), edit as (json: Record<string, unknown>) => void);
}

/** Rewrite the episodes metadata from edited records (LeRobot's columns and types). */
export async function editEpisodes(root: string, edit: (records: EpisodeRecord[]) => void, transform: (t: arrow.Table) => arrow.Table = (t) => t): Promise<void> {
  const info = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as DatasetInfo;
  const file = path.join(root, EPISODES_FILE);
  const records = parseEpisodesTable(await readParquet(file));
  edit(records);
  fs.writeFileSync(file, encodeParquet(transform(buildEpisodesTable(records, info.features))));
}

/** Cut a file to its first `keep` bytes (a negative value cuts that many from the end). */
export function truncate(file: string, keep: number): void {
  const size = fs.statSync(file).size;
  fs.truncateSync(file, keep < 0 ? size + keep : keep);
}

/** Hide the last frames of an mp4 from decoders: its edit list ends 50 ms early. */
export function shortenEditList(file: string): void {
  const bytes = fs.readFileSync(file);
  // The live moov is the file's first one (free boxes may hold older copies after it).
  let moov = 0;
  while (bytes.toString("latin1", moov + 4, moov + 8) !== "moov") moov += bytes.readUInt32BE(moov);
  const at = bytes.indexOf("elst", moov) + 12;
  bytes.writeUInt32BE(bytes.readUInt32BE(at) - 50, at);
  fs.writeFileSync(file, bytes);
}
