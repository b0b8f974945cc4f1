/**
 * meta/stats.json and the episodes' stats columns: present for every feature, well formed,
 * finite, consistent (min <= quantiles <= max, min <= mean <= max), camera stats in [0, 1],
 * stats.json equal to the aggregate of the episode stats, and episode stats equal to the data.
 */
import path from "node:path";
import type { DatasetInfo, Feature, FeatureStats } from "../../dataset/index.js";
import { STATS_PATH, featureSize, isDepthMap, aggregateFeatureStats, flatten, parsePythonJson, committedStatsText } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";
import { describeKind, shortError } from "../context.js";

const REQUIRED = ["min", "max", "mean", "std"] as const;
const QUANTILES = ["q01", "q10", "q50", "q90", "q99"] as const;

export async function checkStats(ctx: VerifyContext): Promise<void> {
  const info = ctx.info;
  if (!info) return;
  const file = path.join(ctx.root, STATS_PATH);
  ctx.referenced.add(file);
  const stats = await readStatsJson(ctx, file);
  if (stats) {
    for (const [key, feature] of statFeatures(info)) {
      const raw = stats[key];
      if (raw === undefined) {
        ctx.add("stats.feature_missing", `${STATS_PATH} has no stats for '${key}'`, { file, column: key });
        continue;
      }
      const parsed = validateFeatureStats(ctx, raw, key, feature, `${STATS_PATH} '${key}'`, { file, column: key });
      if (!parsed) continue;
      const isCamera = feature.dtype === "video" || feature.dtype === "image";
      const frames = ctx.episodes?.reduce((n, e) => n + e.length, 0) ?? info.total_frames;
      if (isCamera ? parsed.count[0] > frames : parsed.count[0] !== frames) {
        ctx.add("stats.count", `${STATS_PATH} '${key}' counts ${parsed.count[0]} frames; the dataset has ${frames}`, { file, column: key });
      }
      compareWithEpisodes(ctx, key, feature, parsed, file);
    }
  }
  checkEpisodeStats(ctx, info);
}

async function readStatsJson(ctx: VerifyContext, file: string): Promise<Record<string, unknown> | undefined> {
  const kind = ctx.files.kind(file);
  if (kind !== "file") {
    ctx.add(kind === "missing" ? "stats.missing" : "stats.unreadable", `${STATS_PATH} ${describeKind(kind)}`, { file });
    return undefined;
  }
  let json: unknown;
  try {
    const { text, pending } = committedStatsText(await ctx.files.readText(file), ctx.pendingSave);
    if (pending) ctx.pendingParts.push(`${STATS_PATH} (which already counts it)`);
    if (text === undefined) {
      ctx.add("stats.missing", `${STATS_PATH} was written by the unfinished save; before it there was none`, { file });
      return undefined;
    }
    json = parsePythonJson(text);
  } catch (error) {
    ctx.add("stats.unreadable", `${STATS_PATH} is not valid JSON: ${shortError(error)}`, { file });
    return undefined;
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    ctx.add("stats.malformed", `${STATS_PATH} is not an object of features`, { file });
    return undefined;
  }
  return json as Record<string, unknown>;
}

/** Features that have stats: every one but text (LeRobot compute_stats.py skips string and language). */
function statFeatures(info: DatasetInfo): [string, Feature][] {
  return Object.entries(info.features).filter(([, f]) => f.dtype !== "string" && f.dtype !== "language");
}

/** How a feature's stat values are laid out: per channel (c, 1, 1) for cameras, a vector otherwise. */
type StatLayout = "camera" | "vector";

function statLayout(feature: Feature): StatLayout {
  return feature.dtype === "video" || feature.dtype === "image" ? "camera" : "vector";
}

/**
 * Values per stat. A 2-5 dimensional feature has stats per index of its last axis: LeRobot
 * reshapes the frames to (-1, last) before taking them (compute_stats.py RunningQuantileStats.update).
 */
function statWidth(feature: Feature): number {
  if (feature.dtype === "video" || feature.dtype === "image") return feature.shape[2] ?? 3; // a depth map has one channel
  return feature.shape.length > 1 ? feature.shape.at(-1)! : featureSize(feature);
}

/**
 * Check one feature's stats object (from stats.json or an episode row); returns it when well
 * formed enough to compare, reporting every problem on the way.
 */
