/**
 * meta/info.json: its zod schema, the features it declares, and the defaults LeRobot writes.
 * As LeRobot v0.6.1 writes it (datasets/utils.py DatasetInfo). Unknown keys are kept (passthrough) so a newer LeRobot's
 * info.json survives a read-modify-write, but we never add keys of our own.
 */
import { z } from "zod";

/** The LeRobot dataset format version this library reads and writes (info.json codebase_version). */
export const CODEBASE_VERSION = "v3.0";
export const DEFAULT_CHUNKS_SIZE = 1000;
export const DEFAULT_DATA_FILES_SIZE_IN_MB = 100;
export const DEFAULT_VIDEO_FILES_SIZE_IN_MB = 200;
export const DEFAULT_DATA_PATH = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
export const DEFAULT_VIDEO_PATH = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
export const EPISODES_PATH = "meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
export const INFO_PATH = "meta/info.json";
export const STATS_PATH = "meta/stats.json";
export const TASKS_PATH = "meta/tasks.parquet";

/** numpy dtype names LeRobot uses for numeric features, plus the special kinds. */
export const NUMERIC_DTYPES = [
  "float32", "float64", "float16", "int64", "int32", "int16", "int8",
  "uint8", "uint16", "uint32", "uint64", "bool",
] as const;
export type NumericDtype = (typeof NUMERIC_DTYPES)[number];
/**
 * `language` is LeRobot v0.6's annotation columns (`language_persistent`, `language_events`:
 * lists of structs, datasets/language.py language_feature_info), written after recording.
 */
export type FeatureDtype = NumericDtype | "video" | "image" | "string" | "language";

/**
 * A feature's `info` block, kept as any JSON object. LeRobot v0.6 writes `{"is_depth_map": false}`
 * for cameras at creation (utils/feature_utils.py hw_to_dataset_features) and fills in the
 * `video.*` keys from the first saved episode's files (dataset_metadata.py update_video_info), so
 * a valid dataset may hold either; readers take what they need through `videoInfoOf`.
 */
export const featureInfoSchema = z.record(z.string(), z.unknown());
export type FeatureInfo = z.infer<typeof featureInfoSchema>;

/** The `video.*` facts of a video feature's info block, each only when present and well typed. */
export interface VideoInfo {
  height?: number;
  width?: number;
  codec?: string;
  pixFmt?: string;
  fps?: number;
  channels?: number;
  /** LeRobot v0.6's canonical `is_depth_map`, or the legacy `video.is_depth_map`. */
  isDepthMap: boolean;
}

export const featureSchema = z
  .object({
    dtype: z.string().min(1),
    shape: z.array(z.number().int().nonnegative()),
    names: z.union([z.array(z.string()), z.record(z.string(), z.unknown()), z.null()]).optional(),
    info: z.union([featureInfoSchema, z.null()]).optional(),
  })
  .passthrough();
/** One entry of info.json `features`: dtype, shape, names, and for videos the stream's info block. */
export type Feature = z.infer<typeof featureSchema>;

export function videoInfoOf(feature: Feature | undefined): VideoInfo {
  const info = feature?.info ?? {};
  const num = (key: string) => (typeof info[key] === "number" ? (info[key] as number) : undefined);
  const str = (key: string) => (typeof info[key] === "string" ? (info[key] as string) : undefined);
  const out: VideoInfo = { isDepthMap: isDepthMap(feature) };
  const fields: [keyof VideoInfo, unknown][] = [
    ["height", num("video.height")], ["width", num("video.width")], ["codec", str("video.codec")],
    ["pixFmt", str("video.pix_fmt")], ["fps", num("video.fps")], ["channels", num("video.channels")],
  ];
  for (const [name, value] of fields) if (value !== undefined) (out as unknown as Record<string, unknown>)[name] = value;
  return out;
}

/** Depth maps as LeRobot v0.6 marks them (dataset_metadata.py depth_keys): either spelling counts. */
export function isDepthMap(feature: Feature | undefined): boolean {
  const info = feature?.info ?? {};
  return info["is_depth_map"] === true || info["video.is_depth_map"] === true;
}

export const infoSchema = z
  // Keys in the order LeRobot v0.6 writes them (datasets/utils.py DatasetInfo, a dataclass whose
  // to_dict keeps field order); a parsed info.json is rewritten in this order, unknown keys last.
  .object({
    codebase_version: z.string(),
    fps: z.number().int().positive(),
    features: z.record(z.string(), featureSchema),
    total_episodes: z.number().int().nonnegative(),
    total_frames: z.number().int().nonnegative(),
    total_tasks: z.number().int().nonnegative(),
    chunks_size: z.number().int().positive(),
    data_files_size_in_mb: z.number().positive(),
    video_files_size_in_mb: z.number().positive(),
    data_path: z.string(),
    video_path: z.string().nullable(),
    robot_type: z.string().nullable(),
    splits: z.record(z.string(), z.string()),
  })
  .passthrough();
/** `meta/info.json` of a LeRobot v3.0 dataset, LeRobot's field names (unknown fields kept). */
export type DatasetInfo = z.infer<typeof infoSchema>;

/** The columns every frame has, added by the writer after the user's features (LeRobot's DEFAULT_FEATURES, utils/constants.py). */
export const DEFAULT_FEATURES: Record<string, Feature> = {
  timestamp: { dtype: "float32", shape: [1], names: null },
  frame_index: { dtype: "int64", shape: [1], names: null },
  episode_index: { dtype: "int64", shape: [1], names: null },
  index: { dtype: "int64", shape: [1], names: null },
  task_index: { dtype: "int64", shape: [1], names: null },
};

export function isVideoFeature(feature: Feature): boolean {
  return feature.dtype === "video";
}

/** Keys of features stored as mp4 files, in declaration order. */
export function videoKeys(features: Record<string, Feature>): string[] {
  return Object.entries(features)
    .filter(([, f]) => isVideoFeature(f))
    .map(([k]) => k);
}

/** Keys of features stored as data parquet columns (everything but videos), in declaration order. */
export function dataColumnKeys(features: Record<string, Feature>): string[] {
  return Object.entries(features)
    .filter(([, f]) => !isVideoFeature(f))
    .map(([k]) => k);
}

/** Number of values one frame holds for a feature (product of its shape). */
export function featureSize(feature: Feature): number {
  return feature.shape.reduce((a, b) => a * b, 1);
}

/**
 * Parse info.json text. Returns a typed object or throws a message that names what is wrong;
 * a v2.x dataset gets its own message because it needs converting, not fixing.
 */
export function parseInfo(json: unknown): DatasetInfo {
  if (json && typeof json === "object" && "codebase_version" in json) {
    const version = String((json as { codebase_version: unknown }).codebase_version);
    if (version !== CODEBASE_VERSION) {
      throw new InfoVersionError(version);
    }
  }
  const result = infoSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(root)";
    throw new Error(`${where}: ${issue?.message ?? "invalid"}`);
  }
  return result.data;
}

/** The dataset is of another codebase version than v3.0. */
export class InfoVersionError extends Error {
  override name = "InfoVersionError";
  constructor(readonly version: string) {
    super(
      version.startsWith("v2")
        ? `codebase_version is ${version}; lerobot-ts reads v3.0 only. Convert it with LeRobot's ` +
            "`python -m lerobot.scripts.convert_dataset_v21_to_v30 --repo-id=<repo_id>`"
        : `codebase_version is ${version}; lerobot-ts reads v3.0 only`,
    );
  }
}

export { toPythonJson } from "./python-json.js";
