/**
 * LeRobot's histogram quantile estimate: per dimension, 5000 equal-width bins spanning
 * [min - 1e-10, max + 1e-10] (edges built like numpy.linspace, values binned like numpy.histogram),
 * then linear interpolation inside the bin where the cumulative count first reaches q * count.
 */
import { QUANTILES } from "./types.js";

/** Number of histogram bins LeRobot uses for its quantile estimate. */
const NUM_BINS = 5000;
/** Padding LeRobot adds on both sides of [min, max] before binning. */
const EDGE_PAD = 1e-10;

/** Bin edges as numpy.linspace(lo - 1e-10, hi + 1e-10, NUM_BINS + 1) computes them. */
function binEdges(lo: number, hi: number): Float64Array {
  const start = lo - EDGE_PAD;
  const stop = hi + EDGE_PAD;
  const delta = stop - start;
  const step = delta / NUM_BINS;
  const edges = new Float64Array(NUM_BINS + 1);
  if (step === 0) {
    for (let i = 0; i < NUM_BINS; i++) edges[i] = (i / NUM_BINS) * delta + start;
  } else {
    for (let i = 0; i < NUM_BINS; i++) edges[i] = i * step + start;
  }
  edges[NUM_BINS] = stop;
  return edges;
}

/**
 * The bin numpy.histogram puts x in: bins are [e[i], e[i+1]) except the last, which is closed.
 * Returns -1 for values outside [e[0], e[last]] (and NaN). The arithmetic guess is corrected by
 * comparing against the actual edges, so boundary values land exactly where numpy puts them.
 */
function binOf(edges: Float64Array, x: number): number {
  const first = edges[0]!;
  const last = edges[NUM_BINS]!;
  if (!(x >= first && x <= last)) return -1;
  const step = (last - first) / NUM_BINS;
  let i = step > 0 ? Math.floor((x - first) / step) : NUM_BINS - 1;
  if (!(i >= 0)) i = 0;
  else if (i > NUM_BINS - 1) i = NUM_BINS - 1;
  while (i < NUM_BINS - 1 && edges[i + 1]! <= x) i++;
  while (i > 0 && edges[i]! > x) i--;
  return i;
}

/** LeRobot's interpolated quantile from a histogram (cumsum search, side "left"). */
function quantileFromHistogram(hist: Float64Array, edges: Float64Array, target: number): number {
  let cum = 0;
  let idx = 0;
  for (; idx < NUM_BINS; idx++) {
    const next = cum + hist[idx]!;
    if (next >= target) {
      if (idx === 0) return edges[0]!;
      const inBin = next - cum;
      if (inBin === 0) return edges[idx]!;
      const lo = edges[idx]!;
      return lo + ((target - cum) / inBin) * (edges[idx + 1]! - lo);
    }
    cum = next;
  }
  return edges[NUM_BINS]!;
}

/**
 * Quantiles of one dimension given its values (optionally weighted by integer counts), its min,
 * max and total count. Returns the five values in QUANTILES order.
 */
export function histogramQuantiles(
  values: ArrayLike<number>,
  weights: ArrayLike<number> | null,
  min: number,
  max: number,
  total: number,
): number[] {
  const edges = binEdges(min, max);
  const hist = new Float64Array(NUM_BINS);
  for (let i = 0; i < values.length; i++) {
    const w = weights === null ? 1 : weights[i]!;
    if (w === 0) continue;
    const b = binOf(edges, values[i]!);
    if (b >= 0) hist[b]! += w;
  }
  return QUANTILES.map(([, q]) => quantileFromHistogram(hist, edges, q * total));
}
