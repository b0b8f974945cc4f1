/** Binary searches over ascending Float64Arrays (frame times). */

/** First position whose value is >= x. */
export function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The value closest to x (the lower one on a tie); the array must not be empty. */
export function nearestValue(sorted: Float64Array, x: number): number {
  const i = lowerBound(sorted, x);
  if (i === 0) return sorted[0]!;
  if (i === sorted.length) return sorted[i - 1]!;
  return x - sorted[i - 1]! <= sorted[i]! - x ? sorted[i - 1]! : sorted[i]!;
}
