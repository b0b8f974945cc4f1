/**
 * Append the row groups of one parquet file to another without re-encoding either: the first
 * file's bytes are kept, the second's column chunks follow them, and a merged footer lists all
 * row groups. This makes saving an episode cost O(episode) instead of O(file), and gives one row
 * group per episode (as recent LeRobot writes), so reading one episode decodes only its rows.
 *
 * Both inputs must be complete files written by encodeParquet with the same schema.
 */
import type { ThriftStruct } from "./thrift-compact.js";
import { footerLength } from "./parquet-footer.js";
import { CompactReader, CompactWriter, TType, field, listField } from "./thrift-compact.js";

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

// parquet.thrift field ids this module touches.
const FILE_NUM_ROWS = 3;
const FILE_ROW_GROUPS = 4;
const FILE_SCHEMA = 2;
const RG_COLUMNS = 1;
const RG_NUM_ROWS = 3;
const RG_FILE_OFFSET = 5;
const RG_ORDINAL = 7;
const CC_FILE_OFFSET = 2;
const CC_META = 3;
/** ColumnChunk: offset_index_offset/length, column_index_offset/length (the page index). */
const CC_PAGE_INDEX_FIELDS = new Set([4, 5, 6, 7]);
/** ColumnMetaData: data_page_offset, index_page_offset, dictionary_page_offset, bloom_filter_offset. */
const CMD_OFFSETS = [9, 10, 11, 14];

interface ParsedFile {
  footer: ThriftStruct;
  /** Offset where the footer starts (end of column data and page indexes). */
  footerStart: number;
}

function parse(bytes: Uint8Array, name: string): ParsedFile {
  const n = bytes.length;
  const magicOk = (at: number) => MAGIC.every((b, i) => bytes[at + i] === b);
  if (n < 12 || !magicOk(0) || !magicOk(n - 4)) throw new Error(`${name} is not a complete parquet file`);
  const footerStart = n - 8 - footerLength(bytes);
  if (footerStart < 4) throw new Error(`${name} has a footer length past its start`);
  const reader = new CompactReader(bytes.subarray(footerStart, n - 8));
  return { footer: reader.readStruct(), footerStart };
}


function shiftI64(struct: ThriftStruct, id: number, by: bigint): void {
  const f = field(struct, id);
  if (f && typeof f.value === "bigint") f.value += by;
}

/** Move every absolute file offset in a row group by `by` bytes. */
function shiftRowGroup(rowGroup: ThriftStruct, by: bigint): void {
  shiftI64(rowGroup, RG_FILE_OFFSET, by);
  for (const column of listField(rowGroup, RG_COLUMNS) as ThriftStruct[]) {
    shiftI64(column, CC_FILE_OFFSET, by);
    const meta = field(column, CC_META)?.value as ThriftStruct | undefined;
    if (meta) for (const id of CMD_OFFSETS) shiftI64(meta, id, by);
  }
}

/**
 * Forget the page index of a row group. Its blobs hold absolute page offsets of their own, which
 * would need rewriting after a shift; the index only speeds up page skipping, and row-group
 * statistics stay in the footer, so every reader reads the file the same without it.
 */
function dropPageIndex(rowGroup: ThriftStruct): void {
  for (const column of listField(rowGroup, RG_COLUMNS) as ThriftStruct[]) {
    column.fields = column.fields.filter((f) => !CC_PAGE_INDEX_FIELDS.has(f.id));
  }
}

function sameSchema(a: ThriftStruct, b: ThriftStruct): boolean {
  const encode = (s: ThriftStruct) => {
    const w = new CompactWriter();
    w.writeStruct({ kind: "struct", fields: [field(s, FILE_SCHEMA)!] });
    return Buffer.from(w.bytes()).toString("base64");
  };
  return field(a, FILE_SCHEMA) !== undefined && encode(a) === encode(b);
}

/**
 * How to turn a parquet file into another in place (parquet-tail.ts writes it): keep its bytes
 * before `from`, write `tail` there and cut the file after it. Until the cut, `rescue` keeps the
 * file valid with its current rows: a footer for them (with a copy of the bytes between `from`
 * and the current footer, which the tail overwrites), to be written past everything else.
 */
export interface ParquetTailPlan {
  from: number;
  tail: Uint8Array;
  /** End of the current column data: the bytes [from, movedEnd) are what rescue() copies. */
  movedEnd: number;
  /** The bytes that, written at `at`, end a valid file with the current rows; `moved` = the file's bytes [from, movedEnd). */
  rescue(at: number, moved: Uint8Array): Uint8Array;
  /** The appender for the file once the plan is written. */
  next: ParquetAppender;
}

/**
 * A parquet file being grown one row group at a time. Its footer is parsed once; each row group
 * is kept already encoded, and the footer's other fields are encoded once around them, so a plan
 * costs the new row group plus one copy of the footer's bytes, however many row groups the file
 * has. Immutable: a plan hands back the appender of the result.
 */
