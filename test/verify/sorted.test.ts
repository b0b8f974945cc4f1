/** lowerBound and nearestValue: binary searches over ascending frame times. */
import { describe, expect, it } from "vitest";
import { lowerBound, nearestValue } from "../../src/verify/sorted.js";

const times = Float64Array.from([0, 1 / 30, 2 / 30, 3 / 30, 4 / 30]);

describe("lowerBound", () => {
  it("gives the first position whose value is at least x", () => {
    expect(lowerBound(times, -1)).toBe(0);
    expect(lowerBound(times, 0)).toBe(0);
    expect(lowerBound(times, 0.01)).toBe(1);
    expect(lowerBound(times, 2 / 30)).toBe(2);
    expect(lowerBound(times, 1)).toBe(5);
  });

  it("gives the first of equal values", () => {
    expect(lowerBound(Float64Array.from([1, 2, 2, 2, 3]), 2)).toBe(1);
  });

  it("gives 0 for an empty array", () => {
    expect(lowerBound(new Float64Array(0), 5)).toBe(0);
  });
});

describe("nearestValue", () => {
  it("gives the closest value, clamping to the ends", () => {
    expect(nearestValue(times, -5)).toBe(0);
    expect(nearestValue(times, 0.04)).toBe(1 / 30);
    expect(nearestValue(times, 0.06)).toBe(2 / 30);
    expect(nearestValue(times, 9)).toBe(4 / 30);
  });

  it("gives the lower value on a tie", () => {
    expect(nearestValue(Float64Array.from([1, 2]), 1.5)).toBe(1);
  });
});
