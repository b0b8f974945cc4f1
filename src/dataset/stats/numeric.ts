/** Stats of vector (numeric) features over one episode. */
import { histogramQuantiles } from "./histogram.js";
import type { CompleteFeatureStats, NumericArray } from "./types.js";

function toFloat64(values: NumericArray): Float64Array {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]!);
    return out;
  }
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/** One dimension's stats: [min, max, mean, std, q01, q10, q50, q90, q99]. */
function columnStats(col: Float64Array): number[] {
  const n = col.length;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = col[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const mean = sum / n;
  if (Number.isNaN(mean)) {
    // numpy propagates NaN through every statistic.
    return [NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN];
  }
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = col[i]! - mean;
    sq += d * d;
  }
  const std = Math.sqrt(sq / n);
  if (n < 2) return [min, max, mean, 0, mean, mean, mean, mean, mean];
  return [min, max, mean, std, ...histogramQuantiles(col, null, min, max, n)];
}

/**
 * Stats of a vector feature over one episode. `values` holds n frames x dim values, frame-major.
 * min/max keep the values as given (integers for integer columns); mean/std are float64.
 */
export function computeNumericStats(values: NumericArray, dim: number): CompleteFeatureStats {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`computeNumericStats: dim must be a positive integer, got ${dim}`);
  if (values.length % dim !== 0) {
    throw new Error(`computeNumericStats: ${values.length} values is not a whole number of frames of dim ${dim}`);
  }
  const n = values.length / dim;
  if (n === 0) throw new Error("computeNumericStats: no frames");
  const all = toFloat64(values);
  const perDim: number[][] = [];
  const col = new Float64Array(n);
  for (let d = 0; d < dim; d++) {
    for (let i = 0; i < n; i++) col[i] = all[i * dim + d]!;
    perDim.push(columnStats(col));
  }
  const pick = (k: number): number[] => perDim.map((s) => s[k]!);
  return {
    min: pick(0),
    max: pick(1),
    mean: pick(2),
    std: pick(3),
    count: [n],
    q01: pick(4),
    q10: pick(5),
    q50: pick(6),
    q90: pick(7),
    q99: pick(8),
  };
}
