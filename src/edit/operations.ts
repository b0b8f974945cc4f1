/**
 * LeRobot's dataset edits that keep every frame as it is (lerobot-edit-dataset's delete_episodes,
 * split, merge, remove_feature and modify_tasks; datasets/dataset_tools.py), each writing new
 * datasets through copyEpisodes.
 * LeRobot's merge and delete have shipped bugs that moved video frames between episodes; here
 * every copied episode keeps its own frames, checked by the tests frame by frame.
 */
import type { DatasetInfo, Feature, LeRobotDataset } from "../dataset/index.js";
import { DEFAULT_FEATURES, videoInfoOf, videoKeys, ENCODER_INFO_KEYS, findFfmpeg } from "../dataset/index.js";
import { EditError } from "./errors.js";
import type { CopyEpisodesOptions, CopyResult } from "./copy-episodes.js";
import { copyEpisodes } from "./copy-episodes.js";
import { targetOf } from "./video-operations.js";

type Progress = CopyEpisodesOptions["onProgress"];

export { EditError };

/** The output's info.json fields from a source: everything but the counts, which the copy sets. */
function baseInfo(dataset: LeRobotDataset): DatasetInfo {
  return structuredClone(dataset.info);
}

function checkEpisodes(dataset: LeRobotDataset, indices: number[], what: string): void {
  const unknown = indices.filter((i) => !Number.isInteger(i) || !dataset.episodes.some((e) => e.episodeIndex === i));
  if (unknown.length > 0) {
    throw new EditError(`${what}: episode(s) ${unknown.join(", ")} are not in ${dataset.root} (it has episodes 0..${dataset.numEpisodes - 1})`);
  }
}

/** A new dataset at `root` without the given episodes; the rest renumbered from 0 (dataset_tools.py delete_episodes). */
export async function deleteEpisodes(dataset: LeRobotDataset, episodeIndices: number[], root: string, onProgress?: Progress): Promise<CopyResult> {
  checkEpisodes(dataset, episodeIndices, "delete_episodes");
  const drop = new Set(episodeIndices);
  const keep = dataset.episodes.filter((e) => !drop.has(e.episodeIndex));
  if (keep.length === 0) throw new EditError("delete_episodes: that would delete every episode");
  return copyEpisodes({ root, info: baseInfo(dataset), episodes: keep.map((e) => ({ dataset, episodeIndex: e.episodeIndex })), ...(onProgress ? { onProgress } : {}) });
}

/**
 * Episode lists per split from fractions, as LeRobot cuts them (dataset_tools.py
 * _fractions_to_episode_indices): in episode order, int(total * fraction) each, the last split
 * taking the rest; an empty split is left out.
 */
export function splitEpisodeLists(total: number, splits: Record<string, number | number[]>): Record<string, number[]> {
  const entries = Object.entries(splits);
  if (entries.length === 0) throw new EditError("split: give at least one split");
  if (entries.every(([, v]) => Array.isArray(v))) return Object.fromEntries(entries) as Record<string, number[]>;
  if (!entries.every(([, v]) => typeof v === "number" && v > 0 && v <= 1)) {
    throw new EditError("split: give every split as a fraction in (0, 1] or every split as a list of episodes");
  }
  const fractions = entries as [string, number][];
  if (fractions.reduce((n, [, f]) => n + f, 0) > 1 + 1e-9) throw new EditError("split: the fractions add up to more than 1");
  const out: Record<string, number[]> = {};
  let start = 0;
  fractions.forEach(([name, fraction], i) => {
    const count = Math.floor(total * fraction);
    if (count === 0) return;
    const end = i === fractions.length - 1 ? total : start + count;
    out[name] = Array.from({ length: end - start }, (_, k) => start + k);
    start = end;
  });
  return out;
}

/** One new dataset per split, at `roots[name]`, each of its episodes in the order given. */
export async function splitDataset(dataset: LeRobotDataset, lists: Record<string, number[]>, roots: Record<string, string>, onProgress?: (split: string, p: Parameters<NonNullable<Progress>>[0]) => void): Promise<Record<string, CopyResult>> {
  const seen = new Map<number, string>();
  for (const [name, indices] of Object.entries(lists)) {
    checkEpisodes(dataset, indices, `split '${name}'`);
    if (indices.length === 0) throw new EditError(`split '${name}' has no episodes`);
    for (const i of indices) {
      const other = seen.get(i);
      if (other !== undefined) throw new EditError(`split: episode ${i} is in both '${other}' and '${name}'`);
      seen.set(i, name);
    }
  }
  const results: Record<string, CopyResult> = {};
  for (const [name, indices] of Object.entries(lists)) {
    results[name] = await copyEpisodes({
      root: roots[name]!, info: baseInfo(dataset), episodes: indices.map((episodeIndex) => ({ dataset, episodeIndex })),
      ...(onProgress ? { onProgress: (p) => onProgress(name, p) } : {}),
    });
  }
  return results;
}

