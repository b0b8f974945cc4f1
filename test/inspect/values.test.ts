/**
 * How cell values are put in reports: JSON-safe numbers (int64 past 2^53 as exact strings, NaN
 * and Infinity as null, -0 as 0), binary as a one-word summary never its bytes, nested values as JSON.
 */
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { describeBytes, jsonNumber, toJsonValue } from "../../src/inspect/values.js";

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe("jsonNumber", () => {
  it("keeps finite numbers, and turns -0 into 0 as JSON reads it", () => {
    expect(jsonNumber(1.25)).toBe(1.25);
    expect(Object.is(jsonNumber(-0), 0)).toBe(true);
  });

  it("gives null for NaN, Infinity, null and undefined", () => {
    for (const v of [Number.NaN, Infinity, -Infinity, null, undefined]) expect(jsonNumber(v), String(v)).toBeNull();
  });

  it("gives int64 as a number while it is exact in a double, else as a decimal string", () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    expect(jsonNumber(max)).toBe(Number.MAX_SAFE_INTEGER);
    expect(jsonNumber(-max)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(jsonNumber(max + 1n)).toBe("9007199254740992");
    expect(jsonNumber(-(2n ** 63n))).toBe("-9223372036854775808");
  });
});

describe("describeBytes", () => {
  it("names PNG, JPEG and MP4 by their magic bytes, with the byte count", () => {
    expect(describeBytes(PNG)).toBe("<png 12 bytes>");
    expect(describeBytes(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1]))).toBe("<jpeg 5 bytes>");
    expect(describeBytes(Uint8Array.from([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69]))).toBe("<mp4 9 bytes>");
  });

  it("gives only the count for bytes of unknown kind, and for none", () => {
    expect(describeBytes(Uint8Array.from([1, 2, 3]))).toBe("<3 bytes>");
    expect(describeBytes(new Uint8Array(0))).toBe("<0 bytes>");
  });
});

describe("toJsonValue", () => {
  /** Cell `row` of a one-column Arrow vector of `type`, through toJsonValue. */
  const cell = (values: unknown[], type: arrow.DataType, row = 0) => {
    const vector = arrow.vectorFromArray(values, type);
    return toJsonValue(vector.get(row), vector.type as arrow.DataType);
  };

  it("summarises an image struct's bytes as <png N bytes> and keeps its path", () => {
    const type = new arrow.Struct([new arrow.Field("bytes", new arrow.Binary(), true), new arrow.Field("path", new arrow.Utf8(), true)]);
    expect(cell([{ bytes: PNG, path: "frame-000000.png" }], type)).toEqual({ bytes: "<png 12 bytes>", path: "frame-000000.png" });
    expect(cell([{ bytes: PNG, path: null }], type)).toEqual({ bytes: "<png 12 bytes>", path: null });
  });

  it("gives big int64 as strings and NaN as null, inside lists too", () => {
    expect(cell([2n ** 60n], new arrow.Int64())).toBe("1152921504606846976");
    expect(cell([Number.NaN], new arrow.Float64())).toBeNull();
    const list = new arrow.List(new arrow.Field("item", new arrow.Float64(), true));
    expect(cell([[1.5, Number.NaN, -0]], list)).toEqual([1.5, null, 0]);
    const ints = new arrow.FixedSizeList(2, new arrow.Field("item", new arrow.Int64(), true));
    expect(cell([[2n ** 60n, 3n]], ints)).toEqual(["1152921504606846976", 3]);
  });

  it("keeps strings and booleans, and gives null for a null cell", () => {
    expect(cell(["pick the cube"], new arrow.Utf8())).toBe("pick the cube");
    expect(cell([true], new arrow.Bool())).toBe(true);
    expect(cell([null], new arrow.Utf8())).toBeNull();
  });

  it("reads dictionary-encoded strings as their values", () => {
    const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    expect(cell(["a", "b", "a"], type, 2)).toBe("a");
  });

  it("nests structs in lists", () => {
    const point = new arrow.Struct([new arrow.Field("x", new arrow.Int32(), true), new arrow.Field("label", new arrow.Utf8(), true)]);
    const type = new arrow.List(new arrow.Field("item", point, true));
    expect(cell([[{ x: 1, label: "a" }, { x: 2, label: null }]], type)).toEqual([{ x: 1, label: "a" }, { x: 2, label: null }]);
  });
});
