/** Types and names shared by the stats modules. */

export const STAT_NAMES = ["min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"] as const;
export type StatName = (typeof STAT_NAMES)[number];

/** The quantile stat names with their fractions, in output order. */
export const QUANTILES = [
  ["q01", 0.01],
  ["q10", 0.1],
  ["q50", 0.5],
  ["q90", 0.9],
  ["q99", 0.99],
] as const;
export type QuantileName = (typeof QUANTILES)[number][0];

/** A vector (length = feature dim) or, for image/video features, a (channels, 1, 1) nest. */
export type StatValue = number[] | number[][][];

/** One feature's stats. Vector features: number[] of length dim. Image features: number[][][] of shape (3,1,1). count: [n]. */
export interface FeatureStats {
  min: StatValue;
  max: StatValue;
  mean: StatValue;
  std: StatValue;
  count: [number];
  /** Quantiles: always written by lerobot-ts; absent in stats of datasets converted from v2.1. */
  q01?: StatValue;
  q10?: StatValue;
  q50?: StatValue;
  q90?: StatValue;
  q99?: StatValue;
}

/** Stats as lerobot-ts computes them: every quantile present. */
export type CompleteFeatureStats = Required<FeatureStats>;

/** `meta/stats.json` (or one episode's stats): feature key -> its statistics. */
export type DatasetStats = Record<string, FeatureStats>;

export type NumericArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | number[];

/** Shape of a stat value: a vector of `length`, or an image stat of shape (channels, 1, 1). */
export type Shape = { kind: "vector"; length: number } | { kind: "image"; channels: number };

/** The shape of a stat value (image stats are recognised by their nested arrays). */
export function shapeOf(v: StatValue): Shape {
  const first = v[0];
  return Array.isArray(first) ? { kind: "image", channels: v.length } : { kind: "vector", length: v.length };
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.kind === "vector" && b.kind === "vector"
    ? a.length === b.length
    : a.kind === "image" && b.kind === "image" && a.channels === b.channels;
}

/** One number per dimension/channel, in order. */
export function flatten(v: StatValue): number[] {
  return (v as unknown[]).map((e) => (Array.isArray(e) ? (e as number[][])[0]![0]! : (e as number)));
}

/** Inverse of flatten for a given shape. */
export function unflatten(flat: number[], shape: Shape): StatValue {
  return shape.kind === "vector" ? flat : flat.map((x) => [[x]]);
}

