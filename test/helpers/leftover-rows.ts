/**
 * The rows a save leaves past the last episode when it dies after appending its row group and
 * before writing the episode's metadata: copies of existing rows renumbered as the next episode's.
 */
import type * as arrow from "apache-arrow";
import { readParquetMetadata } from "../../src/dataset/parquet.js";
import { mapNumeric, pickRows } from "./corrupt.js";

/** Rows of a data table with episode_index and index renumbered as the next save would have them. */
export function rowsPast(table: arrow.Table, rows: number[], episode: number, firstIndex: number): arrow.Table {
  const picked = pickRows(table, rows);
  return mapNumeric(mapNumeric(picked, "episode_index", (v) => (v as BigInt64Array).fill(BigInt(episode))), "index", (v) => {
    for (let i = 0; i < v.length; i++) (v as BigInt64Array)[i] = BigInt(firstIndex + i);
  });
}

/** The file's key-value metadata, for re-encoding a table as the file had it. */
export async function parquetKeyValue(file: string): Promise<Map<string, string>> {
  return new Map([...(await readParquetMetadata(file)).keyValue].filter(([k]) => k !== "ARROW:schema"));
}
