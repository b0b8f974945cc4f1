/**
 * meta/stats.json missing, unreadable or stale (its counts or values disagree with the episodes):
 * rebuilt by aggregating the per-episode stats of meta/episodes as the writer does (LeRobot's
 * aggregate_stats rules for min, max, mean, std and count). An episode without stats for a
 * numeric feature gets them computed from its rows; one without camera stats stops the rebuild
 * (that would mean decoding video, and a stats.json missing a camera is no better).
 */
import * as arrow from "apache-arrow";
import { columnValues, STATS_PATH, readParquet, formatTemplate, resolveInside, isNumericDtype, aggregateFeatureStats, computeNumericStats, statsToPythonJson } from "../../dataset/index.js";
import type { EpisodeRecord, Feature, DatasetStats, FeatureStats } from "../../dataset/index.js";
import type { CheckId } from "../../verify/index.js";
import { replaceWithBytes } from "./replace.js";
import type { PlanInput, RepairPlan, TrustedMetadata } from "./types.js";
import { emptyPlan, trusted, untrustedReason } from "./types.js";

export async function planStats(input: PlanInput): Promise<RepairPlan> {
  const plan = emptyPlan();
  // Findings about stats.json itself (those about an episode's stats name no file).
  const about = input.findings.filter((f) => f.group === "stats" && f.file === STATS_PATH && f.severity === "error");
  if (about.length === 0) return plan;
  const settles = [...new Set(about.map((f) => f.check as CheckId))];
  const refuse = (why: string) => {
    for (const check of settles) plan.refused.push({ check, file: STATS_PATH, why });
    return plan;
  };
  const meta = trusted(input);
  if (!meta) return refuse(untrustedReason(input));
  const episodeProblems = input.findings.filter((f) => f.group === "stats" && f.file !== STATS_PATH && f.severity === "error");
  if (episodeProblems.length > 0) {
    return refuse(`the episodes' own stats are wrong (${[...new Set(episodeProblems.map((f) => f.check))].join(", ")}): aggregating them would write wrong stats`);
  }
  if (meta.episodes.length === 0) return refuse("the dataset has no episodes to take stats from");
  input.progress("stats", 0, 1);
  const rebuilt = await rebuildStats(input, meta).catch((error: Error) => `the data cannot be read: ${error.message.split("\n")[0]}`);
  input.progress("stats", 1, 1);
  if (typeof rebuilt === "string") return refuse(rebuilt);
  const fromData = rebuilt.computed.length > 0 ? `; ${rebuilt.computed.join(", ")} computed from the data of the episodes that had no stats for them` : "";
  plan.steps.push({
    check: settles[0]!, file: STATS_PATH, settles,
    what: `rebuilt from the stats of the ${meta.episodes.length} episodes in meta/episodes${fromData}`,
    apply: () => replaceWithBytes(resolveInside(input.root, STATS_PATH), Buffer.from(statsToPythonJson(rebuilt.stats))),
  });
  return plan;
}

/** The dataset's stats in features order, or why they cannot be had without guessing. */
async function rebuildStats(input: PlanInput, meta: TrustedMetadata): Promise<{ stats: DatasetStats; computed: string[] } | string> {
  const stats: DatasetStats = {};
  const computed: string[] = [];
  for (const [key, feature] of Object.entries(meta.info.features)) {
    if (feature.dtype === "string" || feature.dtype === "language") continue; // LeRobot keeps no stats of text
    const perEpisode = new Map(meta.episodes.map((e) => [e.episodeIndex, e.stats[key]]));
    const lacking = meta.episodes.filter((e) => !isComplete(e.stats[key]));
    if (lacking.length > 0) {
      if (!isNumericDtype(feature.dtype) || feature.dtype === "float16") {
        return `episode ${lacking[0]!.episodeIndex} has no stats for '${key}', and repair does not decode frames to compute them`;
      }
      const dataErrors = input.findings.filter((f) => f.group === "data" && f.severity === "error" && f.check !== "data.unreferenced_rows");
      if (dataErrors.length > 0) return `${lacking.length} episode(s) have no stats for '${key}' and the data has errors (${dataErrors[0]!.check}), so they cannot be computed from it`;
      const fromData = await statsFromData(input.root, meta, key, feature, lacking);
      for (const [episode, computedStats] of fromData) perEpisode.set(episode, computedStats);
      computed.push(`'${key}'`);
    }
    try {
      stats[key] = aggregateFeatureStats([...perEpisode.values()] as FeatureStats[]);
    } catch (error) {
      return `the episodes' stats for '${key}' do not aggregate: ${(error as Error).message}`;
    }
  }
  return { stats, computed };
}

function isComplete(s: FeatureStats | undefined): s is FeatureStats {
  return s !== undefined && [s.min, s.max, s.mean, s.std, s.count].every((v) => Array.isArray(v) && v.length > 0);
}

/** One numeric feature's stats for each of these episodes, from their rows (as the writer computes them). */
async function statsFromData(root: string, meta: TrustedMetadata, key: string, feature: Feature, episodes: EpisodeRecord[]): Promise<Map<number, FeatureStats>> {
  const out = new Map<number, FeatureStats>();
  const fileOf = (e: EpisodeRecord) => resolveInside(root, formatTemplate(meta.info.data_path, { chunk_index: e.dataChunkIndex, file_index: e.dataFileIndex }));
  const byFile = new Map<string, EpisodeRecord[]>();
  for (const e of episodes) byFile.set(fileOf(e), [...(byFile.get(fileOf(e)) ?? []), e]);
  for (const [file, wanted] of byFile) {
    // Verify found each episode's rows where the metadata says: the file starts with its first episode.
    const fileStart = Math.min(...meta.episodes.filter((e) => fileOf(e) === file).map((e) => e.datasetFromIndex));
    const column = (await readParquet(file, { columns: [key] })).getChild(key)!;
    for (const e of wanted) {
      const rows = column.slice(e.datasetFromIndex - fileStart, e.datasetToIndex - fileStart);
      // bool columns count as 0/1, as the writer's buffer holds them.
      const values = arrow.DataType.isBool(rows.type) ? Uint8Array.from(rows, (v) => (v ? 1 : 0)) : columnValues(rows, key).values;
      // Stats run over the last axis (LeRobot compute_stats.py RunningQuantileStats.update).
      const width = feature.shape.length > 1 ? feature.shape.at(-1)! : values.length / Math.max(1, e.length);
      out.set(e.episodeIndex, computeNumericStats(values, width));
    }
  }
  return out;
}
