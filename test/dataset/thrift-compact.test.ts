/**
 * The Thrift compact protocol codec behind parquet footer edits: losslessly round-trips real
 * footers (pyarrow's and parquet-rs's), and encodes each type as the protocol spec lays it out
 * (github.com/apache/thrift doc/specs/thrift-compact-protocol.md).
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { encodeParquet } from "../../src/dataset/parquet.js";
import type { ThriftField, ThriftStruct } from "../../src/dataset/thrift-compact.js";
import { CompactReader, CompactWriter, TType, field, listField } from "../../src/dataset/thrift-compact.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";

const V06 = path.join(import.meta.dirname, "../../fixtures/lerobot-v0.6");

/** The thrift-encoded footer of a parquet file's bytes. */
function footerOf(bytes: Uint8Array): Uint8Array {
  const length = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32LE(bytes.length - 8);
  return bytes.subarray(bytes.length - 8 - length, bytes.length - 8);
}

function encode(struct: ThriftStruct): number[] {
  const writer = new CompactWriter();
  writer.writeStruct(struct);
  return [...writer.bytes()];
}

const struct = (...fields: ThriftField[]): ThriftStruct => ({ kind: "struct", fields });

describe("CompactReader and CompactWriter", () => {
  it("round-trip the footers of parquet files from pyarrow and parquet-rs byte for byte", () => {
    const files: Uint8Array[] = [
      path.join(REAL_FIXTURE, "data/chunk-000/file-000.parquet"),
      path.join(REAL_FIXTURE, "meta/episodes/chunk-000/file-000.parquet"),
      path.join(REAL_FIXTURE, "meta/tasks.parquet"),
      path.join(V06, "features/data/chunk-000/file-000.parquet"),
    ].map((f) => new Uint8Array(fs.readFileSync(f)));
    // And what encodeParquet (parquet-rs) writes: a vector column, text, 64-bit ints.
    files.push(encodeParquet(new arrow.Table({
      action: arrow.vectorFromArray([[1, 2, 3], [4, 5, 6]], new arrow.FixedSizeList(3, new arrow.Field("item", new arrow.Float32(), true))),
      label: arrow.vectorFromArray(["a", "b"], new arrow.Utf8()),
      index: arrow.vectorFromArray([0n, 1n], new arrow.Int64()),
    })));
    for (const bytes of files) {
      const footer = footerOf(bytes);
      const reader = new CompactReader(footer);
      const decoded = reader.readStruct();
      expect(reader.pos).toBe(footer.length);
      expect(Buffer.from(encode(decoded)).equals(Buffer.from(footer))).toBe(true);
    }
  });

  it("encode field headers with the id delta in the high nibble, and a zigzag id after a long jump", () => {
    // i32 field 1 = 5: header 0x15, zigzag(5) = 10, stop.
    expect(encode(struct({ id: 1, type: TType.I32, value: 5 }))).toEqual([0x15, 10, 0]);
    // Field 20 after none: delta 20 > 15, so a bare type byte then zigzag(20) = 40.
    expect(encode(struct({ id: 20, type: TType.I32, value: -1 }))).toEqual([0x05, 40, 1, 0]);
    // Booleans live in the header: true = 1, false = 2.
    expect(encode(struct({ id: 1, type: TType.True, value: true }, { id: 2, type: TType.True, value: false }))).toEqual([0x11, 0x12, 0]);
  });

  it("write fields in id order whatever order they are given in", () => {
    expect(encode(struct({ id: 2, type: TType.Byte, value: 7 }, { id: 1, type: TType.Byte, value: -1 }))).toEqual([0x13, 0xff, 0x13, 7, 0]);
  });

  it("round-trip every value type, including 64-bit values past 2^53 and lists of 15 or more", () => {
    const value = struct(
      { id: 1, type: TType.I64, value: -(2n ** 62n) - 3n },
      { id: 2, type: TType.I64, value: 2n ** 63n - 1n },
      { id: 3, type: TType.Double, value: -0.1 },
      { id: 4, type: TType.Binary, value: new Uint8Array([0, 255, 128]) },
      { id: 5, type: TType.List, value: { kind: "list", elemType: TType.I32, items: Array.from({ length: 20 }, (_, i) => i * 1000 - 7000) } },
      { id: 6, type: TType.Map, value: { kind: "map", keyType: TType.Binary, valueType: TType.I16, entries: [[new Uint8Array([97]), 300]] } },
      { id: 7, type: TType.Struct, value: struct({ id: 1, type: TType.False, value: false }) },
      { id: 40, type: TType.Byte, value: -128 },
      { id: 41, type: TType.Map, value: { kind: "map", keyType: TType.Stop, valueType: TType.Stop, entries: [] } },
    );
    const bytes = new Uint8Array(encode(value));
    const reader = new CompactReader(bytes);
    const decoded = reader.readStruct();
    expect(decoded).toEqual(value);
    expect(reader.pos).toBe(bytes.length);
  });

  it("write an already encoded list as the same bytes as the list itself", () => {
    const items = Array.from({ length: 16 }, (_, i) => i);
    const inner = new CompactWriter();
    inner.writeStruct(struct({ id: 1, type: TType.List, value: { kind: "list", elemType: TType.I32, items } }));
    const encoded = new Uint8Array(items.map((i) => i * 2)); // zigzag of small non-negative i32 values
    expect(encode(struct({ id: 1, type: TType.List, value: { kind: "encoded-list", elemType: TType.I32, count: 16, bytes: encoded } })))
      .toEqual([...inner.bytes()]);
  });

  it("write a struct in pieces with writeFields and writeStop as one writeStruct would", () => {
    const fields: ThriftField[] = [{ id: 1, type: TType.I32, value: 1 }, { id: 4, type: TType.I32, value: 2 }, { id: 30, type: TType.I32, value: 3 }];
    const pieces = new CompactWriter();
    const last = pieces.writeFields(fields.slice(0, 2));
    expect(last).toBe(4);
    pieces.writeFields(fields.slice(2), last);
    pieces.writeStop();
    expect([...pieces.bytes()]).toEqual(encode(struct(...fields)));
  });

  it("grows past its first buffer for large values", () => {
    const big = new Uint8Array(10_000).map((_, i) => i & 255);
    const bytes = new Uint8Array(encode(struct({ id: 1, type: TType.Binary, value: big })));
    const value = new CompactReader(bytes).readStruct().fields[0]!.value as Uint8Array;
    expect(Buffer.from(value).equals(Buffer.from(big))).toBe(true);
  });

  it("refuse truncated input instead of reading past the end", () => {
    const bytes = new Uint8Array(encode(struct({ id: 1, type: TType.Binary, value: new Uint8Array(10) })));
    expect(() => new CompactReader(bytes.subarray(0, 5)).readStruct()).toThrow(/binary runs past the end/);
    expect(() => new CompactReader(new Uint8Array([0x15])).readStruct()).toThrow(/unexpected end of data/);
    expect(() => new CompactReader(new Uint8Array([0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).readStruct()).toThrow(/varint too long/);
    expect(() => new CompactReader(new Uint8Array([0x1e])).readStruct()).toThrow(/unknown type 14/);
  });
});

describe("field and listField", () => {
  const s = struct(
    { id: 2, type: TType.I32, value: 9 },
    { id: 4, type: TType.List, value: { kind: "list", elemType: TType.I32, items: [1, 2] } },
  );

  it("find a field by id, and a list field's items", () => {
    expect(field(s, 2)?.value).toBe(9);
    expect(field(s, 3)).toBeUndefined();
    expect(listField(s, 4)).toEqual([1, 2]);
  });

  it("give no items for a field that is absent or not a list", () => {
    expect(listField(s, 5)).toEqual([]);
    expect(listField(s, 2)).toEqual([]);
  });
});