/**
 * Every episode of each dataset, in the order given, as one new dataset; tasks unified by text.
 * fps, robot type and features must agree, video encoder settings aside
 * (feature_utils.py features_equal_for_merge); the first dataset's info is kept, its encoder
 * keys merged as LeRobot merges them (aggregate.py merge_video_feature_info_for_aggregate).
 * Videos are copied without re-encoding where the files allow; where they cannot be spliced
 * together, or a dataset's codec or pixel format differs from the first's (which LeRobot
 * refuses), those files are encoded with the first dataset's settings.
 */
export async function mergeDatasets(datasets: LeRobotDataset[], root: string, onProgress?: Progress): Promise<CopyResult> {
  if (datasets.length < 2) throw new EditError("merge: give at least two datasets");
  const [first, ...rest] = datasets as [LeRobotDataset, ...LeRobotDataset[]];
  for (const other of rest) {
    const difference = mergeDifference(first, other);
    if (difference) throw new EditError(`merge: ${other.root} cannot join ${first.root}: ${difference}`);
  }
  const info = baseInfo(first);
  const videos: NonNullable<CopyEpisodesOptions["videos"]> = {};
  const keys = videoKeys(info.features);
  const ffmpeg = keys.length > 0 ? await findFfmpeg() : undefined;
  for (const key of keys) {
    info.features[key] = { ...info.features[key]!, info: mergedEncoderInfo(datasets.map((d) => d.features[key]!)) };
    const target = targetOf(first.features[key]!, ffmpeg!);
    const differs = new Set(rest.filter((d) => streamFormat(d.features[key]!) !== streamFormat(first.features[key]!)));
    if (differs.size > 0 && !target) {
      throw new EditError(`merge: '${key}' is ${streamFormat([...differs][0]!.features[key]!)} in ${[...differs][0]!.root} but ${streamFormat(first.features[key]!)} in ${first.root}, whose encoder settings are not known to re-encode it`);
    }
    if (target) videos[key] = { fallback: target, mustEncode: (d) => differs.has(d) };
  }
  return copyEpisodes({
    root, info, videos,
    episodes: datasets.flatMap((dataset) => dataset.episodes.map((e) => ({ dataset, episodeIndex: e.episodeIndex }))),
    ...(onProgress ? { onProgress } : {}),
  });
}

/** The first way two datasets disagree for a merge, or undefined when they agree. */
function mergeDifference(a: LeRobotDataset, b: LeRobotDataset): string | undefined {
  if (a.fps !== b.fps) return `fps ${b.fps} vs ${a.fps}`;
  if (a.robotType !== b.robotType) return `robot_type ${b.robotType} vs ${a.robotType}`;
  const keysA = Object.keys(a.features);
  const keysB = Object.keys(b.features);
  const missing = keysA.filter((k) => !keysB.includes(k));
  const extra = keysB.filter((k) => !keysA.includes(k));
  if (missing.length || extra.length) return `features differ (${[...missing.map((k) => `lacks '${k}'`), ...extra.map((k) => `has '${k}'`)].join(", ")})`;
  for (const key of keysA) {
    const fa = comparable(a.features[key]!);
    const fb = comparable(b.features[key]!);
    if (JSON.stringify(fa) !== JSON.stringify(fb)) return `feature '${key}' differs: ${JSON.stringify(fb)} vs ${JSON.stringify(fa)}`;
  }
  return undefined;
}

/** What a merge re-encodes rather than refuses: the encoder's settings, codec and pixel format. */
const REENCODABLE_INFO_KEYS = new Set<string>([...ENCODER_INFO_KEYS, "video.codec", "video.pix_fmt"]);

/** A feature as merge compares it: what re-encoding can make agree left out. */
function comparable(feature: Feature): Feature {
  if (feature.dtype !== "video" || !feature.info) return feature;
  return { ...feature, info: Object.fromEntries(Object.entries(feature.info).filter(([k]) => !REENCODABLE_INFO_KEYS.has(k))) };
}

function streamFormat(feature: Feature): string {
  const video = videoInfoOf(feature);
  return `${video.codec ?? "unknown codec"}/${video.pixFmt ?? "unknown pixel format"}`;
}

