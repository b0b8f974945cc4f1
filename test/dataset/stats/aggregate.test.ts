/** aggregateStats and aggregateFeatureStats: per-episode stats pooled into dataset stats, by LeRobot's rules. */
import { describe, expect, it } from "vitest";
import { aggregateFeatureStats, aggregateStats } from "../../../src/dataset/stats/aggregate.js";
import { ImageStatsAccumulator } from "../../../src/dataset/stats/image.js";
import { computeNumericStats } from "../../../src/dataset/stats/numeric.js";
import { parseStats } from "../../../src/dataset/stats/parse.js";
import type { FeatureStats } from "../../../src/dataset/stats/types.js";
import { QS, chans, expectClose, rng, vec } from "../../helpers/stats-reference.js";

describe("aggregateStats", () => {
  function randomEpisode(seed: number, n: number, dim: number, offset: number): Float64Array {
    const r = rng(seed);
    return Float64Array.from({ length: n * dim }, (_, i) => r() * (1 + (i % dim)) + offset);
  }

  it("aggregating two episodes equals the stats of their concatenation (min, max, mean, std, count)", () => {
    const a = randomEpisode(1, 400, 3, 0);
    const b = randomEpisode(2, 700, 3, 0.7);
    const both = new Float64Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    const agg = aggregateStats([{ x: computeNumericStats(a, 3) }, { x: computeNumericStats(b, 3) }]).x!;
    const whole = computeNumericStats(both, 3);
    expect(agg.min).toEqual(whole.min);
    expect(agg.max).toEqual(whole.max);
    expectClose(vec(agg.mean), vec(whole.mean), 1e-9);
    expectClose(vec(agg.std), vec(whole.std), 1e-9);
    expect(agg.count).toEqual([1100]);
  });

  function fake(base: number, count: number, q: [number, number, number, number, number][]): FeatureStats {
    const col = (k: number): number[] => q.map((row) => row[k]!);
    return {
      min: q.map(() => base),
      max: q.map(() => base + 10),
      mean: q.map(() => base + 5),
      std: q.map(() => 1),
      count: [count],
      q01: col(0),
      q10: col(1),
      q50: col(2),
      q90: col(3),
      q99: col(4),
    };
  }

  it("aggregates quantiles as LeRobot v0.6 does: their count-weighted mean (compute_stats.py aggregate_feature_stats)", () => {
    const e1 = fake(0, 10, [
      [1, 2, 5, 8, 9],
      [0, 3, 4, 6, 7],
    ]);
    const e2 = fake(1, 30, [
      [2, 1, 6, 7, 10],
      [-1, 4, 3, 9, 6],
    ]);
    const agg = aggregateFeatureStats([e1, e2]);
    // Episode 1 weighs 10, episode 2 weighs 30: (10 * a + 30 * b) / 40, per column.
    expect(agg.q01).toEqual([(10 * 1 + 30 * 2) / 40, (10 * 0 + 30 * -1) / 40]);
    expect(agg.q10).toEqual([(10 * 2 + 30 * 1) / 40, (10 * 3 + 30 * 4) / 40]);
    expect(agg.q50).toEqual([(10 * 5 + 30 * 6) / 40, (10 * 4 + 30 * 3) / 40]);
    expect(agg.q90).toEqual([(10 * 8 + 30 * 7) / 40, (10 * 6 + 30 * 9) / 40]);
    expect(agg.q99).toEqual([(10 * 9 + 30 * 10) / 40, (10 * 7 + 30 * 6) / 40]);
    expect(agg.min).toEqual([0, 0]);
    expect(agg.max).toEqual([11, 11]);
    expect(agg.mean).toEqual([5.75, 5.75]);
    // pooled: (10 * (1 + 0.75^2) + 30 * (1 + 0.25^2)) / 40
    expectClose(vec(agg.std), [Math.sqrt((10 * (1 + 0.5625) + 30 * (1 + 0.0625)) / 40), Math.sqrt(1.1875)], 1e-15);
    expect(agg.count).toEqual([40]);
  });

  it("takes the union of keys, aggregating each feature over the inputs that have it", () => {
    const a = computeNumericStats([1, 2, 3], 1);
    const b = computeNumericStats([10, 20], 1);
    const c = computeNumericStats([-5, 5, 7, 9], 1);
    const out = aggregateStats([{ shared: a, onlyA: a }, { shared: b, onlyB: c }]);
    expect(Object.keys(out).sort()).toEqual(["onlyA", "onlyB", "shared"]);
    expect(out.shared!.count).toEqual([5]);
    expect(out.shared!.min).toEqual([1]);
    expect(out.shared!.max).toEqual([20]);
    expect(out.onlyA).toEqual(aggregateFeatureStats([a]));
    expect(out.onlyA!.mean).toEqual([2]);
    expect(out.onlyB!.count).toEqual([4]);
  });

  it("keeps image stats in shape (3,1,1) with count-weighted means", () => {
    const a = new ImageStatsAccumulator(8, 8);
    const b = new ImageStatsAccumulator(8, 8);
    a.push(new Uint8Array(8 * 8 * 3).fill(0));
    for (let i = 0; i < 3; i++) b.push(new Uint8Array(8 * 8 * 3).fill(255));
    const agg = aggregateFeatureStats([a.result(), b.result()]);
    expect(agg.count).toEqual([4]);
    expect(chans(agg.mean)).toEqual([0.75, 0.75, 0.75]);
    expectClose(chans(agg.std), [Math.sqrt(0.1875), Math.sqrt(0.1875), Math.sqrt(0.1875)], 1e-15);
    expect(chans(agg.min)).toEqual([0, 0, 0]);
    expect(chans(agg.max)).toEqual([1, 1, 1]);
    for (const [name] of QS) chans(agg[name]!);
  });

  it("rejects mismatched shapes and an empty list", () => {
    expect(() => aggregateStats([{ f: computeNumericStats([1, 2], 1) }, { f: computeNumericStats([1, 2], 2) }])).toThrow(/'f'/);
    expect(() => aggregateFeatureStats([])).toThrow(/empty/);
  });
});

describe("stats without quantiles (v3.0 datasets converted from v2.1)", () => {
  it("parses them and aggregates without inventing quantiles", () => {
    const old = { "observation.state": { min: [0, 1], max: [2, 3], mean: [1, 2], std: [0.5, 0.5], count: [10] } };
    const parsed = parseStats(old);
    expect(parsed["observation.state"]!.q01).toBeUndefined();
    const withQ = computeNumericStats(Float32Array.from([0, 1, 2, 3]), 2);
    const agg = aggregateStats([parsed, { "observation.state": withQ }]);
    expect(agg["observation.state"]!.q50).toBeUndefined();
    expect(agg["observation.state"]!.count).toEqual([12]);
    expect(agg["observation.state"]!.max).toEqual([2, 3]);
  });
});