function validateFeatureStats(
  ctx: VerifyContext, raw: unknown, key: string, feature: Feature, label: string, at: { file?: string; column: string; episode?: number },
): FeatureStats | undefined {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    ctx.add("stats.malformed", `${label} is not an object of stats`, at);
    return undefined;
  }
  const stats = raw as Record<string, unknown>;
  const layout = statLayout(feature);
  const isCamera = layout === "camera";
  const width = statWidth(feature);
  const values: Record<string, number[]> = {};
  for (const name of [...REQUIRED, ...QUANTILES]) {
    const value = stats[name];
    if (value === undefined) {
      if (!(QUANTILES as readonly string[]).includes(name)) ctx.add("stats.malformed", `${label} has no '${name}'`, at);
      continue;
    }
    const flat = flattenStat(value, layout);
    if (flat === undefined) {
      ctx.add(isCamera ? "stats.shape" : "stats.malformed", `${label} '${name}' is not ${isCamera ? `of shape (${width}, 1, 1)` : "an array of numbers"}`, at);
      return undefined;
    }
    if (flat.length !== width) {
      ctx.add("stats.shape", `${label} '${name}' has ${flat.length} values; the feature has ${width}`, at);
      return undefined;
    }
    const bad = flat.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      ctx.add("stats.non_finite", `${label} '${name}'[${bad}] is ${flat[bad]}`, at);
      return undefined;
    }
    values[name] = flat;
  }
  const count = stats.count;
  if (!Array.isArray(count) || count.length !== 1 || !Number.isInteger(count[0]) || (count[0] as number) < 0) {
    ctx.add("stats.malformed", `${label} 'count' is ${JSON.stringify(count)}, not [n]`, at);
    return undefined;
  }
  if (REQUIRED.some((n) => values[n] === undefined)) return undefined;
  checkOrder(ctx, values, label, at);
  // Depth maps keep their own units (LeRobot compute_stats.py divides by 255 for RGB only).
  if (isCamera && !isDepthMap(feature)) {
    const out = [...values.min!, ...values.max!].find((v) => v < -1e-6 || v > 1 + 1e-6);
    if (out !== undefined) ctx.add("stats.image_range", `${label} has ${out}, outside [0, 1]`, at);
  }
  const shaped = (flat: number[]) => (isCamera ? flat.map((v) => [[v]]) : flat);
  const result: FeatureStats = {
    min: shaped(values.min!), max: shaped(values.max!), mean: shaped(values.mean!), std: shaped(values.std!), count: [count[0] as number],
  };
  return result;
}

/** A stat value as one number per dimension, or undefined when it is not numbers / (c, 1, 1) / nested numbers. */
function flattenStat(value: unknown, layout: StatLayout): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  if (layout === "vector") return value.every((v) => typeof v === "number") ? (value as number[]) : undefined;
  const out: number[] = [];
  for (const channel of value) {
    const ok = Array.isArray(channel) && channel.length === 1 && Array.isArray(channel[0]) && channel[0].length === 1 && typeof channel[0][0] === "number";
    if (!ok) return undefined;
    out.push(channel[0][0] as number);
  }
  return out;
}

function checkOrder(ctx: VerifyContext, v: Record<string, number[]>, label: string, at: { file?: string; column: string; episode?: number }): void {
  const chain = ["min", ...QUANTILES.filter((q) => v[q]), "max"];
  for (let d = 0; d < v.min!.length; d++) {
    // Histogram quantiles may sit a hair outside [min, max] (LeRobot pads the bins by 1e-10).
    const slack = 1e-6 * Math.max(1, Math.abs(v.min![d]!), Math.abs(v.max![d]!));
    for (let i = 1; i < chain.length; i++) {
      const lo = v[chain[i - 1]!]![d]!;
      const hi = v[chain[i]!]![d]!;
      if (lo > hi + slack) {
        ctx.add("stats.order", `${label}[${d}]: ${chain[i - 1]} ${lo} > ${chain[i]} ${hi}`, at);
        return;
      }
    }
    const mean = v.mean![d]!;
    if (mean < v.min![d]! - slack || mean > v.max![d]! + slack) {
      ctx.add("stats.order", `${label}[${d}]: mean ${mean} is outside [${v.min![d]}, ${v.max![d]}]`, at);
      return;
    }
    if (v.std![d]! < 0) {
      ctx.add("stats.order", `${label}[${d}]: std ${v.std![d]} is negative`, at);
      return;
    }
  }
}

