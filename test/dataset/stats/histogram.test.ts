/** histogramQuantiles: LeRobot's quantile estimate from a 5000-bin histogram, checked against a brute-force reference. */
import { describe, expect, it } from "vitest";
import { histogramQuantiles } from "../../../src/dataset/stats/histogram.js";
import { QS, referenceQuantile, rng } from "../../helpers/stats-reference.js";

const range = (values: number[]) => [Math.min(...values), Math.max(...values)] as const;

function expectReference(got: number[], values: number[]): void {
  expect(got).toHaveLength(QS.length);
  QS.forEach(([name, q], i) => {
    const ref = referenceQuantile(values, q);
    expect(Math.abs(got[i]! - ref), `${name}: ${got[i]} vs ${ref}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref)));
  });
}

describe("histogramQuantiles", () => {
  it("gives q01, q10, q50, q90, q99 in that order, as the brute-force reference does", () => {
    const r = rng(21);
    const values = Array.from({ length: 800 }, () => r() * 40 - 15);
    const [min, max] = range(values);
    const got = histogramQuantiles(values, null, min, max, values.length);
    expectReference(got, values);
    expect([...got].sort((a, b) => a - b)).toEqual(got);
  });

  it("counts a value of weight k as k copies of it (how image stats pass their 256-level counts)", () => {
    const r = rng(5);
    const levels = Array.from({ length: 40 }, (_, i) => i / 39);
    const weights = levels.map(() => Math.floor(r() * 9));
    weights[0] = 3; // keep the ends present, so min and max are the first and last level
    weights[39] = 2;
    const expanded = levels.flatMap((v, i) => new Array<number>(weights[i]!).fill(v));
    const got = histogramQuantiles(levels, weights, 0, 1, expanded.length);
    expectReference(got, expanded);
  });

  it("leaves out values outside [min, max] and NaN, as numpy.histogram does with its range", () => {
    const r = rng(9);
    const inside = Array.from({ length: 300 }, () => r() * 10);
    const [min, max] = range(inside);
    const got = histogramQuantiles([...inside, max + 5, min - 5, NaN], null, min, max, inside.length);
    expectReference(got, inside);
  });

  it("puts every quantile at the padded edges of a constant column (LeRobot's 1e-10 padding)", () => {
    // All values in the middle bin of [4 - 1e-10, 4 + 1e-10]: quantiles interpolate inside that bin.
    const got = histogramQuantiles([4, 4, 4, 4], null, 4, 4, 4);
    for (const v of got) expect(Math.abs(v - 4)).toBeLessThanOrEqual(1e-10);
    expectReference(got, [4, 4, 4, 4]);
  });
});