export class ParquetAppender {
  private constructor(
    /** Footer fields other than num_rows and row_groups. */
    private readonly head: ThriftStruct,
    private readonly frame: FooterFrame,
    private readonly rowGroups: readonly Uint8Array[],
    /** Rows and file offset where the column data of each row group starts. */
    private readonly groupRows: readonly bigint[],
    private readonly groupStarts: readonly number[],
    /** Where the column data (and page indexes) of the file end and its footer begins. */
    private readonly dataEnd: number,
    /** The file's bytes from dataEnd on, as they are on disk: footer, its length, magic. */
    readonly trailer: Uint8Array,
  ) {}

  static fromFile(bytes: Uint8Array): ParquetAppender {
    const { footer, footerStart } = parse(bytes, "the parquet file");
    const groups = listField(footer, FILE_ROW_GROUPS) as ThriftStruct[];
    const rowGroups = groups.map((rg) => {
      dropPageIndex(rg);
      return encodeStruct(rg);
    });
    const head: ThriftStruct = { kind: "struct", fields: footer.fields.filter((f) => f.id !== FILE_ROW_GROUPS && f.id !== FILE_NUM_ROWS) };
    // A row group starts where its first page does; the first one right after the leading magic.
    const starts = groups.map((rg, i) => (i === 0 ? 4 : rowGroupSpan(rg).start));
    return new ParquetAppender(head, frameOf(head), rowGroups, groups.map((rg) => field(rg, RG_NUM_ROWS)!.value as bigint), starts, footerStart, bytes.slice(footerStart));
  }

  get rowGroupCount(): number { return this.rowGroups.length; }
  /** Rows in each row group, in order. */
  get rowGroupRows(): number[] { return this.groupRows.map(Number); }
  /** The file's size as this appender describes it. */
  get fileSize(): number { return this.dataEnd + this.trailer.length; }

  /** Append `addition`'s row groups after the file's. */
  plan(addition: Uint8Array): ParquetTailPlan {
    return this.planReplace(this.rowGroups.length, addition);
  }

  /**
   * Keep the first `keep` row groups and put `addition`'s row groups (if any) after them: the
   * episodes metadata re-encodes its last, still filling row group this way, and undo and resume
   * drop row groups a save left behind.
   */
  planReplace(keep: number, addition?: Uint8Array): ParquetTailPlan {
    if (!Number.isInteger(keep) || keep < (addition ? 0 : 1) || keep > this.rowGroups.length) {
      throw new Error(`cannot keep ${keep} of ${this.rowGroups.length} row groups`);
    }
    const from = keep < this.rowGroups.length ? this.groupStarts[keep]! : this.dataEnd;
    let body: Uint8Array = new Uint8Array(0);
    const added: Uint8Array[] = [];
    const addedRows: bigint[] = [];
    const addedStarts: number[] = [];
    if (addition) {
      const b = parse(addition, "the parquet file to append");
      if (!sameSchema(this.head, b.footer)) throw new Error("cannot append parquet row groups: the schemas differ");
      // The addition's column data starts after its 4-byte magic; here it starts at `from`.
      const shift = BigInt(from - 4);
      for (const [i, rg] of (listField(b.footer, FILE_ROW_GROUPS) as ThriftStruct[]).entries()) {
        shiftRowGroup(rg, shift);
        dropPageIndex(rg);
        const ordinal = field(rg, RG_ORDINAL);
        if (ordinal) ordinal.value = keep + i;
        added.push(encodeStruct(rg));
        addedRows.push(field(rg, RG_NUM_ROWS)!.value as bigint);
        addedStarts.push(i === 0 ? from : rowGroupSpan(rg).start);
      }
      body = addition.subarray(4, b.footerStart);
    }
    const rowGroups = [...this.rowGroups.slice(0, keep), ...added];
    const groupRows = [...this.groupRows.slice(0, keep), ...addedRows];
    const tail = this.fileEnd(body, rowGroups, groupRows);
    const next = new ParquetAppender(
      this.head, this.frame, rowGroups, groupRows, [...this.groupStarts.slice(0, keep), ...addedStarts], from + body.length, tail.subarray(body.length),
    );
    return {
      from, tail, movedEnd: this.dataEnd, next,
      rescue: this.rescueFor(keep, from),
    };
  }

  /**
   * Put back bytes an earlier plan replaced (undo): the file from `from` on becomes `bytes`
   * again, which `previous` describes.
   */
  planRestore(from: number, bytes: Uint8Array, previous: ParquetAppender): ParquetTailPlan {
    const keep = this.groupStarts.filter((start) => start < from).length;
    return { from, tail: bytes, movedEnd: this.dataEnd, next: previous, rescue: this.rescueFor(keep, from) };
  }

