/**
 * inspectParquetFile: what any parquet file holds (LeRobot's or not): its Arrow schema, row
 * groups, codecs and sizes, key-value metadata keys, sample rows, column statistics computed
 * from the data, and rows per episode when it has an `episode_index` column.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import { readParquet, readParquetMetadata } from "../dataset/index.js";
import { DatasetError } from "../errors.js";
import { computeColumnStats } from "./column-stats.js";
import type { RowRange } from "./options.js";
import { chooseColumns, sampleRange } from "./options.js";
import type { EpisodeBreakdown, JsonValue, ParquetReport, StatNumber } from "./report.js";
import { INSPECT_SCHEMA_ID } from "./report.js";
import { jsonNumber, toJsonValue } from "./values.js";

/** Options of inspectParquetFile: the CLI's inspect flags for a parquet file. */
export interface InspectParquetOptions {
  /** Sample the first `head` rows (default 5); ignored when `rows` is given. */
  head?: number;
  /** Sample rows [start, end) instead. */
  rows?: RowRange;
  /** Limit sample rows and statistics to these columns (default: all). */
  columns?: string[];
  /** Compute column statistics (default true); they need a full read of the chosen columns. */
  stats?: boolean;
  /**
   * Dimension names per column for per-dimension statistics. By default they come from the
   * info.json of the dataset the file sits in, if any.
   */
  dimensionNames?: Record<string, string[]>;
}

/** Columns the episode breakdown reads, whatever columns were chosen. */
const EPISODE_COLUMNS = ["episode_index", "index", "timestamp"];

/**
 * Describe one parquet file: schema, key-value metadata, row groups and column chunks, sample
 * rows, column statistics, and a per-episode breakdown for LeRobot data files. Reads the file only.
 * @throws DatasetError when the file is missing, not parquet, or has no footer.
 * @throws InspectOptionError for a bad row range or unknown columns.
 */
export async function inspectParquetFile(file: string, options: InspectParquetOptions = {}): Promise<ParquetReport> {
  const absolute = path.resolve(file);
  // Refuses a footerless or non-parquet file with a DatasetError naming it.
  const meta = await readParquetMetadata(absolute);
  const layout = await readLayout(absolute);
  const available = layout.schema.fields.map((f) => f.name);
  const columns = chooseColumns(available, options.columns);
  const range = sampleRange(meta.numRows, options);
  const episodeColumns = available.includes("episode_index") ? EPISODE_COLUMNS.filter((c) => available.includes(c)) : [];
  const names = options.dimensionNames
    ? { from: null, names: options.dimensionNames }
    : await datasetDimensionNames(absolute);

  let sample: arrow.Table;
  let columnStats: ParquetReport["columnStats"] = null;
  let episodes: EpisodeBreakdown[] | null = null;
  if (options.stats ?? true) {
    // One full read serves statistics, the episode breakdown and the sample rows.
    const table = await readParquet(absolute, { columns: [...new Set([...columns, ...episodeColumns])] });
    columnStats = columns.map((c) => computeColumnStats(table.getChild(c)!, c, names.names[c]));
    if (episodeColumns.length > 0) episodes = episodeBreakdown(table);
    sample = table.select(columns).slice(range.start, range.end);
  } else {
    sample = await readRows(absolute, columns, range, meta.rowGroupRows);
    if (episodeColumns.length > 0) episodes = episodeBreakdown(await readParquet(absolute, { columns: episodeColumns }));
  }

  return {
    schema: INSPECT_SCHEMA_ID,
    kind: "parquet",
    file: absolute,
    bytes: (await fs.promises.stat(absolute)).size,
    numRows: meta.numRows,
    createdBy: meta.createdBy ?? null,
    formatVersion: layout.formatVersion,
    compression: layout.compression,
    fields: layout.schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
    rowGroups: layout.rowGroups,
    columnChunks: layout.columnChunks,
    keyValue: [...meta.keyValue].map(([key, value]) => ({ key, bytes: Buffer.byteLength(value, "utf8") })),
    dimensionNamesFrom: names.from,
    sample: { start: range.start, end: range.end, columns, rows: sampleRows(sample, columns) },
    columnStats,
    episodes,
  };
}

interface Layout {
  schema: arrow.Schema;
  formatVersion: number;
  compression: string[];
  rowGroups: ParquetReport["rowGroups"];
  columnChunks: ParquetReport["columnChunks"];
}

