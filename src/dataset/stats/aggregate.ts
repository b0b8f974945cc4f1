/** Aggregation of per-episode stats into dataset stats, following LeRobot's rules. */
import { flatten, sameShape, shapeOf, unflatten } from "./types.js";
import type { DatasetStats, FeatureStats, QuantileName, StatName, StatValue } from "./types.js";

/** Aggregates one feature's per-episode stats into dataset stats (LeRobot's rules). */
export function aggregateFeatureStats(list: FeatureStats[]): FeatureStats {
  const head = list[0];
  if (head === undefined) throw new Error("aggregateFeatureStats: empty list");
  const shape = shapeOf(head.mean);
  const flat = (name: Exclude<StatName, "count">): number[][] =>
    list.map((s, i) => {
      const value = s[name]!; // quantiles are only asked for when every input has them
      if (!sameShape(shapeOf(value), shape)) throw new Error(`aggregateFeatureStats: '${name}' of input ${i} has a different shape`);
      return flatten(value);
    });
  const mins = flat("min");
  const maxs = flat("max");
  const means = flat("mean");
  const stds = flat("std");
  const counts = list.map((s) => s.count[0]);
  const total = counts.reduce((a, b) => a + b, 0);
  const width = means[0]!.length;

  const outMin: number[] = [];
  const outMax: number[] = [];
  const outMean: number[] = [];
  const outStd: number[] = [];
  for (let j = 0; j < width; j++) {
    let mn = Infinity;
    let mx = -Infinity;
    let weighted = 0;
    for (let i = 0; i < list.length; i++) {
      mn = Math.min(mn, mins[i]![j]!);
      mx = Math.max(mx, maxs[i]![j]!);
      weighted += means[i]![j]! * counts[i]!;
    }
    const mean = weighted / total;
    let pooled = 0;
    for (let i = 0; i < list.length; i++) {
      const s = stds[i]![j]!;
      const dm = means[i]![j]! - mean;
      pooled += (s * s + dm * dm) * counts[i]!;
    }
    outMin.push(mn);
    outMax.push(mx);
    outMean.push(mean);
    outStd.push(Math.sqrt(pooled / total));
  }

  // Quantiles are the count-weighted mean of the episodes' (LeRobot v0.5 and v0.6
  // compute_stats.py aggregate_feature_stats): an estimate, exact quantiles cannot be recombined.
  const weightedMean = (name: QuantileName): StatValue | undefined => {
    // LeRobot aggregates a quantile only when every input has it.
    if (list.some((s) => s[name] === undefined)) return undefined;
    const rows = flat(name);
    const out = new Array<number>(width).fill(0);
    rows.forEach((row, i) => row.forEach((v, j) => (out[j]! += v * counts[i]!)));
    return unflatten(out.map((v) => v / total), shape);
  };

  const result: FeatureStats = {
    min: unflatten(outMin, shape),
    max: unflatten(outMax, shape),
    mean: unflatten(outMean, shape),
    std: unflatten(outStd, shape),
    count: [total],
  };
  for (const name of ["q01", "q10", "q50", "q90", "q99"] as const) {
    const value = weightedMean(name);
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/** Aggregates per-episode stats; a feature missing from some inputs aggregates over those that have it. */
export function aggregateStats(list: DatasetStats[]): DatasetStats {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const stats of list) {
    for (const key of Object.keys(stats)) {
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  }
  const out: DatasetStats = {};
  for (const key of keys) {
    const having = list.flatMap((s) => (Object.hasOwn(s, key) ? [s[key]!] : []));
    try {
      out[key] = aggregateFeatureStats(having);
    } catch (err) {
      throw new Error(`aggregateStats: feature '${key}': ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}
