/**
 * columnValues: numeric Arrow columns as one flat row-major typed array, whatever their shape,
 * chunking or slicing; checked against DuckDB's reading of a real LeRobot file.
 */
import path from "node:path";
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { columnValues } from "../../src/dataset/columns.js";
import { readParquet } from "../../src/dataset/parquet.js";
import type { TypedArray } from "../../src/dataset/schema.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";

/** A column's values as plain numbers (bigint ones too), to compare with toEqual. */
const numbers = (values: TypedArray) => Array.from(values as ArrayLike<number | bigint>, Number);

const fixedList = (rows: number[][]) =>
  arrow.vectorFromArray(rows, new arrow.FixedSizeList(rows[0]!.length, new arrow.Field("item", new arrow.Float32(), true)));

describe("columnValues", () => {
  it("gives a scalar column one value per row, in its own typed array", () => {
    const { values, dim, numRows } = columnValues(arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()), "index");
    expect(values).toBeInstanceOf(BigInt64Array);
    expect([numbers(values), dim, numRows]).toEqual([[1, 2, 3], 1, 3]);
  });

  it("flattens a FixedSizeList column row-major", () => {
    const { values, dim, numRows } = columnValues(fixedList([[1, 2, 3], [4, 5, 6]]), "action");
    expect(values).toBeInstanceOf(Float32Array);
    expect([numbers(values), dim, numRows]).toEqual([[1, 2, 3, 4, 5, 6], 3, 2]);
  });

  it("flattens nested lists (HF Array2D) row-major, dim being the product of the inner sizes", () => {
    const type = new arrow.List(new arrow.Field("item", new arrow.List(new arrow.Field("item", new arrow.Float64(), true)), true));
    const vector = arrow.vectorFromArray([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]], type);
    const { values, dim, numRows } = columnValues(vector, "depth");
    expect([numbers(values), dim, numRows]).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 6, 2]);
  });

  it("joins the chunks of a chunked column in order", () => {
    const chunked = fixedList([[1, 2], [3, 4]]).concat(fixedList([[5, 6]]));
    expect(chunked.data.length).toBe(2);
    const { values, numRows } = columnValues(chunked, "action");
    expect([numbers(values), numRows]).toEqual([[1, 2, 3, 4, 5, 6], 3]);
  });

  it("takes only the rows of a sliced column", () => {
    const sliced = fixedList([[1, 2], [3, 4], [5, 6], [7, 8]]).slice(1, 3);
    expect(numbers(columnValues(sliced, "action").values)).toEqual([3, 4, 5, 6]);
    const type = new arrow.List(new arrow.Field("item", new arrow.List(new arrow.Field("item", new arrow.Float64(), true)), true));
    const nested = arrow.vectorFromArray([[[1], [2]], [[3], [4]], [[5], [6]]], type).slice(2, 3);
    expect(numbers(columnValues(nested, "depth").values)).toEqual([5, 6]);
  });

  it("gives an empty FixedSizeList column its list size as dim", () => {
    const empty = fixedList([[1, 2, 3]]).slice(0, 0);
    const { values, dim, numRows } = columnValues(empty, "action");
    expect([values.length, dim, numRows]).toEqual([0, 3, 0]);
  });

  it("refuses a non-numeric column and rows of different sizes, naming the column", () => {
    expect(() => columnValues(arrow.vectorFromArray(["a", "b"], new arrow.Utf8()), "task")).toThrow(/column 'task' of type Utf8 is not a numeric column/);
    const ragged = arrow.vectorFromArray([[1, 2], [3]], new arrow.List(new arrow.Field("item", new arrow.Float64(), true)));
    expect(() => columnValues(ragged, "joints")).toThrow(/column 'joints' holds rows of different sizes \(3 values in 2 rows\)/);
  });

  it("reads a real LeRobot data file's state column as DuckDB does", async () => {
    const file = path.join(REAL_FIXTURE, "data/chunk-000/file-000.parquet");
    const table = await readParquet(file);
    const { values, dim, numRows } = columnValues(table.getChild("observation.state")!, "observation.state");
    const duck = await openDuck();
    try {
      const rows = await duck.rows(`SELECT "observation.state" AS s FROM read_parquet(${sqlPath(file)}) ORDER BY "index"`);
      expect([dim, numRows]).toEqual([6, rows.length]);
      // float32 values: DuckDB gives them as doubles, which the Float32Array's values equal exactly.
      expect(numbers(values)).toEqual(rows.flatMap((r) => plain(r.s) as number[]));
    } finally {
      duck.close();
    }
  });
});
