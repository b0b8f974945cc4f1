/**
 * What the data pass keeps of each episode, so later checks never re-read a data file: per
 * numeric feature and dimension, min / max / sum / finite count (for stats checks), and the
 * measurements the data-quality warnings need.
 */
import type { TypedArray } from "../dataset/index.js";

export interface FeatureSignal {
  dim: number;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  /** Finite values seen per dimension. */
  count: Float64Array;
  /** Per dimension: frames exactly at a calibration bound (LeRobot clamps to it), and the longest run. */
  boundHits?: Int32Array;
  boundRun?: Int32Array;
}

export interface EpisodeSignals {
  episode: number;
  length: number;
  features: Map<string, FeatureSignal>;
  /** The episode's timestamp column, kept only for --deep (LeRobot's video queries). */
  timestamps?: Float64Array;
}

/**
 * Values LeRobot's range normalisation clamps to: joints in -100..100 mode, the gripper in 0..100.
 * Degrees are not clamped, and a servo step never maps exactly onto 100 degrees.
 */
export function calibrationBounds(name: string): number[] | undefined {
  if (!name.endsWith(".pos")) return undefined;
  return name.startsWith("gripper") ? [0, 100] : [-100, 100];
}

/** Summarise rows [start, end) of a row-major column of `dim` values per row. */
export function summarize(values: TypedArray, dim: number, start: number, end: number, bounds?: (number[] | undefined)[]): FeatureSignal {
  const signal: FeatureSignal = {
    dim,
    min: new Float64Array(dim).fill(Infinity),
    max: new Float64Array(dim).fill(-Infinity),
    sum: new Float64Array(dim),
    count: new Float64Array(dim),
  };
  const hasBounds = bounds?.some((b) => b !== undefined) ?? false;
  const run = new Int32Array(dim);
  if (hasBounds) {
    signal.boundHits = new Int32Array(dim);
    signal.boundRun = new Int32Array(dim);
  }
  for (let row = start; row < end; row++) {
    for (let d = 0; d < dim; d++) {
      const v = Number(values[row * dim + d]);
      if (!Number.isFinite(v)) continue;
      if (v < signal.min[d]!) signal.min[d] = v;
      if (v > signal.max[d]!) signal.max[d] = v;
      signal.sum[d]! += v;
      signal.count[d]! += 1;
      if (!hasBounds) continue;
      const b = bounds![d];
      if (b && b.includes(v)) {
        signal.boundHits![d]! += 1;
        run[d]! += 1;
        if (run[d]! > signal.boundRun![d]!) signal.boundRun![d] = run[d]!;
      } else {
        run[d] = 0;
      }
    }
  }
  return signal;
}

export interface Jump {
  dimension: number;
  /** Row (within the episode) where the jump lands. */
  frame: number;
  delta: number;
  /** Spread of the episode's values in that dimension (q99 - q01). */
  spread: number;
  /** Standard deviation of the frame-to-frame changes. */
  deltaStd: number;
}

/**
 * The worst one-frame jump per dimension that is far outside the episode's motion: larger than
 * six standard deviations of the other frame-to-frame changes and than half the spread (q01..q99) of
 * the values. Teleoperated motion at 30 fps stays under a quarter of the spread per frame
 * (measured on a real SO-101 dataset); a misread servo or a wrap-around does not.
 */
export function findJumps(values: TypedArray, dim: number, start: number, end: number): Jump[] {
  const n = end - start;
  if (n < 3) return [];
  const jumps: Jump[] = [];
  const column = new Float64Array(n);
  for (let d = 0; d < dim; d++) {
    for (let i = 0; i < n; i++) column[i] = Number(values[(start + i) * dim + d]);
    // The spread of the changes leaves out the two largest: a one-frame spike makes both.
    const deltas: number[] = [];
    let worst = 0;
    let worstAt = -1;
    for (let i = 1; i < n; i++) {
      const delta = column[i]! - column[i - 1]!;
      if (!Number.isFinite(delta)) continue;
      deltas.push(delta);
      if (Math.abs(delta) > Math.abs(worst)) {
        worst = delta;
        worstAt = i;
      }
    }
    if (worstAt < 0 || deltas.length < 3) continue;
    deltas.sort((a, b) => Math.abs(a) - Math.abs(b));
    const typical = deltas.slice(0, -2);
    const mean = typical.reduce((a, b) => a + b, 0) / typical.length;
    const deltaStd = Math.sqrt(typical.reduce((a, b) => a + (b - mean) ** 2, 0) / typical.length);
    const sorted = Float64Array.from(column).filter(Number.isFinite).sort();
    const spread = quantile(sorted, 0.99) - quantile(sorted, 0.01);
    if (spread > 0 && Math.abs(worst) > 6 * deltaStd && Math.abs(worst) > 0.5 * spread) {
      jumps.push({ dimension: d, frame: worstAt, delta: worst, spread, deltaStd });
    }
  }
  return jumps;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
