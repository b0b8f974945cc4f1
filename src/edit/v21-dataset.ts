/**
 * A LeRobot v2.1 (or v2.0) dataset folder, read as the v3.0 reader's LeRobotDataset so that
 * copyEpisodes can copy it: one parquet and one mp4 per camera per episode
 * (`data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet`), meta/info.json,
 * meta/episodes.jsonl, meta/tasks.jsonl and, in v2.1, meta/episodes_stats.jsonl.
 *
 * In this view a file is an episode: an episode's data "chunk" is its episode_chunk and its
 * "file" is its episode_index, and the path templates are formatted with v2's names. Nothing in
 * the folder is ever written.
 */
import fs from "node:fs";
import path from "node:path";
import type * as arrow from "apache-arrow";
import { z } from "zod";
import { DatasetError } from "../errors.js";
import type { EpisodeRecord, EpisodeVideoLocation, DatasetInfo, DatasetStats, FeatureStats } from "../dataset/index.js";
import { INFO_PATH, featureSchema, videoKeys, readParquet, readParquetMetadata, formatTemplate, resolveInside, parsePythonJson, LeRobotDataset, parseStats } from "../dataset/index.js";

/** The input cannot be converted as it is (its version, a missing or malformed file): a usage error. */
export class ConvertError extends DatasetError {
  override name = "ConvertError";
}

export const LEGACY_EPISODES_PATH = "meta/episodes.jsonl";
export const LEGACY_TASKS_PATH = "meta/tasks.jsonl";
export const LEGACY_EPISODES_STATS_PATH = "meta/episodes_stats.jsonl";

/** info.json as LeRobot v2.0 / v2.1 wrote it (datasets/utils.py create_empty_dataset_info in v0.3.x). */
const v2InfoSchema = z
  .object({
    codebase_version: z.enum(["v2.0", "v2.1"]),
    robot_type: z.string().nullable().optional(),
    fps: z.number().positive(),
    chunks_size: z.number().int().positive(),
    splits: z.record(z.string(), z.string()).optional(),
    data_path: z.string(),
    video_path: z.string().nullable().optional(),
    features: z.record(z.string(), featureSchema),
  })
  .passthrough();
export type V2Info = z.infer<typeof v2InfoSchema>;

const episodeLine = z.object({ episode_index: z.number().int().nonnegative(), tasks: z.array(z.string()), length: z.number().int().positive() }).passthrough();
const taskLine = z.object({ task_index: z.number().int().nonnegative(), task: z.string() }).passthrough();
const statsLine = z.object({ episode_index: z.number().int().nonnegative(), stats: z.record(z.string(), z.unknown()) });

export interface V2Dataset {
  version: "v2.0" | "v2.1";
  /** info.json as read. */
  info: V2Info;
  /** Task texts in task_index order (LeRobot's converter keeps each task's index). */
  tasks: string[];
  /** The folder as a v3.0 reader sees it; its episodes carry the camera stats episodes_stats.jsonl has. */
  dataset: V2DatasetView;
}

