/**
 * openDataset: read a LeRobot v3.0 dataset folder (info, tasks, episodes, stats), its frames and
 * its video frames. Never loads a file it does not need; never guesses an index.
 */
import fs from "node:fs";
import path from "node:path";
import type * as arrow from "apache-arrow";
import { DatasetError } from "../errors.js";
import type { ColumnValues } from "./columns.js";
import { columnValues } from "./columns.js";
import type { EpisodeRecord } from "./episodes.js";
import { parseEpisodesTable } from "./episodes.js";
import type { DatasetInfo, Feature } from "./info.js";
import { INFO_PATH, InfoVersionError, STATS_PATH, TASKS_PATH, parseInfo, videoInfoOf, videoKeys } from "./info.js";
import { readParquet, readParquetMetadata } from "./parquet.js";
import { formatTemplate, resolveDatasetRoot, resolveInside } from "./paths.js";
import type { DatasetStats } from "./stats.js";
import { parseStats } from "./stats.js";
import { parseTasksTable } from "./tasks.js";
import { decodeFrame, findFfmpeg } from "./video/index.js";
import { decodePng } from "./png.js";
import { parsePythonJson } from "./python-json.js";
import { committedEpisodes, committedStatsText, committedTasks, pendingSave } from "./committed-view.js";
import type { SaveJournal } from "./save-journal.js";
import { readSaveJournal } from "./save-journal.js";

/** Where openDataset looks for a dataset given by repo id. */
export interface OpenDatasetOptions {
  /** Parent folder of `repo_id` (LeRobot's `--root`); without it a repo id resolves under HF_LEROBOT_HOME. */
  root?: string;
}

/** Where one camera's frames of an episode are: its mp4 (absolute path) and the time range inside it. */
export interface EpisodeCameraFile {
  path: string;
  chunkIndex: number;
  fileIndex: number;
  fromTimestampS: number;
  toTimestampS: number;
}

/** One episode as the reader presents it: its meta/episodes row plus the files that hold it. */
export interface EpisodeInfo extends EpisodeRecord {
  /** Absolute path of the data parquet holding this episode's rows. */
  dataFile: string;
  /** Per camera (video feature key): the mp4 holding the episode and where in it. */
  cameras: Record<string, EpisodeCameraFile>;
}

/** One camera frame, decoded to RGB (from the episode's mp4, or the PNG of an image feature). */
export interface DecodedFrame {
  /** height x width x 3 RGB bytes, row-major. */
  data: Uint8Array;
  width: number;
  height: number;
  /** Timestamp inside the mp4 that was decoded (absent for image features stored in the parquet). */
  videoTimestampS?: number;
}

/**
 * Open a local dataset: a folder, or a repo id resolved as LeRobot does ($HF_LEROBOT_HOME/<repo_id>,
 * or `options.root`). Reads info.json, tasks, episodes metadata and stats.json; throws DatasetError
 * naming the file when one is missing or invalid. (The public openDataset, from the hub layer, also
 * fetches a repo id the cache lacks.)
 */
export async function openDataset(rootOrRepoId: string, options: OpenDatasetOptions = {}): Promise<LeRobotDataset> {
  const root = resolveDatasetRoot(rootOrRepoId, { root: options.root, exists: (p) => fs.existsSync(p) });
  const info = await loadInfo(root);
  // The dataset info.json commits: what an unfinished save left past it is left out.
  const save = pendingSave(await readSaveJournal(root), info);
  const tasks = committedTasks(await loadTasks(root), save).tasks;
  const records = committedEpisodes(await loadEpisodes(root), save, info.data_path).episodes;
  const stats = await loadStats(root, save);
  return new LeRobotDataset(root, info, tasks, records, stats);
}

/**
 * A LeRobot v3.0 dataset opened for reading (what openDataset resolves with). Holds info.json,
 * the tasks, the episodes metadata and stats.json in memory; rows and frames are read on demand
 * from the parquet and mp4 files. What a save killed before its commit left past info.json is
 * left out (the committed view, see docs/ARCHITECTURE.md "Crash safety"), so `episodes`,
 * `tasks` and `stats` are exactly what info.json counts. Reads throw DatasetError naming the
 * file when one is missing or unreadable; nothing is ever written.
 */
export class LeRobotDataset {
  readonly episodes: EpisodeInfo[];
  private readonly byIndex = new Map<number, EpisodeInfo>();
  private readonly rowGroupCache = new Map<string, number[]>();
  private byFile: Map<string, EpisodeInfo[]> | undefined;

