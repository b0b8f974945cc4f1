/**
 * Convert a LeRobot v2.1 (or v2.0) dataset into a new v3.0 one, laid out as LeRobot v0.6.1's
 * scripts/convert_dataset_v21_to_v30.py lays it out: the per-episode parquet files concatenated
 * into data files up to data_files_size_in_mb, the per-episode mp4s of each camera joined into
 * files up to video_files_size_in_mb without re-encoding, episodes metadata with data and video
 * chunk/file indices, dataset_from/to_index and from/to_timestamp, tasks.parquet, stats.json and
 * a v3.0 info.json. copyEpisodes does the writing; this module decides what goes in.
 *
 * Where lerobot-ts differs, on purpose: numeric stats are recomputed from the rows, so they gain
 * the quantiles v2.1 never had (camera stats are carried as v2.1 has them, without quantiles, as
 * LeRobot does); rows are renumbered from the episodes' order, so episode_index, index and
 * dataset_from/to_index always agree; and the source folder is never moved or changed.
 */
import path from "node:path";
import type { DatasetInfo, Feature, FfmpegInfo } from "../dataset/index.js";
import { isOccupied, CODEBASE_VERSION, DEFAULT_DATA_FILES_SIZE_IN_MB, DEFAULT_DATA_PATH, DEFAULT_VIDEO_FILES_SIZE_IN_MB, DEFAULT_VIDEO_PATH, isVideoFeature, findFfmpeg } from "../dataset/index.js";
import { imageEpisodeStats, videoEpisodeStats } from "./camera-stats.js";
import type { CopyEpisodesOptions, CopyProgress } from "./copy-episodes.js";
import { copyEpisodes } from "./copy-episodes.js";
import type { V2Dataset, V2Info } from "./v21-dataset.js";
import { ConvertError, openV2Dataset } from "./v21-dataset.js";
import { targetOf } from "./video-operations.js";

export { ConvertError } from "./v21-dataset.js";

/** convertToV30's progress: `done` of `total` through each phase. */
export interface ConvertProgress {
  /** "stats": camera stats computed from the frames (v2.0); then the copy's phases. */
  phase: "stats" | CopyProgress["phase"];
  done: number;
  total: number;
}

/** Options of convertToV30: LeRobot's convert_dataset_v21_to_v30 flags. */
export interface ConvertOptions {
  /** Data files grow to this size before the next starts (LeRobot's --data-file-size-in-mb, default 100). */
  dataFilesSizeInMb?: number;
  /** Video files grow to this size before the next starts (LeRobot's --video-file-size-in-mb, default 200). */
  videoFilesSizeInMb?: number;
  /** Called as each phase advances. */
  onProgress?: (progress: ConvertProgress) => void;
}

/** The v3.0 dataset convertToV30 wrote. */
export interface ConvertResult {
  /** The new dataset's folder. */
  root: string;
  /** The v2.x dataset's folder (untouched). */
  source: string;
  /** The source's codebase_version. */
  sourceVersion: "v2.0" | "v2.1";
  episodes: number;
  frames: number;
  /** Tasks by task_index. */
  tasks: string[];
  /** Camera features whose per-episode stats were computed from the frames (none carried). */
  computedStats: string[];
}

/**
 * Convert the v2.0/v2.1 dataset at `sourceRoot` into a new v3.0 dataset at `outRoot`, as LeRobot's
 * convert_dataset_v21_to_v30.py (files concatenated up to the size limits; v2.0's missing camera
 * stats computed from the frames). The source is only read.
 * @throws ConvertError when the source is not a v2.x dataset or is malformed, `outRoot` exists or
 *   lies inside the source, or a size limit is not a positive number.
 * @throws VideoError when a video cannot be read or copied.
 */