  /** This file's rows, with the row groups from `keep` on moved (with their bytes) to `at`. */
  private rescueFor(keep: number, from: number): ParquetTailPlan["rescue"] {
    return (at, moved) => {
      if (moved.length !== this.dataEnd - from) throw new Error(`rescue needs the ${this.dataEnd - from} bytes before the footer, got ${moved.length}`);
      // Nothing moves (an append): the rescue is the file's footer as it is.
      if (moved.length === 0) return this.trailer;
      const shift = BigInt(at - from);
      const relocated = this.rowGroups.slice(keep).map((bytes) => {
        const rg = new CompactReader(bytes).readStruct();
        shiftRowGroup(rg, shift);
        return encodeStruct(rg);
      });
      return this.fileEnd(moved, [...this.rowGroups.slice(0, keep), ...relocated], this.groupRows);
    };
  }

  /** `lead` (column data, or moved bytes), then the footer for these row groups, its length and the closing magic, in one buffer. */
  private fileEnd(lead: Uint8Array, rowGroups: readonly Uint8Array[], groupRows: readonly bigint[]): Uint8Array {
    const { before, beforeLastId, after } = this.frame;
    const w = new CompactWriter();
    w.writeFields([
      { id: FILE_NUM_ROWS, type: TType.I64, value: groupRows.reduce((a, b) => a + b, 0n) },
      { id: FILE_ROW_GROUPS, type: TType.List, value: { kind: "encoded-list", elemType: TType.Struct, count: rowGroups.length, bytes: new Uint8Array(0) } },
    ], beforeLastId);
    const middle = w.bytes();
    const footerLength = before.length + middle.length + rowGroups.reduce((n, g) => n + g.length, 0) + after.length;
    const out = new Uint8Array(lead.length + footerLength + 8);
    let at = 0;
    for (const part of [lead, before, middle, ...rowGroups, after]) {
      out.set(part, at);
      at += part.length;
    }
    new DataView(out.buffer).setUint32(at, footerLength, true);
    out.set(MAGIC, at + 4);
    return out;
  }
}

/** A footer's fields before its row groups and after them (with the struct's end), encoded once. */
interface FooterFrame { before: Uint8Array; beforeLastId: number; after: Uint8Array }

function frameOf(head: ThriftStruct): FooterFrame {
  const before = new CompactWriter();
  const beforeLastId = before.writeFields(head.fields.filter((f) => f.id < FILE_NUM_ROWS));
  const after = new CompactWriter();
  after.writeFields(head.fields.filter((f) => f.id > FILE_ROW_GROUPS), FILE_ROW_GROUPS);
  after.writeStop();
  return { before: before.bytes(), beforeLastId, after: after.bytes() };
}

