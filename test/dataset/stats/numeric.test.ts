import { describe, expect, it } from "vitest";
import {
  ImageStatsAccumulator,
  STAT_NAMES,
  aggregateFeatureStats,
  aggregateStats,
  computeNumericStats,
  parseStats,
} from "../../../src/dataset/stats.js";
import type { DatasetStats, FeatureStats, StatValue } from "../../../src/dataset/stats.js";

const QS = [
  ["q01", 0.01],
  ["q10", 0.1],
  ["q50", 0.5],
  ["q90", 0.9],
  ["q99", 0.99],
] as const;

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
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
function referenceQuantile(values: number[], q: number): number {
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

function vec(v: StatValue): number[] {
  if (Array.isArray(v[0])) throw new Error("expected a vector stat");
  return v as number[];
}

/** Channel values of a (3,1,1) stat, checking the shape on the way. */
function chans(v: StatValue): number[] {
  expect(v).toHaveLength(3);
  return (v as number[][][]).map((c) => {
    expect(c).toHaveLength(1);
    expect(c[0]).toHaveLength(1);
    return c[0]![0]!;
  });
}

function column(values: ArrayLike<number>, dim: number, d: number): number[] {
  const out: number[] = [];
  for (let i = d; i < values.length; i += dim) out.push(values[i]!);
  return out;
}

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!))));
}

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

describe("ImageStatsAccumulator", () => {
  function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
    const f = new Uint8Array(width * height * 3);
    for (let i = 0; i < f.length; i += 3) f.set(rgb, i);
    return f;
  }

  it("a solid colour stream gives exact per-channel values, std 0, shape (3,1,1)", () => {
    const acc = new ImageStatsAccumulator(32, 24);
    const frame = solid(32, 24, [255, 0, 128]);
    for (let i = 0; i < 5; i++) acc.push(frame);
    expect(acc.frames).toBe(5);
    const s = acc.result();
    const want = [[[1]], [[0]], [[128 / 255]]];
    expect(s.min).toEqual(want);
    expect(s.max).toEqual(want);
    expect(s.mean).toEqual(want);
    expect(s.std).toEqual([[[0]], [[0]], [[0]]]);
    expect(s.count).toEqual([5]);
    for (const [name] of QS) expectClose(chans(s[name]), [1, 0, 128 / 255], 1e-9);
  });

  it("a half-black/half-white image has mean 0.5 and std 0.5", () => {
    const w = 20;
    const h = 10;
    const f = new Uint8Array(w * h * 3);
    f.fill(255, 0, (w * h * 3) / 2); // top half white
    const acc = new ImageStatsAccumulator(w, h);
    acc.push(f);
    acc.push(f);
    const s = acc.result();
    expect(chans(s.mean)).toEqual([0.5, 0.5, 0.5]);
    expect(chans(s.std)).toEqual([0.5, 0.5, 0.5]);
    expect(chans(s.min)).toEqual([0, 0, 0]);
    expect(chans(s.max)).toEqual([1, 1, 1]);
    expect(s.count).toEqual([2]);
  });

  it("downsamples 640x480 to every 4th row and column", () => {
    const w = 640;
    const h = 480;
    const f = new Uint8Array(w * h * 3).fill(10);
    for (let y = 0; y < h; y += 4) for (let x = 0; x < w; x += 4) f.set([200, 100, 50], (y * w + x) * 3);
    const acc = new ImageStatsAccumulator(w, h);
    acc.push(f);
    const s = acc.result();
    expect(s.min).toEqual([[[200 / 255]], [[100 / 255]], [[50 / 255]]]);
    expect(s.max).toEqual(s.min);
    expect(chans(s.std)).toEqual([0, 0, 0]);
  });

  it("uses the stride LeRobot would: full image below 300 px, floor(longer side / 150) above", () => {
    // A 299x200 image is not downsampled: a pixel off the grid changes the max.
    const small = new Uint8Array(299 * 200 * 3);
    small[(1 * 299 + 1) * 3] = 255;
    const a = new ImageStatsAccumulator(299, 200);
    a.push(small);
    expect(chans(a.result().max)[0]).toBe(1);
    // Portrait 480x640: stride floor(640/150) = 4, so (x=2, y=2) is skipped and (x=4, y=8) is kept.
    const tall = new Uint8Array(480 * 640 * 3);
    tall[(2 * 480 + 2) * 3] = 255;
    tall[(8 * 480 + 4) * 3 + 1] = 51;
    const b = new ImageStatsAccumulator(480, 640);
    b.push(tall);
    expect(chans(b.result().max)).toEqual([0, 51 / 255, 0]);
    expect(new ImageStatsAccumulator(300, 100).stride).toBe(2);
    expect(new ImageStatsAccumulator(1280, 720).stride).toBe(8);
  });

  it("per-channel mean/std/quantiles over all pushed frames match a direct computation", () => {
    const r = rng(3);
    const w = 16;
    const h = 12;
    const acc = new ImageStatsAccumulator(w, h);
    const perChannel: number[][] = [[], [], []];
    for (let k = 0; k < 7; k++) {
      const f = new Uint8Array(w * h * 3);
      for (let i = 0; i < f.length; i++) {
        f[i] = Math.floor(Math.pow(r(), 1 + (i % 3)) * 256);
        perChannel[i % 3]!.push(f[i]! / 255);
      }
      acc.push(f);
    }
    const s = acc.result();
    expect(s.count).toEqual([7]);
    perChannel.forEach((vals, c) => {
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const std = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
      expect(Math.abs(chans(s.mean)[c]! - mean)).toBeLessThan(1e-12);
      expect(Math.abs(chans(s.std)[c]! - std)).toBeLessThan(1e-12);
      expect(chans(s.min)[c]).toBe(Math.min(...vals));
      expect(chans(s.max)[c]).toBe(Math.max(...vals));
      for (const [name, q] of QS) expect(Math.abs(chans(s[name])[c]! - referenceQuantile(vals, q))).toBeLessThan(1e-12);
    });
  });

  it("rejects a frame of the wrong size and a result with no frames", () => {
    const acc = new ImageStatsAccumulator(4, 4);
    expect(() => acc.push(new Uint8Array(4 * 4 * 3 - 1))).toThrow(/expected 48/);
    expect(() => acc.result()).toThrow(/no frames/);
  });
});

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