export async function convertToV30(sourceRoot: string, outRoot: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const source = path.resolve(sourceRoot);
  const root = path.resolve(outRoot);
  const inside = path.relative(source, root);
  if (inside === "" || (!inside.startsWith("..") && !path.isAbsolute(inside))) {
    throw new ConvertError(`the output ${root} is inside the dataset being converted: choose a folder outside ${source}`);
  }
  const dataFilesSizeInMb = options.dataFilesSizeInMb ?? DEFAULT_DATA_FILES_SIZE_IN_MB;
  const videoFilesSizeInMb = options.videoFilesSizeInMb ?? DEFAULT_VIDEO_FILES_SIZE_IN_MB;
  for (const [name, value] of [["data file size", dataFilesSizeInMb], ["video file size", videoFilesSizeInMb]] as const) {
    if (!(Number.isFinite(value) && value > 0)) throw new ConvertError(`the ${name} must be a positive number of MB, got ${value}`);
  }

  const v2 = await openV2Dataset(source);
  // Before any frame is decoded: computing a v2.0 dataset's camera stats takes a while.
  if (isOccupied(root)) {
    throw new ConvertError(`${root} already exists: choose a new output folder`, { file: root });
  }
  const computedStats = await computeMissingCameraStats(v2, options.onProgress);
  const { dataset } = v2;
  const info = v30Info(v2.info, dataFilesSizeInMb, videoFilesSizeInMb);
  // Per-episode mp4s that cannot be joined as they are (encoded with other settings) are encoded
  // again with the settings info.json records for the camera.
  const videos: NonNullable<CopyEpisodesOptions["videos"]> = {};
  const videoFeatures = Object.keys(info.features).filter((key) => isVideoFeature(info.features[key]!));
  const ffmpeg = videoFeatures.length > 0 ? await findFfmpeg() : undefined;
  for (const key of videoFeatures) {
    const target = targetOf(info.features[key]!, ffmpeg!);
    if (target) videos[key] = { fallback: target };
  }
  const result = await copyEpisodes({
    root, info, videos,
    episodes: dataset.episodes.map((e) => ({ dataset, episodeIndex: e.episodeIndex })),
    // Each task keeps its index (convert_tasks writes tasks.jsonl's task_index as it is).
    tasks: v2.tasks,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { root: result.root, source, sourceVersion: v2.version, episodes: result.episodes, frames: result.frames, tasks: result.tasks, computedStats };
}

/**
 * info.json v3.0 from v2.x's, as convert_dataset_v21_to_v30.py convert_info makes it: the new
 * version, file size limits and path templates, an integer fps, every non-video feature given
 * the dataset's fps; total_chunks and total_videos dropped, and any other key DatasetInfo does
 * not know (from_dict ignores them). chunks_size is kept, now counting files per chunk folder.
 * The totals are set by the copy.
 */
export function v30Info(info: V2Info, dataFilesSizeInMb: number, videoFilesSizeInMb: number): DatasetInfo {
  const fps = Math.trunc(info.fps);
  const features: Record<string, Feature> = {};
  for (const [key, feature] of Object.entries(info.features)) {
    // Video features already have their fps in video.fps.
    features[key] = isVideoFeature(feature) ? structuredClone(feature) : { ...structuredClone(feature), fps };
  }
  // Keys in the order of LeRobot v0.6.1's DatasetInfo dataclass (datasets/utils.py), which writes them.
  const out: DatasetInfo = {
    codebase_version: CODEBASE_VERSION,
    fps,
    features,
    total_episodes: 0,
    total_frames: 0,
    total_tasks: 0,
    chunks_size: info.chunks_size,
    data_files_size_in_mb: dataFilesSizeInMb,
    video_files_size_in_mb: videoFilesSizeInMb,
    data_path: DEFAULT_DATA_PATH,
    video_path: info.video_path ? DEFAULT_VIDEO_PATH : null,
    robot_type: info.robot_type ?? null,
    splits: info.splits ?? {},
  };
  if (info.tools !== undefined && info.tools !== null) out.tools = info.tools;
  return out;
}

/**
 * Camera stats for episodes that carry none: every episode of a v2.0 dataset (v2.0 has only
 * stats.json, which LeRobot's v2.0 -> v2.1 converter replaces with per-episode stats computed
 * from sampled frames), or a v2.1 episode missing from episodes_stats.jsonl.
 */
async function computeMissingCameraStats(v2: V2Dataset, onProgress: ConvertOptions["onProgress"]): Promise<string[]> {
  const { dataset } = v2;
  const features = dataset.features;
  const cameras = Object.keys(features).filter((k) => isVideoFeature(features[k]!) || features[k]!.dtype === "image");
  const todo = dataset.episodes.flatMap((e) => cameras.filter((key) => !e.stats[key]).map((key) => ({ episode: e.episodeIndex, key })));
  let ffmpeg: FfmpegInfo | undefined;
  for (const [i, { episode, key }] of todo.entries()) {
    onProgress?.({ phase: "stats", done: i, total: todo.length });
    if (isVideoFeature(features[key]!)) {
      ffmpeg ??= await findFfmpeg();
      dataset.setStats(episode, key, await videoEpisodeStats(dataset, episode, key, ffmpeg));
    } else {
      dataset.setStats(episode, key, await imageEpisodeStats(dataset, episode, key));
    }
  }
  if (todo.length > 0) onProgress?.({ phase: "stats", done: todo.length, total: todo.length });
  return cameras.filter((key) => todo.some((t) => t.key === key));
}