/** Schema, row groups and column chunk sizes and codecs, from the footer alone. */
async function readLayout(file: string): Promise<Layout> {
  let pf: pw.ParquetFile;
  try {
    pf = await pw.ParquetFile.fromFile(await fs.openAsBlob(file));
  } catch (error) {
    throw new DatasetError(`${file} is not a readable parquet file: ${error instanceof Error ? error.message : String(error)}`, { file, cause: error });
  }
  try {
    // The Arrow schema parquet-wasm reads (honouring ARROW:schema, as pyarrow does).
    const schema = arrow.tableFromIPC(pf.schema().intoIPCStream()).schema;
    const meta = pf.metadata();
    const chunks = new Map<string, { compression: Set<string>; compressedBytes: number; uncompressedBytes: number }>();
    const rowGroups = meta.rowGroups().map((rg, index) => {
      for (const column of rg.columns()) {
        const key = column.columnPath().join(".");
        let chunk = chunks.get(key);
        if (!chunk) chunks.set(key, (chunk = { compression: new Set(), compressedBytes: 0, uncompressedBytes: 0 }));
        chunk.compression.add(pw.Compression[column.compression()] ?? String(column.compression()));
        chunk.compressedBytes += column.compressedSize();
        chunk.uncompressedBytes += column.uncompressedSize();
      }
      return { index, rows: rg.numRows(), compressedBytes: rg.compressedSize(), uncompressedBytes: rg.totalByteSize() };
    });
    const columnChunks = [...chunks].map(([p, c]) => ({
      path: p, compression: [...c.compression], compressedBytes: c.compressedBytes, uncompressedBytes: c.uncompressedBytes,
    }));
    return {
      schema,
      formatVersion: meta.fileMetadata().version(),
      compression: [...new Set(columnChunks.flatMap((c) => c.compression))],
      rowGroups,
      columnChunks,
    };
  } finally {
    pf.free();
  }
}

/** Rows [start, end) of some columns, decoding only the row groups that hold them. */
async function readRows(file: string, columns: string[], range: RowRange, rowGroupRows: number[]): Promise<arrow.Table> {
  const groups: number[] = [];
  let firstRow = 0;
  let pos = 0;
  for (const [i, rows] of rowGroupRows.entries()) {
    if (pos < range.end && pos + rows > range.start) {
      if (groups.length === 0) firstRow = pos;
      groups.push(i);
    }
    pos += rows;
  }
  if (groups.length === 0) return (await readParquet(file, { columns, limit: 0 })).select(columns);
  const table = await readParquet(file, { columns, rowGroups: groups });
  return table.select(columns).slice(range.start - firstRow, range.end - firstRow);
}

function sampleRows(table: arrow.Table, columns: string[]): Record<string, JsonValue>[] {
  const vectors = columns.map((c) => [c, table.getChild(c)!] as const);
  return Array.from({ length: table.numRows }, (_, row) => {
    const out: Record<string, JsonValue> = {};
    for (const [name, vector] of vectors) out[name] = toJsonValue(vector.get(row), vector.type as arrow.DataType);
    return out;
  });
}

function statOf(value: unknown): StatNumber {
  if (typeof value === "number" || typeof value === "bigint") return jsonNumber(value);
  if (value === null || value === undefined) return null;
  return String(value);
}

/** Rows per episode_index value, in order of first appearance, with their index and timestamp span. */
function episodeBreakdown(table: arrow.Table): EpisodeBreakdown[] {
  const episode = table.getChild("episode_index")!;
  const index = table.getChild("index");
  const timestamp = table.getChild("timestamp");
  const byValue = new Map<string, { value: unknown; rows: number; firstRow: number; lastRow: number; contiguous: boolean }>();
  for (let row = 0; row < table.numRows; row++) {
    const value: unknown = episode.get(row);
    const key = String(value);
    const entry = byValue.get(key);
    if (!entry) {
      byValue.set(key, { value, rows: 1, firstRow: row, lastRow: row, contiguous: true });
      continue;
    }
    if (entry.lastRow !== row - 1) entry.contiguous = false;
    entry.rows++;
    entry.lastRow = row;
  }
  return [...byValue.values()].map((e) => ({
    episodeIndex: statOf(e.value),
    rows: e.rows,
    firstRow: e.firstRow,
    lastRow: e.lastRow,
    contiguous: e.contiguous,
    firstIndex: statOf(index?.get(e.firstRow)),
    lastIndex: statOf(index?.get(e.lastRow)),
    firstTimestamp: statOf(timestamp?.get(e.firstRow)),
    lastTimestamp: statOf(timestamp?.get(e.lastRow)),
  }));
}

/**
 * Dimension names (`names` of info.json features) of the dataset the file belongs to: a data or
 * meta file sits one to three folders below the root. An unreadable info.json just gives none.
 */
async function datasetDimensionNames(file: string): Promise<{ from: string | null; names: Record<string, string[]> }> {
  let dir = path.dirname(file);
  for (let up = 0; up < 4; up++) {
    const info = path.join(dir, "meta", "info.json");
    if (fs.existsSync(info)) {
      try {
        const json = JSON.parse(await fs.promises.readFile(info, "utf8")) as { features?: Record<string, { names?: unknown }> };
        const names: Record<string, string[]> = {};
        for (const [key, feature] of Object.entries(json.features ?? {})) {
          const list = namesList(feature?.names);
          if (list) names[key] = list;
        }
        return { from: info, names };
      } catch {
        return { from: null, names: {} };
      }
    }
    dir = path.dirname(dir);
  }
  return { from: null, names: {} };
}

/** A feature's names: a list, or (older LeRobot) a dict whose first value is the list. */
function namesList(names: unknown): string[] | undefined {
  const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
  if (isList(names)) return names;
  if (names && typeof names === "object") return Object.values(names).find(isList);
  return undefined;
}
