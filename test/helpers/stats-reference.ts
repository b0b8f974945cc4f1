/**
 * Plain reference computations of LeRobot's statistics (compute_stats.py), written to be obviously
 * right rather than fast, and small helpers to read stat values in tests.
 */
import { expect } from "vitest";
import type { StatValue } from "../../src/dataset/stats/types.js";

export const QS = [
  ["q01", 0.01],
  ["q10", 0.1],
  ["q50", 0.5],
  ["q90", 0.9],
  ["q99", 0.99],
] as const;

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reference for LeRobot's histogram quantile, written as plainly as possible: linspace edges,
 * each value binned by scanning every edge (numpy.histogram: [a, b) bins, last bin closed), then
 * cumulative counts searched from the left and interpolated.
 */
export function referenceQuantile(values: number[], q: number): number {
  const nb = 5000;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const start = min - 1e-10;
  const stop = max + 1e-10;
  const step = (stop - start) / nb;
  const edges: number[] = [];
  for (let i = 0; i < nb; i++) edges.push(i * step + start);
  edges.push(stop);
  const hist: number[] = new Array<number>(nb).fill(0);
  for (const v of values) {
    for (let i = 0; i < nb; i++) {
      const inBin = i === nb - 1 ? v >= edges[i]! && v <= edges[i + 1]! : v >= edges[i]! && v < edges[i + 1]!;
      if (inBin) {
        hist[i]!++;
        break;
      }
    }
  }
  const target = q * values.length;
  const cumsum: number[] = [];
  let acc = 0;
  for (const h of hist) cumsum.push((acc += h));
  let idx = cumsum.findIndex((c) => c >= target);
  if (idx === -1) idx = nb;
  if (idx === 0) return edges[0]!;
  if (idx >= nb) return edges[nb]!;
  const before = cumsum[idx - 1]!;
  const inBin = cumsum[idx]! - before;
  if (inBin === 0) return edges[idx]!;
  return edges[idx]! + ((target - before) / inBin) * (edges[idx + 1]! - edges[idx]!);
}

export function vec(v: StatValue): number[] {
  if (Array.isArray(v[0])) throw new Error("expected a vector stat");
  return v as number[];
}

/** Channel values of a (3,1,1) stat, checking the shape on the way. */
export function chans(v: StatValue): number[] {
  expect(v).toHaveLength(3);
  return (v as number[][][]).map((c) => {
    expect(c).toHaveLength(1);
    expect(c[0]).toHaveLength(1);
    return c[0]![0]!;
  });
}

export function column(values: ArrayLike<number>, dim: number, d: number): number[] {
  const out: number[] = [];
  for (let i = d; i < values.length; i += dim) out.push(values[i]!);
  return out;
}

export function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!))));
}
