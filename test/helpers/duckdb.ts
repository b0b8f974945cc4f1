/**
 * DuckDB as a second, independent parquet reader (C++, ignores our parquet-wasm path entirely):
 * what it reads from a file is the reference our own reader and writer are checked against.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection } from "@duckdb/node-api";

export interface Duck {
  /** Run a query; rows as plain JS objects (BIGINT as bigint, lists as arrays). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** Column names of a query's result, in order. */
  columns(sql: string): Promise<string[]>;
  close(): void;
}

export async function openDuck(): Promise<Duck> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection: DuckDBConnection = await instance.connect();
  return {
    async rows(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    async columns(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.columnNames();
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A file path as a SQL string literal. */
export function sqlPath(file: string): string {
  return `'${file.replace(/'/g, "''")}'`;
}

/** bigint -> number and typed arrays -> arrays, recursively, so values compare with toEqual. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v));
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
