/**
 * computeColumnStats on Arrow vectors built here from known values: each expected min / max /
 * mean is computed in this file from the values written, per dimension for vectors.
 */
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { MAX_DIMENSIONS, computeColumnStats } from "../../src/inspect/column-stats.js";

const f32 = (n: number) => new arrow.FixedSizeList(n, new arrow.Field("item", new arrow.Float32(), true));

/** min / max / mean of plain numbers, NaN left out. */
function reference(values: number[]): { count: number; min: number; max: number; mean: number } {
  const kept = values.filter((v) => !Number.isNaN(v));
  return { count: kept.length, min: Math.min(...kept), max: Math.max(...kept), mean: kept.reduce((a, b) => a + b, 0) / kept.length };
}

/** Rows of a 3-wide vector whose values are exact in float32. */
const ROWS = [[0.5, -1, 10], [1.5, -3, 20], [-2.25, 4, 30], [8, 0.125, -40]];

describe("computeColumnStats on vectors (fixed-size lists)", () => {
  it("gives min / max / mean per dimension, labelled and named, and the overall ones", () => {
    const stats = computeColumnStats(arrow.vectorFromArray(ROWS, f32(3)), "action", ["x", "y", "z"]);
    expect(stats).toMatchObject({ column: "action", type: "FixedSizeList[3]<Float32>", numeric: true, rows: 4, nullCount: 0, count: 12, nanCount: 0 });
    expect(stats.dimensions).toEqual([0, 1, 2].map((j) => ({
      label: `action[${j}]`, name: ["x", "y", "z"][j], nanCount: 0, ...reference(ROWS.map((r) => r[j]!)),
    })));
    const all = reference(ROWS.flat());
    expect([stats.min, stats.max]).toEqual([all.min, all.max]);
    expect(stats.mean).toBeCloseTo(all.mean, 12);
  });

  it("leaves dimension names null when there are not as many names as values", () => {
    const stats = computeColumnStats(arrow.vectorFromArray(ROWS, f32(3)), "action", ["x", "y"]);
    expect(stats.dimensions!.map((d) => d.name)).toEqual([null, null, null]);
  });

  it("skips null rows and counts NaN apart, per dimension", () => {
    const rows = [[1, Number.NaN, 3], null, [5, 6, Number.NaN], [Number.NaN, 2, 7]];
    const stats = computeColumnStats(arrow.vectorFromArray(rows, f32(3)), "v");
    expect([stats.rows, stats.nullCount, stats.count, stats.nanCount]).toEqual([4, 1, 6, 3]);
    const present = rows.filter((r): r is number[] => r !== null);
    stats.dimensions!.forEach((d, j) => {
      expect(d).toMatchObject({ nanCount: 1, ...reference(present.map((r) => r[j]!)) });
    });
  });

  it("adds up every chunk of a column read in several", () => {
    const more = [[100, 200, 300], [-100, -200, -300]];
    const vector = arrow.vectorFromArray(ROWS, f32(3)).concat(arrow.vectorFromArray(more, f32(3)));
    expect(vector.data).toHaveLength(2);
    const stats = computeColumnStats(vector, "v");
    const all = [...ROWS, ...more];
    stats.dimensions!.forEach((d, j) => expect(d).toMatchObject(reference(all.map((r) => r[j]!))));
    expect(stats.count).toBe(all.length * 3);
  });

  it("reads only the rows of a sliced vector", () => {
    const stats = computeColumnStats(arrow.vectorFromArray(ROWS, f32(3)).slice(1, 3), "v");
    expect(stats.rows).toBe(2);
    stats.dimensions!.forEach((d, j) => expect(d).toMatchObject(reference(ROWS.slice(1, 3).map((r) => r[j]!))));
  });

  it(`gives one overall entry, no per-dimension table, past ${MAX_DIMENSIONS} values per row`, () => {
    const width = MAX_DIMENSIONS + 1;
    const rows = [0, 1].map((r) => Array.from({ length: width }, (_, j) => r * 1000 + j));
    const stats = computeColumnStats(arrow.vectorFromArray(rows, f32(width)), "image");
    expect(stats.dimensions).toBeNull();
    expect(stats).toMatchObject({ numeric: true, ...reference(rows.flat()) });
    const atLimit = computeColumnStats(arrow.vectorFromArray([Array.from({ length: MAX_DIMENSIONS }, (_, j) => j)], f32(MAX_DIMENSIONS)), "v");
    expect(atLimit.dimensions).toHaveLength(MAX_DIMENSIONS);
  });
});

describe("computeColumnStats on scalar and list columns", () => {
  it("counts nulls and gives overall min / max / mean of an int column, no dimensions", () => {
    const values = [4, null, -7, 12, null];
    const stats = computeColumnStats(arrow.vectorFromArray(values, new arrow.Int32()), "n");
    expect(stats).toEqual({
      column: "n", type: "Int32", rows: 5, nullCount: 2, numeric: true, nanCount: 0, dimensions: null,
      ...reference(values.filter((v): v is number => v !== null)),
    });
  });

  it("gives int64 extremes beyond 2^53 as exact decimal strings", () => {
    const big = 2n ** 62n + 3n;
    const stats = computeColumnStats(arrow.vectorFromArray([big, 0n, -big], new arrow.Int64()), "big");
    expect([stats.min, stats.max]).toEqual([(-big).toString(), big.toString()]);
    expect(stats.mean).toBe(0);
  });

  it("counts booleans as 0 and 1", () => {
    const stats = computeColumnStats(arrow.vectorFromArray([true, false, true, true], new arrow.Bool()), "done");
    expect(stats).toMatchObject({ numeric: true, count: 4, min: 0, max: 1, mean: 0.75 });
  });

  it("decodes half floats", () => {
    const stats = computeColumnStats(arrow.vectorFromArray([1.5, -2, 0.25], new arrow.Float16()), "h");
    expect(stats).toMatchObject({ count: 3, min: -2, max: 1.5, mean: -0.25 / 3 });
  });

  it("reports NaN-only and empty columns with null min / max / mean", () => {
    expect(computeColumnStats(arrow.vectorFromArray([Number.NaN, Number.NaN], new arrow.Float64()), "x"))
      .toMatchObject({ count: 0, nanCount: 2, min: null, max: null, mean: null });
    expect(computeColumnStats(arrow.vectorFromArray([], new arrow.Float64()), "x")).toMatchObject({ rows: 0, count: 0, min: null, mean: null });
  });

  it("takes every item of variable-length lists together, with no dimensions", () => {
    const rows = [[1, 2], [], null, [9, -4, 0.5]];
    const type = new arrow.List(new arrow.Field("item", new arrow.Float64(), true));
    const stats = computeColumnStats(arrow.vectorFromArray(rows, type), "l");
    expect(stats).toMatchObject({ nullCount: 1, dimensions: null, ...reference(rows.flatMap((r) => r ?? [])) });
  });

  it("computes nothing but the null count for strings and binary", () => {
    const stats = computeColumnStats(arrow.vectorFromArray(["a", null, "c"], new arrow.Utf8()), "task");
    expect(stats).toEqual({ column: "task", type: "Utf8", rows: 3, nullCount: 1, numeric: false, count: 0, nanCount: 0, min: null, max: null, mean: null, dimensions: null });
  });
});