  constructor(
    readonly root: string,
    readonly info: DatasetInfo,
    /** Task texts; tasks[task_index]. */
    readonly tasks: string[],
    records: EpisodeRecord[],
    /** meta/stats.json, or undefined when the file is absent. */
    readonly stats: DatasetStats | undefined,
  ) {
    this.episodes = records.map((r) => this.describeEpisode(r));
    for (const e of this.episodes) this.byIndex.set(e.episodeIndex, e);
  }

  get fps(): number { return this.info.fps; }
  get features(): Record<string, Feature> { return this.info.features; }
  get robotType(): string | null { return this.info.robot_type; }
  /** Keys of the video features (cameras), in info.json order. */
  get cameraKeys(): string[] { return videoKeys(this.info.features); }
  /** Keys of camera features stored as PNG images inside the data parquet (`image` dtype). */
  get imageKeys(): string[] { return Object.keys(this.info.features).filter((k) => this.info.features[k]!.dtype === "image"); }
  get numEpisodes(): number { return this.episodes.length; }
  get numFrames(): number { return this.episodes.reduce((n, e) => n + e.length, 0); }

  /** The episode with this episode_index. */
  episode(episodeIndex: number): EpisodeInfo {
    const episode = this.byIndex.get(episodeIndex);
    if (!episode) {
      throw new DatasetError(`episode ${episodeIndex} does not exist (the dataset has ${this.numEpisodes} episodes)`, {
        file: path.join(this.root, "meta/episodes"),
      });
    }
    return episode;
  }

  /** Text of a task_index. */
  taskText(taskIndex: number): string {
    const text = this.tasks[taskIndex];
    if (text === undefined) throw new DatasetError(`task_index ${taskIndex} is not in meta/tasks.parquet`, { file: path.join(this.root, TASKS_PATH) });
    return text;
  }

  dataFilePath(chunkIndex: number, fileIndex: number): string {
    return resolveInside(this.root, formatTemplate(this.info.data_path, { chunk_index: chunkIndex, file_index: fileIndex }));
  }

  videoFilePath(videoKey: string, chunkIndex: number, fileIndex: number): string {
    if (!this.info.video_path) throw new DatasetError("info.json has no video_path", { file: path.join(this.root, INFO_PATH) });
    return resolveInside(
      this.root,
      formatTemplate(this.info.video_path, { video_key: videoKey, chunk_index: chunkIndex, file_index: fileIndex }),
    );
  }

  /**
   * Frame rows of the chosen episodes (all by default), in the order the episodes are given:
   * row 0 is the first frame of the first listed episode. `columns` limits what is decoded.
   */
  async readFrames(options: { episodes?: number[]; columns?: string[] } = {}): Promise<arrow.Table> {
    const chosen = (options.episodes ?? this.episodes.map((e) => e.episodeIndex)).map((i) => this.episode(i));
    const wanted = options.columns ? [...new Set([...options.columns, "index"])] : undefined;
    // Read each data file once, and of it only the row groups that hold the chosen episodes.
    const files = new Map<string, arrow.Table>();
    for (const [file, episodes] of groupBy(chosen, (e) => e.dataFile)) {
      const rowGroups = await this.rowGroupsFor(file, episodes);
      files.set(file, await readParquet(file, { ...(wanted ? { columns: wanted } : {}), ...(rowGroups ? { rowGroups } : {}) }));
    }
    // Runs of episodes that are a whole file, in file order, are taken as read; others are sliced.
    const slices: arrow.Table[] = [];
    for (let i = 0; i < chosen.length;) {
      const file = chosen[i]!.dataFile;
      const inFile = this.episodesIn(file);
      const run = chosen.slice(i, i + inFile.length);
      const table = files.get(file)!;
      if (run.length === inFile.length && run.every((e, j) => e === inFile[j]) && holdsExactly(table, inFile)) {
        slices.push(table);
        i += run.length;
      } else {
        slices.push(sliceEpisode(table, chosen[i]!));
        i += 1;
      }
    }
    const [first, ...rest] = slices;
    let result = first ? first.concat(...rest) : await this.emptyFrames(wanted);
    if (options.columns && !options.columns.includes("index")) result = result.select(options.columns);
    return result;
  }

  /**
   * The contiguous run of row groups of `file` covering these episodes, or undefined for the
   * whole file. A file's rows start at the first global index of the first episode stored in it.
   */
  private async rowGroupsFor(file: string, episodes: EpisodeInfo[]): Promise<number[] | undefined> {
    const inFile = this.episodesIn(file);
    if (episodes.length === inFile.length) return undefined;
    let rowGroupRows = this.rowGroupCache.get(file);
    if (!rowGroupRows) {
      rowGroupRows = (await readParquetMetadata(file)).rowGroupRows;
      this.rowGroupCache.set(file, rowGroupRows);
    }
    if (rowGroupRows.length <= 1) return undefined;
    const fileStart = Math.min(...inFile.map((e) => e.datasetFromIndex));
    const from = Math.min(...episodes.map((e) => e.datasetFromIndex)) - fileStart;
    const to = Math.max(...episodes.map((e) => e.datasetToIndex)) - fileStart;
    const groups: number[] = [];
    let start = 0;
    for (const [i, rows] of rowGroupRows.entries()) {
      if (start < to && start + rows > from) groups.push(i);
      start += rows;
    }
    return groups;
  }

