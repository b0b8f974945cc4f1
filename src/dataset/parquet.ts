/**
 * Parquet <-> Arrow through parquet-wasm (the Rust `parquet` crate), which reads pyarrow files
 * exactly and writes the `ARROW:schema` Python needs. Everything here works on whole files;
 * callers decide where files go and when they are renamed into place.
 */
import fs from "node:fs";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import { DatasetError } from "../errors.js";

const PARQUET_MAGIC = "PAR1";

/** A parquet file whose footer was never written: its writer died before closing it. */
export class MissingFooterError extends DatasetError {
  override name = "MissingFooterError";
}

export interface ParquetFileMetadata {
  numRows: number;
  rowGroupRows: number[];
  /** File key-value metadata (`ARROW:schema`, `huggingface`, `pandas`, ...). */
  keyValue: Map<string, string>;
  createdBy: string | undefined;
}

/**
 * Check the bytes a parquet footer must have, so a file left open by a crashed writer is named
 * as such instead of surfacing as a decoder panic.
 */
async function assertHasFooter(file: string): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, "r");
  } catch (error) {
    throw new DatasetError(`cannot open ${file}: ${(error as Error).message}`, { file, cause: error });
  }
  try {
    const { size } = await handle.stat();
    if (size < 12) throw new DatasetError(`${file} is not a parquet file (${size} bytes)`, { file });
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 4, size - 4);
    if (head.toString("latin1") !== PARQUET_MAGIC) throw new DatasetError(`${file} is not a parquet file`, { file });
    if (tail.toString("latin1") !== PARQUET_MAGIC) {
      throw new MissingFooterError(
        `${file} has no parquet footer: it was never closed (a recording that crashed before finalize?)`,
        { file },
      );
    }
  } finally {
    await handle.close();
  }
}

async function openParquet(file: string): Promise<pw.ParquetFile> {
  await assertHasFooter(file);
  try {
    return await pw.ParquetFile.fromFile(await fs.openAsBlob(file));
  } catch (error) {
    throw new DatasetError(`${file} is not a readable parquet file: ${errorText(error)}`, { file, cause: error });
  }
}

export async function readParquetMetadata(file: string): Promise<ParquetFileMetadata> {
  const pf = await openParquet(file);
  try {
    const meta = pf.metadata();
    const fileMeta = meta.fileMetadata();
    const keyValue = new Map<string, string>();
    for (const [k, v] of fileMeta.keyValueMetadata()) keyValue.set(String(k), String(v));
    return {
      numRows: fileMeta.numRows(),
      rowGroupRows: meta.rowGroups().map((rg) => rg.numRows()),
      keyValue,
      createdBy: fileMeta.createdBy(),
    };
  } finally {
    pf.free();
  }
}

/** The Arrow schema a parquet file stores in `ARROW:schema` (what pyarrow reconstructs), if any. */
export function decodeArrowSchema(keyValue: Map<string, string>): arrow.Schema | undefined {
  const encoded = keyValue.get("ARROW:schema");
  if (!encoded) return undefined;
  return arrow.tableFromIPC(Buffer.from(encoded, "base64")).schema;
}

export interface ReadParquetOptions {
  columns?: string[];
  rowGroups?: number[];
  offset?: number;
  limit?: number;
}

/**
 * Read a parquet file (or some of its columns / row groups) into an Arrow table in JS memory.
 * The bytes are read whole and decoded in one call: parquet-wasm's Blob reader issues one read
 * per row group and, on a file of 1,000 row groups, spent ~10 s in garbage collection.
 */
export async function readParquet(file: string, options: ReadParquetOptions = {}): Promise<arrow.Table> {
  await assertHasFooter(file);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    throw new DatasetError(`cannot read ${file}: ${errorText(error)}`, { file, cause: error });
  }
  try {
    const wasmTable = pw.readParquet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { ...options, batchSize: 65536 });
    return arrow.tableFromIPC(wasmTable.intoIPCStream());
  } catch (error) {
    throw new DatasetError(`cannot read ${file}: ${errorText(error)}`, { file, cause: error });
  }
}

export interface WriteParquetOptions {
  /** Key-value metadata for the file footer (pyarrow exposes it as the schema's metadata). */
  keyValueMetadata?: Map<string, string>;
}

/**
 * Encode an Arrow table as a snappy-compressed parquet file. The table's schema metadata is
 * also written as file key-value metadata, as pyarrow does, so both readers see it.
 */
export function encodeParquet(table: arrow.Table, options: WriteParquetOptions = {}): Uint8Array {
  const keyValue = new Map<string, string>(table.schema.metadata);
  for (const [k, v] of options.keyValueMetadata ?? []) keyValue.set(k, v);
  const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, "stream"));
  let builder = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.SNAPPY)
    .setCreatedBy("lerobot-ts (parquet-rs via parquet-wasm)");
  if (keyValue.size > 0) builder = builder.setKeyValueMetadata(keyValue);
  return pw.writeParquet(wasmTable, builder.build());
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