function encodeStruct(struct: ThriftStruct): Uint8Array {
  const writer = new CompactWriter();
  writer.writeStruct(struct);
  return writer.bytes();
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `base` with the row groups of `addition` appended after its own (whole files in memory). */
export function appendRowGroups(base: Uint8Array, addition: Uint8Array): Uint8Array {
  const { from, tail } = ParquetAppender.fromFile(base).plan(addition);
  const out = new Uint8Array(from + tail.length);
  out.set(base.subarray(0, from), 0);
  out.set(tail, from);
  return out;
}

/**
 * One parquet file built from single-file pieces of the same schema, row groups in order, in
 * O(total size): each piece's column data is handed back to be written as it comes, and the
 * footer is encoded once at the end. Dataset edits use it to give every episode its own row
 * group, as the writer does, without re-encoding a growing footer per episode.
 */
export class ParquetConcat {
  private head: ThriftStruct | undefined;
  private readonly rowGroups: Uint8Array[] = [];
  private numRows = 0n;
  /** Bytes handed out so far (the leading magic included). */
  private size = 0;

  /** The bytes to write next for this piece (the first also carries the file's leading magic). */
  add(piece: Uint8Array): Uint8Array {
    const b = parse(piece, "the parquet piece");
    if (!this.head) this.head = { kind: "struct", fields: b.footer.fields.filter((f) => f.id !== FILE_ROW_GROUPS && f.id !== FILE_NUM_ROWS) };
    else if (!sameSchema(this.head, b.footer)) throw new Error("cannot join parquet row groups: the schemas differ");
    const lead = this.size === 0 ? new Uint8Array(MAGIC) : new Uint8Array(0);
    // The piece's column data starts after its 4-byte magic; here it starts after what was written.
    const shift = BigInt(this.size + lead.length - 4);
    for (const rg of listField(b.footer, FILE_ROW_GROUPS) as ThriftStruct[]) {
      shiftRowGroup(rg, shift);
      dropPageIndex(rg);
      const ordinal = field(rg, RG_ORDINAL);
      if (ordinal) ordinal.value = this.rowGroups.length;
      this.rowGroups.push(encodeStruct(rg));
    }
    this.numRows += field(b.footer, FILE_NUM_ROWS)!.value as bigint;
    const body = piece.subarray(4, b.footerStart);
    this.size += lead.length + body.length;
    return lead.length ? concat([lead, body]) : body;
  }

  /** The footer, its length and the closing magic: the file's last bytes. */
  finish(): Uint8Array {
    if (!this.head) throw new Error("no parquet piece was added");
    const footer = encodeStruct({
      kind: "struct",
      fields: [
        ...this.head.fields,
        { id: FILE_NUM_ROWS, type: TType.I64, value: this.numRows },
        { id: FILE_ROW_GROUPS, type: TType.List, value: { kind: "encoded-list", elemType: TType.Struct, count: this.rowGroups.length, bytes: concat(this.rowGroups) } },
      ],
    });
    const out = new Uint8Array(footer.length + 8);
    out.set(footer, 0);
    new DataView(out.buffer).setUint32(footer.length, footer.length, true);
    out.set(MAGIC, footer.length + 4);
    return out;
  }
}

/** ColumnMetaData: total_compressed_size, data/index/dictionary page offsets, bloom filter offset and length. */
const CMD_TOTAL_COMPRESSED = 7;
const CMD_PAGE_OFFSETS = [9, 10, 11];
const CMD_BLOOM_FIELDS = new Set([14, 15]);

/** Where a row group's pages lie in the file: [start, end). */
function rowGroupSpan(rowGroup: ThriftStruct): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const column of listField(rowGroup, RG_COLUMNS) as ThriftStruct[]) {
    const meta = field(column, CC_META)?.value as ThriftStruct | undefined;
    if (!meta) continue;
    const offsets = CMD_PAGE_OFFSETS.map((id) => field(meta, id)?.value).filter((v): v is bigint => typeof v === "bigint");
    if (offsets.length === 0) continue;
    const first = Number(offsets.reduce((a, b) => (b < a ? b : a)));
    const size = field(meta, CMD_TOTAL_COMPRESSED)?.value;
    start = Math.min(start, first);
    end = Math.max(end, first + (typeof size === "bigint" ? Number(size) : 0));
  }
  return { start, end };
}

/**
 * The file with only its first `count` row groups: their bytes as they are, cut where the first
 * dropped row group starts, and a footer listing the kept ones (no re-encoding). Repair uses it
 * to drop row groups a crashed save appended past the last episode.
 */
export function keepRowGroups(bytes: Uint8Array, count: number): Uint8Array {
  const { footer, footerStart } = parse(bytes, "the parquet file");
  const all = listField(footer, FILE_ROW_GROUPS) as ThriftStruct[];
  if (!Number.isInteger(count) || count < 1 || count > all.length) throw new Error(`cannot keep ${count} of ${all.length} row groups`);
  const kept = all.slice(0, count);
  // Cut only when every kept page lies before the first dropped one; else keep the bytes (dead, harmless).
  let cut = footerStart;
  if (count < all.length) {
    const dropStart = Math.min(...all.slice(count).map((rg) => rowGroupSpan(rg).start));
    const keptEnd = Math.max(...kept.map((rg) => rowGroupSpan(rg).end));
    if (Number.isFinite(dropStart) && keptEnd <= dropStart && dropStart >= 4) cut = dropStart;
  }
  let numRows = 0n;
  const encoded = kept.map((rg) => {
    // Page indexes and bloom filters may sit after the cut; both are optional, the footer's statistics stay.
    dropPageIndex(rg);
    for (const column of listField(rg, RG_COLUMNS) as ThriftStruct[]) {
      const meta = field(column, CC_META)?.value as ThriftStruct | undefined;
      if (meta) meta.fields = meta.fields.filter((f) => !CMD_BLOOM_FIELDS.has(f.id));
    }
    numRows += field(rg, RG_NUM_ROWS)!.value as bigint;
    return encodeStruct(rg);
  });
  const footerBytes = encodeStruct({
    kind: "struct",
    fields: [
      ...footer.fields.filter((f) => f.id !== FILE_ROW_GROUPS && f.id !== FILE_NUM_ROWS),
      { id: FILE_NUM_ROWS, type: TType.I64, value: numRows },
      { id: FILE_ROW_GROUPS, type: TType.List, value: { kind: "encoded-list", elemType: TType.Struct, count: encoded.length, bytes: concat(encoded) } },
    ],
  });
  const out = new Uint8Array(cut + footerBytes.length + 8);
  out.set(bytes.subarray(0, cut), 0);
  out.set(footerBytes, cut);
  new DataView(out.buffer).setUint32(cut + footerBytes.length, footerBytes.length, true);
  out.set(MAGIC, cut + footerBytes.length + 4);
  return out;
}