describe("parseStats", () => {
  function sample(): DatasetStats {
    const img = new ImageStatsAccumulator(4, 4);
    img.push(new Uint8Array(48).fill(77));
    img.push(new Uint8Array(48).fill(3));
    return {
      "observation.state": computeNumericStats(new Float32Array([0.5, 1, -2, 3, 4, 5]), 3),
      "observation.images.front": img.result(),
      task_index: computeNumericStats(new BigInt64Array(10), 1),
    };
  }

  it("round-trips JSON.stringify(stats)", () => {
    const stats = sample();
    const parsed = parseStats(JSON.parse(JSON.stringify(stats)));
    expect(parsed).toEqual(stats);
  });

  it("rejects a feature with a missing 'mean', naming the feature and the stat", () => {
    const json = JSON.parse(JSON.stringify(sample())) as Record<string, Record<string, unknown>>;
    delete json["observation.state"]!.mean;
    expect(() => parseStats(json)).toThrow(/observation\.state.*'mean'/);
  });

  it("rejects bad shapes and counts", () => {
    const base = (): Record<string, Record<string, unknown>> => JSON.parse(JSON.stringify(sample())) as Record<string, Record<string, unknown>>;
    const wrongLen = base();
    wrongLen["observation.state"]!.q50 = [1, 2];
    expect(() => parseStats(wrongLen)).toThrow(/observation\.state.*'q50'/);
    const badImage = base();
    badImage["observation.images.front"]!.std = [[1], [2], [3]];
    expect(() => parseStats(badImage)).toThrow(/observation\.images\.front.*'std'/);
    const badCount = base();
    badCount.task_index!.count = [1.5];
    expect(() => parseStats(badCount)).toThrow(/task_index.*'count'/);
    expect(() => parseStats([])).toThrow();
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
