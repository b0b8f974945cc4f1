/**
 * coalesceRanges: the byte ranges a ranged parquet read fetches, joined when close, so a Hub
 * read makes few requests without fetching much it does not need.
 */
import { describe, expect, it } from "vitest";
import { coalesceRanges } from "../../src/dataset/byte-source.js";

describe("coalesceRanges", () => {
  it("sorts ranges into file order", () => {
    expect(coalesceRanges([[500, 600], [0, 10]], 0)).toEqual([[0, 10], [500, 600]]);
  });

  it("joins ranges less than `gap` bytes apart, and keeps farther ones separate", () => {
    expect(coalesceRanges([[0, 10], [15, 20], [100, 110]], 5)).toEqual([[0, 20], [100, 110]]);
    expect(coalesceRanges([[0, 10], [16, 20]], 5)).toEqual([[0, 10], [16, 20]]);
  });

  it("joins overlapping and contained ranges into their union", () => {
    expect(coalesceRanges([[0, 50], [10, 20], [40, 70]], 0)).toEqual([[0, 70]]);
  });

  it("drops empty and inverted ranges", () => {
    expect(coalesceRanges([[5, 5], [9, 3], [20, 30]], 100)).toEqual([[20, 30]]);
    expect(coalesceRanges([], 10)).toEqual([]);
  });

  it("does not change the ranges it was given", () => {
    const input: [number, number][] = [[10, 20], [0, 15]];
    coalesceRanges(input, 0);
    expect(input).toEqual([[10, 20], [0, 15]]);
  });
});