  /** One numeric column of the chosen episodes as a flat typed array (numRows x dim). */
  async readColumn(name: string, options: { episodes?: number[] } = {}): Promise<ColumnValues> {
    return (await this.readColumns([name], options))[name]!;
  }

  /** Several numeric columns of the chosen episodes, read in one pass over the files. */
  async readColumns(names: string[], options: { episodes?: number[] } = {}): Promise<Record<string, ColumnValues>> {
    const table = await this.readFrames({ ...options, columns: names });
    const out: Record<string, ColumnValues> = {};
    for (const name of names) {
      const vector = table.getChild(name);
      if (!vector) throw new DatasetError(`column '${name}' is not in the data files`, { file: this.episodes[0]?.dataFile });
      out[name] = columnValues(vector, name);
    }
    return out;
  }

  /**
   * Decode frame `frameIndex` of an episode's camera as RGB, seeking where Python LeRobot does:
   * from_timestamp + frame_index / fps inside the episode's mp4.
   */
  async decodeFrame(cameraKey: string, episodeIndex: number, frameIndex: number): Promise<DecodedFrame> {
    const episode = this.episode(episodeIndex);
    const feature = this.features[cameraKey];
    if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= episode.length) {
      throw new DatasetError(`frame ${frameIndex} is outside episode ${episodeIndex} (0..${episode.length - 1})`);
    }
    if (feature?.dtype === "image") return this.decodeImage(cameraKey, episode, frameIndex);
    const camera = episode.cameras[cameraKey];
    if (!camera || !feature) {
      const all = [...this.cameraKeys, ...this.imageKeys];
      throw new DatasetError(`'${cameraKey}' is not a camera of this dataset (cameras: ${all.join(", ") || "none"})`);
    }
    const video = videoInfoOf(feature);
    if (video.isDepthMap) {
      throw new DatasetError(`'${cameraKey}' is a depth map (is_depth_map in info.json); lerobot-ts does not decode depth videos yet`);
    }
    const height = video.height ?? feature.shape[0]!;
    const width = video.width ?? feature.shape[1]!;
    const videoTimestampS = camera.fromTimestampS + frameIndex / this.fps;
    if (!fs.existsSync(camera.path)) throw new DatasetError(`video file ${camera.path} is missing`, { file: camera.path });
    const ffmpeg = await findFfmpeg();
    const data = await decodeFrame({ ffmpeg, path: camera.path, timestampS: videoTimestampS, width, height });
    return { data, width, height, videoTimestampS };
  }

  /** A frame of an `image` feature: the PNG stored in the episode's data rows. */
  private async decodeImage(key: string, episode: EpisodeInfo, frameIndex: number): Promise<DecodedFrame> {
    const table = await this.readFrames({ episodes: [episode.episodeIndex], columns: [key] });
    const cell = table.getChild(key)?.get(frameIndex) as { bytes?: Uint8Array | null } | null | undefined;
    if (!cell?.bytes) throw new DatasetError(`episode ${episode.episodeIndex} frame ${frameIndex} has no image bytes in '${key}'`, { file: episode.dataFile });
    try {
      return decodePng(cell.bytes);
    } catch (error) {
      throw new DatasetError(`${episode.dataFile}: '${key}' of episode ${episode.episodeIndex} frame ${frameIndex}: ${(error as Error).message}`, { file: episode.dataFile, cause: error });
    }
  }

  private describeEpisode(record: EpisodeRecord): EpisodeInfo {
    const cameras: Record<string, EpisodeCameraFile> = {};
    for (const [key, loc] of Object.entries(record.videos)) {
      cameras[key] = { ...loc, path: this.videoFilePath(key, loc.chunkIndex, loc.fileIndex) };
    }
    return { ...record, dataFile: this.dataFilePath(record.dataChunkIndex, record.dataFileIndex), cameras };
  }

  /** The episodes stored in a data file, in dataset order. */
  private episodesIn(file: string): EpisodeInfo[] {
    this.byFile ??= groupBy(this.episodes, (e) => e.dataFile);
    return this.byFile.get(file) ?? [];
  }

  private async emptyFrames(columns: string[] | undefined): Promise<arrow.Table> {
    const first = this.episodes[0];
    if (!first) throw new DatasetError("the dataset has no episodes", { file: path.join(this.root, INFO_PATH) });
    const table = await readParquet(first.dataFile, columns ? { columns, limit: 0 } : { limit: 0 });
    return table.slice(0, 0);
  }
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Whether a table read from a file is exactly these episodes' rows, in order. */
function holdsExactly(table: arrow.Table, episodes: EpisodeInfo[]): boolean {
  const index = table.getChild("index");
  const first = episodes[0]!;
  const last = episodes[episodes.length - 1]!;
  const rows = episodes.reduce((n, e) => n + e.length, 0);
  return !!index && table.numRows === rows && Number(index.get(0)) === first.datasetFromIndex &&
    Number(index.get(rows - 1)) === last.datasetToIndex - 1 &&
    episodes.every((e, j) => j === 0 || e.datasetFromIndex === episodes[j - 1]!.datasetToIndex);
}

