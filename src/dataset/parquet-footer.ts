/**
 * A parquet footer decoded from the file's last bytes alone: row counts, key-value metadata and
 * where each row group's column chunks lie, so a reader that has only byte ranges of a file (a
 * Hub dataset read over HTTP) can fetch just the row groups it decodes.
 */
import type { ThriftStruct, ThriftValue } from "./thrift-compact.js";
import { CompactReader, field, listField } from "./thrift-compact.js";

// parquet.thrift field ids.
const FILE_NUM_ROWS = 3;
const FILE_ROW_GROUPS = 4;
const FILE_KEY_VALUE = 5;
const FILE_CREATED_BY = 6;
const RG_COLUMNS = 1;
const RG_NUM_ROWS = 3;
const CC_META = 3;
const CC_OFFSET_INDEX_OFFSET = 4;
const CC_OFFSET_INDEX_LENGTH = 5;
const CC_COLUMN_INDEX_OFFSET = 6;
const CC_COLUMN_INDEX_LENGTH = 7;
const CMD_COMPRESSED_SIZE = 7;
const CMD_DATA_PAGE_OFFSET = 9;
const CMD_DICTIONARY_PAGE_OFFSET = 11;

export interface ParquetFooter {
  numRows: number;
  /** Per row group: its rows, and the byte ranges [start, end) of its column chunks' pages and page indexes. */
  rowGroups: { numRows: number; ranges: [number, number][] }[];
  keyValue: Map<string, string>;
  createdBy: string | undefined;
  /** Offset of the footer's first byte. */
  footerStart: number;
}

/** Footer length + "PAR1" at the end of every complete parquet file. */
export const FOOTER_TRAILER_BYTES = 8;

/** The footer's length from the file's last 8 bytes. */
export function footerLength(trailer: Uint8Array): number {
  return new DataView(trailer.buffer, trailer.byteOffset + trailer.length - 8, 4).getUint32(0, true);
}

/** Decode the footer from `tail`, the file's last bytes (at least footer + trailer). */
export function decodeFooter(tail: Uint8Array, fileSize: number): ParquetFooter {
  const length = footerLength(tail);
  const footerStart = fileSize - FOOTER_TRAILER_BYTES - length;
  const at = tail.length - FOOTER_TRAILER_BYTES - length;
  if (footerStart < 4 || at < 0) throw new Error(`footer length ${length} runs past the start of the file`);
  const meta = new CompactReader(tail.subarray(at, tail.length - FOOTER_TRAILER_BYTES)).readStruct();
  const keyValue = new Map<string, string>();
  for (const kv of listField(meta, FILE_KEY_VALUE) as ThriftStruct[]) {
    const key = text(field(kv, 1)?.value);
    if (key !== undefined) keyValue.set(key, text(field(kv, 2)?.value) ?? "");
  }
  return {
    numRows: int(field(meta, FILE_NUM_ROWS)?.value),
    rowGroups: (listField(meta, FILE_ROW_GROUPS) as ThriftStruct[]).map((rg) => ({
      numRows: int(field(rg, RG_NUM_ROWS)?.value),
      ranges: (listField(rg, RG_COLUMNS) as ThriftStruct[]).flatMap(columnChunkRanges),
    })),
    keyValue,
    createdBy: text(field(meta, FILE_CREATED_BY)?.value),
    footerStart,
  };
}

function columnChunkRanges(chunk: ThriftStruct): [number, number][] {
  const meta = field(chunk, CC_META)?.value as ThriftStruct | undefined;
  if (!meta) throw new Error("a column chunk has no metadata");
  const dataStart = int(field(meta, CMD_DATA_PAGE_OFFSET)?.value);
  const dictionary = field(meta, CMD_DICTIONARY_PAGE_OFFSET)?.value;
  // As parquet-rs reads a chunk: from the dictionary page when there is one before the data pages.
  const dictionaryStart = dictionary === undefined ? undefined : int(dictionary);
  const start = dictionaryStart !== undefined && dictionaryStart > 0 && dictionaryStart < dataStart ? dictionaryStart : dataStart;
  const ranges: [number, number][] = [[start, start + int(field(meta, CMD_COMPRESSED_SIZE)?.value)]];
  // The page index, in case the reader looks at it.
  for (const [offsetId, lengthId] of [[CC_OFFSET_INDEX_OFFSET, CC_OFFSET_INDEX_LENGTH], [CC_COLUMN_INDEX_OFFSET, CC_COLUMN_INDEX_LENGTH]] as const) {
    const offset = field(chunk, offsetId)?.value;
    const length = field(chunk, lengthId)?.value;
    if (offset !== undefined && length !== undefined) ranges.push([int(offset), int(offset) + int(length)]);
  }
  return ranges;
}


function int(value: ThriftValue | undefined): number {
  if (typeof value === "bigint" || typeof value === "number") return Number(value);
  throw new Error("a required integer field is missing");
}

function text(value: ThriftValue | undefined): string | undefined {
  return value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : undefined;
}
