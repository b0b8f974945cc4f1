/** What part of a parquet file inspect shows: the row range (--head, --rows A:B) and the columns (--columns). */
import { describe, expect, it } from "vitest";
import { DEFAULT_HEAD, InspectOptionError, chooseColumns, sampleRange } from "../../src/inspect/options.js";

describe("sampleRange", () => {
  it("is the first DEFAULT_HEAD (5) rows by default, or the first `head`", () => {
    expect(DEFAULT_HEAD).toBe(5);
    expect(sampleRange(100, {})).toEqual({ start: 0, end: 5 });
    expect(sampleRange(100, { head: 12 })).toEqual({ start: 0, end: 12 });
    expect(sampleRange(100, { head: 0 })).toEqual({ start: 0, end: 0 });
  });

  it("takes rows A:B as the half-open range [A, B), over head", () => {
    expect(sampleRange(100, { head: 3, rows: { start: 10, end: 14 } })).toEqual({ start: 10, end: 14 });
    expect(sampleRange(100, { rows: { start: 7, end: 7 } })).toEqual({ start: 7, end: 7 });
  });

  it("clamps to the file's rows", () => {
    expect(sampleRange(3, {})).toEqual({ start: 0, end: 3 });
    expect(sampleRange(20, { rows: { start: 18, end: 40 } })).toEqual({ start: 18, end: 20 });
    expect(sampleRange(20, { rows: { start: 30, end: 40 } })).toEqual({ start: 20, end: 20 });
  });

  it("refuses a negative start, an end before the start, or numbers that are not whole, as an InspectOptionError", () => {
    for (const rows of [{ start: -1, end: 3 }, { start: 5, end: 3 }, { start: 1.5, end: 3 }, { start: 0, end: Number.NaN }]) {
      expect(() => sampleRange(100, { rows }), JSON.stringify(rows)).toThrow(InspectOptionError);
    }
    expect(() => sampleRange(100, { rows: { start: 5, end: 3 } })).toThrow("row range 5:3 is not a range A:B of row numbers with 0 <= A <= B");
    expect(() => sampleRange(100, { head: -2 })).toThrow("row range 0:-2 is not a range");
  });
});

describe("chooseColumns", () => {
  const available = ["action", "observation.state", "timestamp", "index"];

  it("is every column, in the file's order, when none are asked for", () => {
    expect(chooseColumns(available, undefined)).toEqual(available);
  });

  it("is the columns asked for, in the order asked, each once", () => {
    expect(chooseColumns(available, ["index", "action", "index"])).toEqual(["index", "action"]);
  });

  it("refuses unknown columns, naming them and the file's columns", () => {
    const error = () => chooseColumns(available, ["action", "nope", "other"]);
    expect(error).toThrow(InspectOptionError);
    expect(error).toThrow("no column 'nope', 'other' in the file (columns: action, observation.state, timestamp, index)");
  });

  it("refuses an empty list", () => {
    expect(() => chooseColumns(available, [])).toThrow(new InspectOptionError("no columns asked for"));
  });
});

describe("InspectOptionError", () => {
  it("is an Error named InspectOptionError", () => {
    const error = new InspectOptionError("x");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("InspectOptionError");
  });
});
