/**
 * Parquet <-> Arrow through parquet-wasm (the Rust `parquet` crate), which reads pyarrow files
 * exactly and writes the `ARROW:schema` Python needs. Local files are read whole; a file given
 * as a ByteSource (a Hub dataset) is read by ranges: its footer, then only the column chunks
 * asked for. Callers decide where files go and when they are renamed into place.
 */
import fs from "node:fs";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import { DatasetError } from "../errors.js";
import type { ByteSource } from "./byte-source.js";
import { coalesceRanges } from "./byte-source.js";
import type { ParquetFooter } from "./parquet-footer.js";
import { FOOTER_TRAILER_BYTES, decodeFooter, footerLength } from "./parquet-footer.js";

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

export async function readParquetMetadata(file: string | ByteSource): Promise<ParquetFileMetadata> {
  if (typeof file !== "string") {
    const footer = await readFooter(file);
    return { numRows: footer.numRows, rowGroupRows: footer.rowGroups.map((rg) => rg.numRows), keyValue: footer.keyValue, createdBy: footer.createdBy };
  }
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
export async function readParquet(file: string | ByteSource, options: ReadParquetOptions = {}): Promise<arrow.Table> {
  if (typeof file !== "string") {
    const needed = await readNeededBytes(file, options);
    return decodeParquet(needed.bytes, file.name, needed.options);
  }
  await assertHasFooter(file);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    throw new DatasetError(`cannot read ${file}: ${errorText(error)}`, { file, cause: error });
  }
  return decodeParquet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file, options);
}

function decodeParquet(bytes: Uint8Array, file: string, options: ReadParquetOptions): arrow.Table {
  try {
    const wasmTable = pw.readParquet(bytes, { ...options, batchSize: 65536 });
    const table = arrow.tableFromIPC(wasmTable.intoIPCStream());
    if (!options.columns) return table;
    // parquet-wasm's in-memory reader (0.8.0) ignores `columns` and returns every column: keep
    // those asked for, in file order as a parquet projection gives them.
    const wanted = new Set(options.columns);
    return table.select(table.schema.fields.map((f) => f.name).filter((name) => wanted.has(name)));
  } catch (error) {
    throw new DatasetError(`cannot read ${file}: ${errorText(error)}`, { file, cause: error });
  }
}

/** Bytes read from the end of a ranged file at first: the whole footer of all but the widest files. */
const TAIL_BYTES = 64 * 1024;
/** Column chunks this close together are fetched in one read. */
const RANGE_GAP = 4096;

/** The footer of a ranged file, with the same checks (and errors) as a local file's. */
async function readFooter(source: ByteSource): Promise<ParquetFooter & { tail: Uint8Array }> {
  const { name, size } = source;
  if (size < 12) throw new DatasetError(`${name} is not a parquet file (${size} bytes)`, { file: name });
  // The tail first: for a small file it is the whole file, and the head comes with it.
  let tail = await source.read(Math.max(0, size - TAIL_BYTES), size);
  const head = await source.read(0, 4);
  if (Buffer.from(head).toString("latin1") !== PARQUET_MAGIC) throw new DatasetError(`${name} is not a parquet file`, { file: name });
  if (Buffer.from(tail.subarray(tail.length - 4)).toString("latin1") !== PARQUET_MAGIC) {
    throw new MissingFooterError(`${name} has no parquet footer: it was never closed (a recording that crashed before finalize?)`, { file: name });
  }
  const needed = footerLength(tail) + FOOTER_TRAILER_BYTES;
  if (needed > tail.length && needed <= size - 4) tail = await source.read(size - needed, size);
  try {
    return { ...decodeFooter(tail, size), tail };
  } catch (error) {
    throw new DatasetError(`${name} is not a readable parquet file: ${errorText(error)}`, { file: name, cause: error });
  }
}

/**
 * A buffer the size of the file holding what parquet-wasm will decode: the footer and the
 * column chunks of the row groups the read reaches. The rest stays zero and unread.
 */
async function readNeededBytes(source: ByteSource, options: ReadParquetOptions): Promise<{ bytes: Uint8Array; options: ReadParquetOptions }> {
  const footer = await readFooter(source);
  const window = narrowToWindow(footer, options);
  const ranges: [number, number][] = [];
  // Every column of a row group, even with `columns`: parquet-wasm's in-memory reader walks the
  // page headers of the columns it does not return too.
  for (const g of window.rowGroups ?? footer.rowGroups.map((_, i) => i)) {
    ranges.push(...(footer.rowGroups[g]?.ranges ?? []));
  }
  const bytes = new Uint8Array(source.size);
  bytes.set(Buffer.from(PARQUET_MAGIC, "latin1"), 0);
  bytes.set(footer.tail, source.size - footer.tail.length);
  const tailStart = source.size - footer.tail.length;
  for (const [start, end] of coalesceRanges(ranges, RANGE_GAP)) {
    if (start < 0 || end > source.size) throw new DatasetError(`${source.name}: a column chunk lies outside the file`, { file: source.name });
    // The tail read for the footer holds the last row groups' bytes already.
    if (start < tailStart) bytes.set(await source.read(start, Math.min(end, tailStart)), start);
  }
  return { bytes, options: window };
}

/**
 * The same read with offset / limit turned into the row groups they reach (and an offset into
 * the first of them), so no other row group is touched: its bytes were never fetched.
 */
function narrowToWindow(footer: ParquetFooter, options: ReadParquetOptions): ReadParquetOptions {
  if (options.offset === undefined && options.limit === undefined) return options;
  const from = options.offset ?? 0;
  const to = options.limit === undefined ? Infinity : from + options.limit;
  const groups = options.rowGroups ?? footer.rowGroups.map((_, i) => i);
  const reached: number[] = [];
  let firstRow = 0;
  let row = 0;
  for (const g of groups) {
    const rows = footer.rowGroups[g]?.numRows ?? 0;
    if (row < to && row + rows > from) {
      if (reached.length === 0) firstRow = row;
      reached.push(g);
    }
    row += rows;
  }
  if (reached.length === 0) return { ...options, rowGroups: groups.slice(0, 1), offset: 0, limit: 0 };
  const narrowed: ReadParquetOptions = { ...options, rowGroups: reached, offset: from - firstRow };
  if (options.limit !== undefined) narrowed.limit = options.limit;
  return narrowed;
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