/** Read a v2.0 / v2.1 folder's metadata and check that every file it names is there. */
export async function openV2Dataset(root: string): Promise<V2Dataset> {
  const info = await readInfo(root);
  const episodes = sortedBy(await readJsonLines(root, LEGACY_EPISODES_PATH, episodeLine), "episode_index", LEGACY_EPISODES_PATH, root);
  if (episodes.length === 0) throw new ConvertError(`${path.join(root, LEGACY_EPISODES_PATH)} lists no episodes: nothing to convert`);
  const taskLines = sortedBy(await readJsonLines(root, LEGACY_TASKS_PATH, taskLine), "task_index", LEGACY_TASKS_PATH, root);
  // v2.0 has no per-episode stats (convert_dataset_v20_to_v21.py computes them); a v2.1 without the file is treated alike.
  const statsFile = path.join(root, LEGACY_EPISODES_STATS_PATH);
  const episodeStats = info.codebase_version === "v2.1" && fs.existsSync(statsFile)
    ? new Map(sortedBy(await readJsonLines(root, LEGACY_EPISODES_STATS_PATH, statsLine), "episode_index", LEGACY_EPISODES_STATS_PATH, root)
      .map((line) => [line.episode_index, parseEpisodeStats(line.stats, line.episode_index, statsFile)]))
    : new Map<number, DatasetStats>();

  const byTaskIndex: string[] = [];
  for (const line of taskLines) byTaskIndex[line.task_index] = line.task;
  const cameras = videoKeys(info.features);
  if (cameras.length > 0 && !info.video_path) throw new ConvertError(`${path.join(root, INFO_PATH)} has video features but no video_path`);
  let from = 0;
  const records: EpisodeRecord[] = episodes.map((e) => {
    const chunk = Math.floor(e.episode_index / info.chunks_size);
    const videos: Record<string, EpisodeVideoLocation> = {};
    // Each episode's mp4 holds it alone, from its first frame (LeRobot v2.x encode_episode_videos).
    for (const key of cameras) videos[key] = { chunkIndex: chunk, fileIndex: e.episode_index, fromTimestampS: 0, toTimestampS: e.length / info.fps };
    const record: EpisodeRecord = {
      episodeIndex: e.episode_index, tasks: e.tasks, length: e.length, dataChunkIndex: chunk, dataFileIndex: e.episode_index,
      datasetFromIndex: from, datasetToIndex: from + e.length, videos, stats: episodeStats.get(e.episode_index) ?? {},
      metaChunkIndex: 0, metaFileIndex: 0,
    };
    from += e.length;
    return record;
  });
  let dataset: V2DatasetView;
  try {
    dataset = new V2DatasetView(root, viewInfo(info, records.length, from, taskLines.length), byTaskIndex, records, undefined);
  } catch (error) {
    throw new ConvertError(`${path.join(root, INFO_PATH)}: ${(error as Error).message}`, { file: path.join(root, INFO_PATH), cause: error });
  }
  await checkFiles(dataset);
  return { version: info.codebase_version, info, tasks: taskLines.map((t) => t.task), dataset };
}

/**
 * The v3.0 reader over v2.x files: paths come from v2's templates ({episode_chunk},
 * {episode_index}) and an episode's rows are its own parquet file, whatever `index` they hold.
 */
export class V2DatasetView extends LeRobotDataset {
  override dataFilePath(episodeChunk: number, episodeIndex: number): string {
    return resolveInside(this.root, formatTemplate(this.info.data_path, { episode_chunk: episodeChunk, episode_index: episodeIndex }));
  }

  override videoFilePath(videoKey: string, episodeChunk: number, episodeIndex: number): string {
    if (!this.info.video_path) throw new ConvertError("info.json has no video_path", { file: path.join(this.root, INFO_PATH) });
    return resolveInside(this.root, formatTemplate(this.info.video_path, { video_key: videoKey, episode_chunk: episodeChunk, episode_index: episodeIndex }));
  }

  override async readFrames(options: { episodes?: number[]; columns?: string[] } = {}): Promise<arrow.Table> {
    const chosen = (options.episodes ?? this.episodes.map((e) => e.episodeIndex)).map((i) => this.episode(i));
    const tables: arrow.Table[] = [];
    for (const episode of chosen) {
      const table = await readParquet(episode.dataFile, options.columns ? { columns: options.columns } : {});
      if (table.numRows !== episode.length) {
        throw new ConvertError(`${episode.dataFile} has ${table.numRows} rows; ${LEGACY_EPISODES_PATH} says episode ${episode.episodeIndex} has ${episode.length}`, { file: episode.dataFile });
      }
      tables.push(table);
    }
    const [first, ...rest] = tables;
    if (!first) throw new ConvertError("no episodes chosen", { file: this.root });
    return first.concat(...rest);
  }

  /** Give an episode camera stats computed from its frames (v2.0 has none to carry). */
  setStats(episodeIndex: number, key: string, stats: FeatureStats): void {
    this.episode(episodeIndex).stats[key] = stats;
  }
}