/** The rows of one episode in what was read of its data file, located by the global `index` column. */
function sliceEpisode(table: arrow.Table, episode: EpisodeInfo): arrow.Table {
  const index = table.getChild("index");
  if (!index) throw new DatasetError(`${episode.dataFile} has no 'index' column`, { file: episode.dataFile });
  const firstIndex = Number(index.get(0));
  const start = episode.datasetFromIndex - firstIndex;
  const end = start + episode.length;
  if (start < 0 || end > table.numRows || Number(index.get(start)) !== episode.datasetFromIndex ||
      Number(index.get(end - 1)) !== episode.datasetToIndex - 1) {
    throw new DatasetError(
      `${episode.dataFile} does not hold episode ${episode.episodeIndex}'s rows ` +
        `(index ${episode.datasetFromIndex}..${episode.datasetToIndex - 1}) contiguously`,
      { file: episode.dataFile },
    );
  }
  return table.slice(start, end);
}

async function loadInfo(root: string): Promise<DatasetInfo> {
  const file = path.join(root, INFO_PATH);
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "not found" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new DatasetError(`no LeRobot dataset at ${root}: ${INFO_PATH} ${reason}`, { file, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(`${file} is not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  try {
    return parseInfo(json);
  } catch (error) {
    if (error instanceof InfoVersionError) throw new DatasetError(`${file}: ${error.message}`, { file, cause: error });
    throw new DatasetError(`${file} is not a valid v3.0 info.json: ${(error as Error).message}`, { file, cause: error });
  }
}

async function loadTasks(root: string): Promise<string[]> {
  const file = path.join(root, TASKS_PATH);
  const [table, meta] = await Promise.all([readParquet(file), readParquetMetadata(file)]);
  try {
    return parseTasksTable(table, meta.keyValue.get("pandas"));
  } catch (error) {
    throw new DatasetError(`${file}: ${(error as Error).message}`, { file, cause: error });
  }
}

/** Every meta/episodes/chunk-XXX/file-XXX.parquet, in chunk then file order. */
export async function listEpisodesFiles(root: string): Promise<string[]> {
  const dir = path.join(root, "meta", "episodes");
  const files: string[] = [];
  let chunks: string[];
  try {
    chunks = (await fs.promises.readdir(dir)).filter((d) => /^chunk-\d+$/.test(d)).sort();
  } catch (error) {
    throw new DatasetError(`no episodes metadata: ${dir} cannot be read (${(error as Error).message})`, { file: dir, cause: error });
  }
  for (const chunk of chunks) {
    const names = (await fs.promises.readdir(path.join(dir, chunk))).filter((f) => /^file-\d+\.parquet$/.test(f)).sort();
    files.push(...names.map((n) => path.join(dir, chunk, n)));
  }
  return files;
}

async function loadEpisodes(root: string): Promise<EpisodeRecord[]> {
  const records: EpisodeRecord[] = [];
  for (const file of await listEpisodesFiles(root)) {
    const table = await readParquet(file);
    try {
      records.push(...parseEpisodesTable(table));
    } catch (error) {
      throw new DatasetError(`${file}: ${(error as Error).message}`, { file, cause: error });
    }
  }
  return records;
}

async function loadStats(root: string, save: SaveJournal | undefined): Promise<DatasetStats | undefined> {
  const file = path.join(root, STATS_PATH);
  if (!fs.existsSync(file)) return undefined;
  try {
    const { text } = committedStatsText(await fs.promises.readFile(file, "utf8"), save);
    return text === undefined ? undefined : parseStats(parsePythonJson(text));
  } catch (error) {
    throw new DatasetError(`${file}: ${(error as Error).message}`, { file, cause: error });
  }
}
