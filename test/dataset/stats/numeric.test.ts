/** computeNumericStats: one episode's stats of a vector feature, as LeRobot's compute_stats.py computes them. */
import { describe, expect, it } from "vitest";
import { computeNumericStats } from "../../../src/dataset/stats/numeric.js";
import { STAT_NAMES } from "../../../src/dataset/stats/types.js";
import { QS, column, expectClose, referenceQuantile, rng, vec } from "../../helpers/stats-reference.js";

describe("computeNumericStats", () => {
  it("min/max/mean/std of a float32 2-D array match hand-computed values", () => {
    // frames x 2: column 0 = 1, 3, 5; column 1 = -1.5, 0.25, 4 (all exact in float32)
    const s = computeNumericStats(new Float32Array([1, -1.5, 3, 0.25, 5, 4]), 2);
    expect(s.min).toEqual([1, -1.5]);
    expect(s.max).toEqual([5, 4]);
    expectClose(vec(s.mean), [3, 11 / 12], 1e-15);
    // population variance: col 0 = (4 + 0 + 4) / 3; col 1 = ((-29/12)^2 + (-8/12)^2 + (37/12)^2) / 3 = 379/72
    expectClose(vec(s.std), [Math.sqrt(8 / 3), Math.sqrt(379 / 72)], 1e-15);
    expect(s.count).toEqual([3]);
    expect(Object.keys(s).sort()).toEqual([...STAT_NAMES].sort());
  });

  it("quantiles match a brute-force histogram reference on random data", () => {
    const r = rng(7);
    const n = 1000;
    const dim = 5;
    const data = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) {
      data[i * dim] = r() * 10 - 3; // uniform
      data[i * dim + 1] = Math.pow(r(), 4) * 100; // skewed
      data[i * dim + 2] = Math.floor(r() * 6); // a few integer levels (values on bin edges)
      data[i * dim + 3] = (r() + r() + r()) * 1e-3; // small scale
      // min 1e-10 and max 5000 - 1e-10 make the edges exactly 0, 1, ..., 5000, so these integers
      // sit exactly on edges and must go to the bin above (numpy.histogram's half-open bins).
      data[i * dim + 4] = i === 0 ? 1e-10 : i === 1 ? 5000 - 1e-10 : 1 + Math.floor(r() * 60) * 7;
    }
    const s = computeNumericStats(data, dim);
    for (let d = 0; d < dim; d++) {
      const col = column(data, dim, d);
      for (const [name, q] of QS) {
        const ref = referenceQuantile(col, q);
        const got = vec(s[name])[d]!;
        expect(Math.abs(got - ref), `${name} dim ${d}: ${got} vs ${ref}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref)));
      }
    }
  });

  it("quantiles are ordered, inside [min, max], and q50 of 0..999 is ~499.5", () => {
    const r = rng(11);
    const data = Float64Array.from({ length: 3000 }, () => r() * 2 - 1);
    const s = computeNumericStats(data, 3);
    for (let d = 0; d < 3; d++) {
      const [q01, q10, q50, q90, q99] = QS.map(([name]) => vec(s[name])[d]!) as [number, number, number, number, number];
      expect(q01).toBeLessThanOrEqual(q10);
      expect(q10).toBeLessThanOrEqual(q50);
      expect(q50).toBeLessThanOrEqual(q90);
      expect(q90).toBeLessThanOrEqual(q99);
      expect(q01).toBeGreaterThanOrEqual(vec(s.min)[d]! - 1e-9);
      expect(q99).toBeLessThanOrEqual(vec(s.max)[d]! + 1e-9);
    }
    // 0..999: each integer sits alone in a bin 0.1998 wide, and the rule returns the top edge of the
    // bin holding the 500th value (numpy gives 499.1004), so q50 lies between the two middle values.
    const ramp = computeNumericStats(Array.from({ length: 1000 }, (_, i) => i), 1);
    const binWidth = (999 + 2e-10) / 5000;
    expect(vec(ramp.q50)[0]).toBeGreaterThanOrEqual(499);
    expect(vec(ramp.q50)[0]).toBeLessThanOrEqual(500);
    expect(Math.abs(vec(ramp.q50)[0]! - 499.1004)).toBeLessThan(1e-9);
    // A dense ramp over the same range: q50 within one bin width of 499.5, q10 of 99.9.
    const dense = computeNumericStats(Array.from({ length: 100_000 }, (_, i) => (i * 999) / 99_999), 1);
    expect(Math.abs(vec(dense.q50)[0]! - 499.5)).toBeLessThanOrEqual(binWidth);
    expect(Math.abs(vec(dense.q10)[0]! - 99.9)).toBeLessThanOrEqual(binWidth);
  });

  it("reproduces LeRobot's numbers for a constant-zero int64 column (task_index fixture)", () => {
    const s = computeNumericStats(new BigInt64Array(1492), 1);
    const expected = { q01: 3.9999999999994176e-16, q10: 3.999999999999417e-15, q50: 1.9999999999997088e-14 };
    for (const [name, want] of Object.entries(expected)) {
      const got = vec(s[name as "q01" | "q10" | "q50"])[0]!;
      expect(Math.abs(got - want) / want, `${name}: ${got}`).toBeLessThanOrEqual(1e-20);
    }
    expect(s.min).toEqual([0]);
    expect(s.max).toEqual([0]);
    expect(s.mean).toEqual([0]);
    expect(s.std).toEqual([0]);
    expect(s.count).toEqual([1492]);
  });

  it("a 1-frame episode has quantiles equal to the mean and std 0", () => {
    const s = computeNumericStats(new Float64Array([1.5, -2, 7]), 3);
    expect(s.count).toEqual([1]);
    expect(s.std).toEqual([0, 0, 0]);
    expect(s.mean).toEqual([1.5, -2, 7]);
    for (const [name] of QS) expect(s[name]).toEqual([1.5, -2, 7]);
  });

  it("int64 (BigInt64Array) input gives integer min/max", () => {
    const big = 2n ** 40n;
    const s = computeNumericStats(new BigInt64Array([5n, -3n, 10n, big, -7n, 0n]), 2);
    expect(s.min).toEqual([-7, -3]);
    expect(s.max).toEqual([10, 2 ** 40]);
    for (const v of [...vec(s.min), ...vec(s.max)]) expect(Number.isInteger(v)).toBe(true);
    expectClose(vec(s.mean), [8 / 3, (2 ** 40 - 3) / 3], 1e-15);
  });

  it("rejects a length that is not a whole number of frames, and empty input", () => {
    expect(() => computeNumericStats([1, 2, 3], 2)).toThrow(/dim 2/);
    expect(() => computeNumericStats([], 2)).toThrow(/no frames/);
  });
});

describe("computeNumericStats with NaN", () => {
  it("makes every statistic of a dimension holding NaN NaN, as numpy does, and leaves the other dimensions alone", () => {
    const s = computeNumericStats([1, 10, NaN, 20, 3, 30], 2);
    for (const name of ["min", "max", "mean", "std", "q01", "q10", "q50", "q90", "q99"] as const) {
      expect(Number.isNaN(vec(s[name])[0]), name).toBe(true);
    }
    expect(vec(s.min)[1]).toBe(10);
    expect(vec(s.max)[1]).toBe(30);
    expect(vec(s.mean)[1]).toBe(20);
    expect(s.count).toEqual([3]);
  });
});