/**
 * The first feature's info block with each encoder key kept where every dataset agrees, else
 * null ({} for extra_options), and the backend pyav (aggregate.py merge_video_feature_info_for_aggregate).
 */
function mergedEncoderInfo(features: Feature[]): Record<string, unknown> {
  const infos = features.map((f) => f.info ?? {});
  const merged: Record<string, unknown> = { ...infos[0] };
  for (const key of ENCODER_INFO_KEYS) {
    const first = JSON.stringify(infos[0]![key] ?? null);
    merged[key] = infos.every((i) => JSON.stringify(i[key] ?? null) === first) ? (infos[0]![key] ?? null) : key === "video.extra_options" ? {} : null;
  }
  merged["video.video_backend"] = "pyav";
  return merged;
}

/**
 * A new dataset without the given features (dataset_tools.py remove_feature): their columns,
 * videos and stats go; the frames' own columns (timestamp, indices) cannot be removed.
 */
export async function removeFeatures(dataset: LeRobotDataset, names: string[], root: string, onProgress?: Progress): Promise<CopyResult> {
  if (names.length === 0) throw new EditError("remove_feature: give the features to remove");
  const unknown = names.filter((n) => !(n in dataset.features));
  if (unknown.length > 0) throw new EditError(`remove_feature: ${unknown.map((n) => `'${n}'`).join(", ")} is not a feature of ${dataset.root} (features: ${Object.keys(dataset.features).join(", ")})`);
  const required = names.filter((n) => n in DEFAULT_FEATURES);
  if (required.length > 0) throw new EditError(`remove_feature: ${required.join(", ")} belong(s) to every LeRobot frame and cannot be removed`);
  const info = baseInfo(dataset);
  for (const name of names) delete info.features[name];
  return copyEpisodes({ root, info, episodes: dataset.episodes.map((e) => ({ dataset, episodeIndex: e.episodeIndex })), ...(onProgress ? { onProgress } : {}) });
}

/** modifyTasks' changes, LeRobot's modify_tasks arguments (new_task, episode_tasks) plus replacements by text. */
export interface TaskChanges {
  /** Every episode's task. */
  newTask?: string;
  /** Per episode index, its task (wins over newTask). */
  episodeTasks?: Record<number, string>;
  /** Old task text to new, everywhere it occurs. */
  taskReplacements?: Record<string, string>;
}

/** A new dataset with its tasks changed as LeRobot's modify_tasks changes them (dataset_tools.py modify_tasks). */
export async function modifyTasks(dataset: LeRobotDataset, changes: TaskChanges, root: string, onProgress?: Progress): Promise<CopyResult> {
  const episodeTasks = changes.episodeTasks ?? {};
  if (changes.newTask === undefined && Object.keys(episodeTasks).length === 0 && Object.keys(changes.taskReplacements ?? {}).length === 0) {
    throw new EditError("modify_tasks: give new_task, episode_tasks or task_replacements");
  }
  checkEpisodes(dataset, Object.keys(episodeTasks).map(Number), "modify_tasks");
  for (const [what, text] of [["new_task", changes.newTask], ...Object.entries(episodeTasks).map(([e, t]) => [`episode ${e}'s task`, t])] as [string, string | undefined][]) {
    if (text !== undefined && text.trim() === "") throw new EditError(`modify_tasks: ${what} is empty`);
  }
  const replacements = changes.taskReplacements ?? {};
  return copyEpisodes({
    root, info: baseInfo(dataset),
    episodes: dataset.episodes.map((e) => {
      const fixed = episodeTasks[e.episodeIndex] ?? changes.newTask;
      return { dataset, episodeIndex: e.episodeIndex, retask: (text: string) => fixed ?? replacements[text] ?? text };
    }),
    ...(onProgress ? { onProgress } : {}),
  });
}

/**
 * A new dataset with every episode's numeric stats and stats.json computed again from the data
 * rows (dataset_tools.py recompute_stats). LeRobot rewrites only stats.json; here the per-episode
 * stats in the episodes metadata are recomputed too, so the two agree. Camera stats carry over:
 * LeRobot does not recompute them either (its skip_image_video=False is a TODO).
 */
export async function recomputeStats(dataset: LeRobotDataset, root: string, onProgress?: Progress): Promise<CopyResult> {
  return copyEpisodes({ root, info: baseInfo(dataset), episodes: dataset.episodes.map((e) => ({ dataset, episodeIndex: e.episodeIndex })), ...(onProgress ? { onProgress } : {}) });
}