/** The view's info: v2's fields and path templates, with the counts of what episodes.jsonl lists. */
function viewInfo(info: V2Info, episodes: number, frames: number, tasks: number): DatasetInfo {
  return {
    ...info, fps: info.fps, total_episodes: episodes, total_frames: frames, total_tasks: tasks,
    data_files_size_in_mb: 1, video_files_size_in_mb: 1, video_path: info.video_path ?? null,
    robot_type: info.robot_type ?? null, splits: info.splits ?? {},
  };
}

async function readInfo(root: string): Promise<V2Info> {
  const file = path.join(root, INFO_PATH);
  if (!fs.existsSync(file)) throw new ConvertError(`there is no LeRobot dataset at ${root} (no ${INFO_PATH})`, { file });
  let json: unknown;
  try {
    json = parsePythonJson(await fs.promises.readFile(file, "utf8"));
  } catch (error) {
    throw new ConvertError(`${file} is not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  const version = json && typeof json === "object" ? (json as Record<string, unknown>).codebase_version : undefined;
  if (version === "v3.0") throw new ConvertError(`${root} is already a v3.0 dataset: there is nothing to convert`, { file });
  if (typeof version === "string" && /^v1\./.test(version)) {
    throw new ConvertError(`${root} is a ${version} dataset, older than v2.0: convert it to v2.0 first with LeRobot v0.3's convert_dataset_v1_to_v2`, { file });
  }
  if (version !== "v2.0" && version !== "v2.1") {
    throw new ConvertError(`${file}: codebase_version is ${JSON.stringify(version ?? null)}; this converts v2.0 and v2.1 datasets`, { file });
  }
  const parsed = v2InfoSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConvertError(`${file} is not a valid ${version} info.json: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`, { file });
  }
  return parsed.data;
}

async function readJsonLines<T>(root: string, relative: string, schema: z.ZodType<T>): Promise<T[]> {
  const file = path.join(root, relative);
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (error) {
    throw new ConvertError(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file, cause: error });
  }
  const out: T[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = parsePythonJson(line);
    } catch (error) {
      throw new ConvertError(`${file} line ${i + 1} is not valid JSON: ${(error as Error).message}`, { file, cause: error });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConvertError(`${file} line ${i + 1}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`, { file });
    }
    out.push(parsed.data);
  }
  return out;
}

/** Lines sorted by an index field, as LeRobot's legacy loaders sort them; an index twice is refused. */
function sortedBy<K extends string, T extends Record<K, number>>(lines: T[], key: K, relative: string, root: string): T[] {
  const sorted = [...lines].sort((a, b) => a[key] - b[key]);
  const twice = sorted.find((line, i) => i > 0 && sorted[i - 1]![key] === line[key]);
  if (twice) throw new ConvertError(`${path.join(root, relative)} lists ${key} ${twice[key]} twice`, { file: path.join(root, relative) });
  return sorted;
}

function parseEpisodeStats(stats: Record<string, unknown>, episodeIndex: number, file: string): DatasetStats {
  try {
    return parseStats(stats);
  } catch (error) {
    throw new ConvertError(`${file}: episode ${episodeIndex}: ${(error as Error).message}`, { file, cause: error });
  }
}

/**
 * Every data file and mp4 the episodes need, before anything is written: present, and each data
 * file with the rows episodes.jsonl promises (its footer alone is read).
 */
async function checkFiles(dataset: V2DatasetView): Promise<void> {
  for (const episode of dataset.episodes) {
    const files = [episode.dataFile, ...Object.values(episode.cameras).map((c) => c.path)];
    const missing = files.find((f) => !fs.existsSync(f));
    if (missing) throw new ConvertError(`episode ${episode.episodeIndex}: ${missing} is missing`, { file: missing });
    const rows = (await readParquetMetadata(episode.dataFile)).numRows;
    if (rows !== episode.length) {
      throw new ConvertError(`${episode.dataFile} has ${rows} rows; ${LEGACY_EPISODES_PATH} says episode ${episode.episodeIndex} has ${episode.length}`, { file: episode.dataFile });
    }
  }
}