/** stats.json against the aggregate of the episodes' stats (LeRobot's rules; quantiles excluded, they are approximations). */
function compareWithEpisodes(ctx: VerifyContext, key: string, feature: Feature, stats: FeatureStats, file: string): void {
  const episodes = ctx.episodes ?? [];
  const having = episodes.map((e) => e.stats[key]).filter((s): s is FeatureStats => s !== undefined && s.mean !== undefined && s.count !== undefined);
  if (having.length === 0 || having.length !== episodes.length) return; // stats.episode_missing covers it
  let aggregate: FeatureStats;
  try {
    aggregate = aggregateFeatureStats(having);
  } catch {
    return; // malformed episode stats are reported by checkEpisodeStats
  }
  for (const name of ["min", "max", "mean", "std"] as const) {
    const a = flatten(stats[name]);
    const b = flatten(aggregate[name]);
    const d = a.findIndex((x, i) => !close(x, b[i]!, feature));
    if (d >= 0) {
      ctx.add("stats.episode_mismatch", `${STATS_PATH} '${key}' ${name}[${d}] is ${a[d]}; the episodes' stats aggregate to ${b[d]}`, { file, column: key });
      return;
    }
  }
  if (stats.count[0] !== aggregate.count[0]) {
    ctx.add("stats.episode_mismatch", `${STATS_PATH} '${key}' count is ${stats.count[0]}; the episodes' counts add up to ${aggregate.count[0]}`, { file, column: key });
  }
}

/** Equal within float32 rounding of the values' scale (stats are computed on float32 data). */
function close(a: number, b: number, feature: Feature): boolean {
  const scale = Math.max(1, Math.abs(a), Math.abs(b));
  const rel = feature.dtype === "float64" ? 1e-9 : 1e-5;
  return Math.abs(a - b) <= rel * scale;
}

/** Every episode's own stats: present, well formed, and equal to what its data holds. */
function checkEpisodeStats(ctx: VerifyContext, info: DatasetInfo): void {
  const missing = new Map<string, number[]>();
  for (const episode of ctx.episodes ?? []) {
    for (const [key, feature] of statFeatures(info)) {
      const stats = episode.stats[key];
      if (!stats) {
        const list = missing.get(key) ?? [];
        list.push(episode.episodeIndex);
        missing.set(key, list);
        continue;
      }
      const at = { episode: episode.episodeIndex, column: key };
      const parsed = validateFeatureStats(ctx, stats, key, feature, `episode ${episode.episodeIndex} stats '${key}'`, at);
      const signal = ctx.signals.get(episode.episodeIndex)?.features.get(key);
      if (!parsed || !signal) continue;
      const count = signal.count[0] ?? 0;
      const folded = foldToLastAxis(signal, statWidth(feature));
      const checks: [string, number[], number[]][] = [["min", flatten(parsed.min), folded.min], ["max", flatten(parsed.max), folded.max], ["mean", flatten(parsed.mean), folded.mean]];
      for (const [name, stated, actual] of checks) {
        const d = stated.findIndex((x, i) => !close(x, actual[i]!, feature));
        if (d >= 0) {
          ctx.add("stats.episode_data", `episode ${episode.episodeIndex} stats '${key}' ${name}[${d}] is ${stated[d]}; its data gives ${actual[d]}`, at);
          break;
        }
      }
      if (parsed.count[0] !== count && count === episode.length) {
        ctx.add("stats.episode_data", `episode ${episode.episodeIndex} stats '${key}' count is ${parsed.count[0]}; the episode has ${episode.length} frames`, at);
      }
    }
  }
  for (const [key, episodes] of missing) {
    ctx.add("stats.episode_missing", `${episodes.length} episode(s) have no stats for '${key}' (first: episode ${episodes[0]})`, { episode: episodes[0]!, column: key });
  }
}

/** Per-value data signals folded onto the last axis (index d goes to d % width), as a 2-5 dimensional feature's stats are. */
function foldToLastAxis(signal: { min: ArrayLike<number>; max: ArrayLike<number>; sum: ArrayLike<number>; count: ArrayLike<number> }, width: number) {
  const min = new Array<number>(width).fill(Infinity);
  const max = new Array<number>(width).fill(-Infinity);
  const sum = new Array<number>(width).fill(0);
  const count = new Array<number>(width).fill(0);
  for (let d = 0; d < signal.min.length; d++) {
    const j = d % width;
    min[j] = Math.min(min[j]!, signal.min[d]!);
    max[j] = Math.max(max[j]!, signal.max[d]!);
    sum[j] = sum[j]! + signal.sum[d]!;
    count[j] = count[j]! + signal.count[d]!;
  }
  return { min, max, mean: sum.map((s, j) => s / (count[j] || 1)) };
}
