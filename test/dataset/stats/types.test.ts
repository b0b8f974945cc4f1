/** The stat names and the helpers that read a stat value's shape (vector, or image (channels, 1, 1)). */
import { describe, expect, it } from "vitest";
import { QUANTILES, STAT_NAMES, flatten, sameShape, shapeOf, unflatten } from "../../../src/dataset/stats/types.js";

describe("STAT_NAMES and QUANTILES", () => {
  it("name the stats LeRobot stores, quantiles last and in increasing order", () => {
    expect(STAT_NAMES).toEqual(["min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"]);
    expect(QUANTILES.map(([name]) => name)).toEqual(STAT_NAMES.slice(5));
    expect(QUANTILES.map(([, q]) => q)).toEqual([0.01, 0.1, 0.5, 0.9, 0.99]);
  });
});

describe("shapeOf and sameShape", () => {
  it("tells a vector of n from an image stat of c channels", () => {
    expect(shapeOf([1, 2, 3])).toEqual({ kind: "vector", length: 3 });
    expect(shapeOf([[[0.1]], [[0.2]], [[0.3]]])).toEqual({ kind: "image", channels: 3 });
  });

  it("calls shapes the same only for the same kind and size", () => {
    expect(sameShape({ kind: "vector", length: 3 }, { kind: "vector", length: 3 })).toBe(true);
    expect(sameShape({ kind: "vector", length: 3 }, { kind: "vector", length: 2 })).toBe(false);
    expect(sameShape({ kind: "image", channels: 3 }, { kind: "image", channels: 3 })).toBe(true);
    expect(sameShape({ kind: "image", channels: 3 }, { kind: "image", channels: 1 })).toBe(false);
    expect(sameShape({ kind: "vector", length: 3 }, { kind: "image", channels: 3 })).toBe(false);
    expect(sameShape({ kind: "image", channels: 3 }, { kind: "vector", length: 3 })).toBe(false);
  });
});

describe("flatten and unflatten", () => {
  it("give one number per dimension or channel, and back to the same shape", () => {
    expect(flatten([4, -1, 2.5])).toEqual([4, -1, 2.5]);
    expect(flatten([[[0.25]], [[0.5]], [[1]]])).toEqual([0.25, 0.5, 1]);
    expect(unflatten([0.25, 0.5, 1], { kind: "image", channels: 3 })).toEqual([[[0.25]], [[0.5]], [[1]]]);
    expect(unflatten([4, -1], { kind: "vector", length: 2 })).toEqual([4, -1]);
    const image = [[[0.1]], [[0.2]], [[0.3]]];
    expect(unflatten(flatten(image), shapeOf(image))).toEqual(image);
  });
});
