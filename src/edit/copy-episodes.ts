/**
 * The engine under every dataset edit that keeps frames as they are (delete, split, merge):
 * a new dataset made of chosen episodes of one or more datasets, in a given order. Rows are
 * copied with episode_index, index and task_index renumbered; each video episode's frames are
 * copied without re-encoding (mp4-splice.ts); every episode's numeric stats are recomputed from
 * its rows, camera stats carried over (the frames are the same); tasks are unified by text.
 *
 * Files are written in one pass each, so the cost is O(dataset): data and video files are built
 * episode by episode and closed once, the episodes metadata, tasks and stats follow, and
 * info.json comes last. The output folder must not exist; a failure removes what was written
 * and never touches the inputs.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { DatasetError } from "../errors.js";
import { writeFileAtomic, columnValues, buildEpisodesTable, EPISODES_PATH, INFO_PATH, STATS_PATH, TASKS_PATH, dataColumnKeys, isVideoFeature, toPythonJson, videoKeys, encodeParquet, readParquetMetadata, ParquetConcat, formatTemplate, isOccupied, nextChunkFile, resolveInside, isNumericDtype, pythonJsonDumps, QUANTILES, aggregateStats, computeNumericStats, statsToPythonJson, buildTasksTable, videoFeatureInfo } from "../dataset/index.js";
import type { EpisodeRecord, DatasetInfo, Feature, EpisodeInfo, LeRobotDataset, DatasetStats, FeatureStats } from "../dataset/index.js";
import type { VideoPlan } from "./copy-videos.js";
import { writeVideos } from "./copy-videos.js";

const MIB = 1024 * 1024;

/** One episode of a source dataset, to become the next episode of the output. */
export interface EpisodeSource {
  dataset: LeRobotDataset;
  episodeIndex: number;
  /** The task text each of its rows gets in the output, from its text in the source (default: the same). */
  retask?: (text: string) => string;
}

/** copyEpisodes' progress: `done` of `total` episodes through each phase. */
export interface CopyProgress {
  phase: "data" | "videos" | "metadata";
  done: number;
  total: number;
}

/** What copyEpisodes writes. */
export interface CopyEpisodesOptions {
  /** The new dataset's folder; it must not exist (or be empty). */
  root: string;
  /** The output's info.json before counts: features, fps, robot_type, sizes and path templates. */
  info: DatasetInfo;
  /** The output's episodes, in order. */
  episodes: EpisodeSource[];
  /**
   * How each video feature of `info` gets its frames (default: copied without re-encoding). A
   * feature encoded here has its info block read back from the first file written.
   */
  videos?: Record<string, Omit<VideoPlan, "key">>;
  /** Task texts that take task_index 0, 1, ... in this order, used or not (a conversion keeps its source's); others follow as met. */
  tasks?: string[];
  /** Called as each phase advances. */
  onProgress?: (progress: CopyProgress) => void;
}

/** The dataset copyEpisodes (or an edit built on it) wrote. */
export interface CopyResult {
  /** Its folder, absolute. */
  root: string;
  /** Its episode count. */
  episodes: number;
  /** Its frame count. */
  frames: number;
  /** Its tasks, by task_index. */
  tasks: string[];
  /** Per video feature, how many output episodes had their frames re-encoded (0: all copied). */
  reencoded: Record<string, number>;
}

/** Where one output episode went: its record but for the metadata file it will be listed in. */
type Placed = Omit<EpisodeRecord, "metaChunkIndex" | "metaFileIndex">;

/**
 * Write a new v3.0 dataset at `root` made of the given episodes of one or more datasets, in order:
 * rows copied with indices and tasks renumbered, video frames copied without re-encoding (unless
 * `videos` says otherwise), numeric stats recomputed, camera stats carried over, info.json last.
 * The engine under deleteEpisodes, splitDataset, mergeDatasets and the other edits; the inputs are
 * only read.
 * @throws DatasetError when `root` exists and is not empty, or a source cannot be read.
 * @throws VideoError when a clip cannot be copied or encoded.
 * On failure the partial output folder is removed.
 */
export async function copyEpisodes(options: CopyEpisodesOptions): Promise<CopyResult> {
  const root = path.resolve(options.root);
  assertFreeFolder(root);
  try {
    return await copyInto(root, options);
  } catch (error) {
    await fs.promises.rm(root, { recursive: true, force: true });
    throw error;
  }
}

async function copyInto(root: string, options: CopyEpisodesOptions): Promise<CopyResult> {
  const { episodes } = options;
  // Filled in as videos are written (an encoded feature's info block), so a copy of the caller's.
  const info = structuredClone(options.info);
  const tasks: string[] = [];
  const taskIndex = new Map<string, number>();
  for (const text of options.tasks ?? []) {
    if (!taskIndex.has(text)) taskIndex.set(text, tasks.push(text) - 1);
  }
  const taskOf = (text: string) => {
    let i = taskIndex.get(text);
    if (i === undefined) {
      i = tasks.push(text) - 1;
      taskIndex.set(text, i);
    }
    return i;
  };
  const placed: Placed[] = [];
  await writeData(root, info, episodes, taskOf, placed, options.onProgress);
  const reencoded: Record<string, number> = {};
  for (const key of videoKeys(info.features)) {
    const plan: VideoPlan = { key, ...options.videos?.[key] };
    const copied = await writeVideos(
      root, info, plan, episodes, (output, location) => (placed[output]!.videos[key] = location),
      (done, total) => options.onProgress?.({ phase: "videos", done, total }),
    );
    reencoded[key] = copied.encodedEpisodes;
    if (plan.encode && copied.firstFile) {
      const feature = info.features[key]!;
      info.features[key] = { ...feature, info: await videoFeatureInfo(plan.encode.ffmpeg, copied.firstFile, plan.encode.settings, feature.info) };
    }
  }

  // Episodes metadata, tasks, stats, then info.json: the commit point, as in the writer.
  options.onProgress?.({ phase: "metadata", done: 0, total: 1 });
  const records: EpisodeRecord[] = placed.map((p) => ({ ...p, metaChunkIndex: 0, metaFileIndex: 0 }));
  await writeEpisodesMetadata(root, info, records);
  await writeFileAtomic(path.join(root, TASKS_PATH), encodeParquet(buildTasksTable(tasks)));
  const frames = records.reduce((n, r) => n + r.length, 0);
  if (records.length > 0) await writeFileAtomic(path.join(root, STATS_PATH), statsToPythonJson(aggregateStats(records.map((r) => r.stats))));
  const out: DatasetInfo = { ...info, total_episodes: records.length, total_frames: frames, total_tasks: tasks.length, splits: { train: `0:${records.length}` } };
  if (videoKeys(info.features).length === 0) out.video_path = null;
  await writeFileAtomic(path.join(root, INFO_PATH), toPythonJson(out));
  options.onProgress?.({ phase: "metadata", done: 1, total: 1 });
  return { root, episodes: records.length, frames, tasks, reencoded };
}

function assertFreeFolder(root: string): void {
  if (isOccupied(root)) {
    throw new DatasetError(`${root} already exists: choose a new output folder`, { file: root });
  }
}

/** Rows read from a source at once: memory stays bounded whatever the size of its data files. */
const ROWS_PER_READ = 1 << 16;

/** Consecutive output episodes from the same data file of the same dataset, up to ROWS_PER_READ rows (or one episode). */
function groupByDataFile(episodes: EpisodeSource[]): { dataset: LeRobotDataset; episodes: EpisodeInfo[]; first: number; rows: number }[] {
  const groups: { dataset: LeRobotDataset; episodes: EpisodeInfo[]; first: number; rows: number }[] = [];
  episodes.forEach((source, i) => {
    const episode = source.dataset.episode(source.episodeIndex);
    const last = groups.at(-1);
    if (last && last.dataset === source.dataset && last.episodes.at(-1)!.dataFile === episode.dataFile && last.rows + episode.length <= ROWS_PER_READ) {
      last.episodes.push(episode);
      last.rows += episode.length;
    } else {
      groups.push({ dataset: source.dataset, episodes: [episode], first: i, rows: episode.length });
    }
  });
  return groups;
}

/**
 * Data rows, read a bounded run of episodes at a time (only their row groups), each output
 * episode becoming one row group; a file is closed at the size limit.
 */
async function writeData(
  root: string, info: DatasetInfo, episodes: EpisodeSource[], taskOf: (text: string) => number, placed: Placed[],
  onProgress: CopyEpisodesOptions["onProgress"],
): Promise<void> {
  let cursor = { chunk: 0, file: 0 };
  let out: DataFileOut | undefined;
  let index = 0;
  for (const group of groupByDataFile(episodes)) {
    // The output's columns: the source's, less any feature the output does not have
    // (remove_feature) or keeps as video (convert_image_to_video).
    const keep = new Set(dataColumnKeys(info.features));
    const columns = Object.keys(group.dataset.features).filter((k) => keep.has(k));
    const table = await group.dataset.readFrames({ episodes: group.episodes.map((e) => e.episodeIndex), columns });
    const fields = table.schema.fields.filter((f) => keep.has(f.name));
    const schema = new arrow.Schema(fields, new Map([["huggingface", await huggingfaceFor(group.episodes[0]!.dataFile, fields)]]));
    let row = 0;
    for (const [g, episode] of group.episodes.entries()) {
      const episodeIndex = placed.length;
      const retask = episodes[group.first + g]!.retask ?? ((text: string) => text);
      const texts = taskTexts(table, row, episode.length, group.dataset).map(retask);
      const batches = episodeBatches(table, schema, row, episode.length, {
        episode_index: () => int64s(episode.length, () => episodeIndex),
        index: () => int64s(episode.length, (i) => index + i),
        task_index: () => int64s(episode.length, (i) => taskOf(texts[i]!)),
      });
      const episodeTable = new arrow.Table(batches);
      const piece = encodeParquet(episodeTable);
      if (out && out.bytes > 0 && out.bytes + piece.length >= info.data_files_size_in_mb * MIB) {
        await out.close();
        out = undefined;
        cursor = nextChunkFile(cursor.chunk, cursor.file, info.chunks_size);
      }
      out ??= await DataFileOut.open(resolveInside(root, formatTemplate(info.data_path, { chunk_index: cursor.chunk, file_index: cursor.file })));
      await out.add(piece);
      placed.push({
        episodeIndex, tasks: [...new Set(texts)], length: episode.length,
        dataChunkIndex: cursor.chunk, dataFileIndex: cursor.file, datasetFromIndex: index, datasetToIndex: index + episode.length,
        videos: {}, stats: episodeStats(info.features, episodeTable, episode),
      });
      index += episode.length;
      row += episode.length;
      onProgress?.({ phase: "data", done: placed.length, total: episodes.length });
    }
  }
  await out?.close();
}

/** A data parquet being written: pieces joined as they come, footer at close, then renamed into place. */
class DataFileOut {
  bytes = 0;
  private readonly concat = new ParquetConcat();
  private constructor(private readonly file: string, private readonly staged: string, private readonly handle: fs.promises.FileHandle) {}

  static async open(file: string): Promise<DataFileOut> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const staged = path.join(path.dirname(file), `.${path.basename(file)}.staged`);
    return new DataFileOut(file, staged, await fs.promises.open(staged, "w"));
  }

  async add(piece: Uint8Array): Promise<void> {
    const bytes = this.concat.add(piece);
    await this.handle.write(bytes, 0, bytes.length, this.bytes);
    this.bytes += bytes.length;
  }

  async close(): Promise<void> {
    const footer = this.concat.finish();
    await this.handle.write(footer, 0, footer.length, this.bytes);
    await this.handle.sync();
    await this.handle.close();
    await fs.promises.rename(this.staged, this.file);
  }
}

/** The source file's `huggingface` metadata, limited to the columns kept. */
async function huggingfaceFor(file: string, fields: arrow.Field[]): Promise<string> {
  const text = (await readParquetMetadata(file)).keyValue.get("huggingface");
  if (!text) return pythonJsonDumps({ info: { features: {} } });
  const hf = JSON.parse(text) as { info?: { features?: Record<string, unknown> } } & Record<string, unknown>;
  const features = hf.info?.features ?? {};
  const kept = Object.fromEntries(fields.filter((f) => f.name in features).map((f) => [f.name, features[f.name]]));
  return pythonJsonDumps({ ...hf, info: { ...hf.info, features: kept } });
}

/** Task text of each of an episode's rows, from the source's task_index. */
function taskTexts(table: arrow.Table, row: number, length: number, dataset: LeRobotDataset): string[] {
  const column = table.getChild("task_index");
  if (!column) throw new DatasetError(`${dataset.root}: the data has no task_index column`, { file: dataset.root });
  return Array.from({ length }, (_, i) => dataset.taskText(Number(column.get(row + i))));
}

function int64s(length: number, value: (i: number) => number): arrow.Data {
  const values = new BigInt64Array(length);
  for (let i = 0; i < length; i++) values[i] = BigInt(value(i));
  return arrow.makeData({ type: new arrow.Int64(), length, data: values });
}

/** Rows [start, start + length) of a table as record batches of `schema`, some columns replaced. */
function episodeBatches(table: arrow.Table, schema: arrow.Schema, start: number, length: number, replace: Record<string, () => arrow.Data>): arrow.RecordBatch[] {
  const replaced = new Map(Object.entries(replace).map(([name, make]) => [name, make()]));
  // The output may keep fewer columns than the source has: take each by name.
  const sourceColumn = schema.fields.map((f) => table.schema.fields.findIndex((s) => s.name === f.name));
  const out: arrow.RecordBatch[] = [];
  let base = 0;
  for (const batch of table.batches) {
    const a = Math.max(start, base);
    const b = Math.min(start + length, base + batch.numRows);
    if (a < b) {
      const children = schema.fields.map((f, i) => {
        const whole = replaced.get(f.name);
        return whole ? whole.slice(a - start, b - a) : batch.data.children[sourceColumn[i]!]!.slice(a - base, b - a);
      });
      out.push(new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: b - a, children })));
    }
    base += batch.numRows;
  }
  return out;
}

/**
 * An output episode's stats: numeric features recomputed from its rows (its numbering changed),
 * camera features carried over from the source episode (the frames did not).
 */
function episodeStats(features: Record<string, Feature>, table: arrow.Table, source: EpisodeInfo): DatasetStats {
  const stats: DatasetStats = {};
  for (const [key, feature] of Object.entries(features)) {
    if (isVideoFeature(feature) || feature.dtype === "image") {
      const carried = source.stats[key];
      if (carried) stats[key] = carried;
    } else if (isNumericDtype(feature.dtype) && feature.dtype !== "float16") {
      const column = table.getChild(key);
      if (!column) continue;
      // bool columns hold 0/1 for stats, as the writer's buffer does.
      const values = arrow.DataType.isBool(column.type) ? Uint8Array.from(column, (v) => (v ? 1 : 0)) : columnValues(column, key).values;
      // Stats run over the last axis, as LeRobot's (compute_stats.py RunningQuantileStats.update).
      stats[key] = computeNumericStats(values, feature.shape.length > 1 ? feature.shape.at(-1)! : values.length / Math.max(1, table.numRows)) as FeatureStats;
    }
  }
  return stats;
}

async function writeEpisodesMetadata(root: string, info: DatasetInfo, records: EpisodeRecord[]): Promise<void> {
  // One file, as the writer keeps while it stays under the size limit; larger sets start new files.
  let cursor = { chunk: 0, file: 0 };
  let batch: EpisodeRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await writeFileAtomic(resolveInside(root, formatTemplate(EPISODES_PATH, { chunk_index: cursor.chunk, file_index: cursor.file })), encodeParquet(episodesTable(batch, info.features)));
    cursor = nextChunkFile(cursor.chunk, cursor.file, info.chunks_size);
    batch = [];
  };
  // About 2 KB of stats per feature and episode: a file per ~100 MB of metadata.
  const perFile = Math.max(1, Math.floor((info.data_files_size_in_mb * MIB) / (2048 * Object.keys(info.features).length)));
  for (const record of records) {
    if (batch.length >= perFile) await flush();
    record.metaChunkIndex = cursor.chunk;
    record.metaFileIndex = cursor.file;
    batch.push(record);
  }
  await flush();
}

/**
 * The episodes table, without the quantile columns some episode lacks: camera stats carried from
 * a v2.1 dataset (or a v3.0 one LeRobot converted from it) have none, and a column holds every
 * row. LeRobot's converter writes the v2.1 stats as they are, quantiles absent
 * (convert_dataset_v21_to_v30.py convert_episodes_metadata).
 */
function episodesTable(records: EpisodeRecord[], features: Record<string, Feature>): arrow.Table {
  const absent = new Set<string>();
  for (const record of records) {
    for (const [key, stats] of Object.entries(record.stats)) {
      for (const [q] of QUANTILES) if (stats[q] === undefined) absent.add(`stats/${key}/${q}`);
    }
  }
  if (absent.size === 0) return buildEpisodesTable(records, features);
  // buildEpisodesTable writes every stat: the absent quantiles get a stand-in, then their columns go.
  const filled = records.map((record) => ({
    ...record,
    stats: Object.fromEntries(Object.entries(record.stats).map(([key, stats]) => {
      const standIns = QUANTILES.filter(([q]) => absent.has(`stats/${key}/${q}`)).map(([q]) => [q, stats.mean]);
      return [key, { ...stats, ...Object.fromEntries(standIns) }];
    })),
  }));
  const table = buildEpisodesTable(filled, features);
  return table.select(table.schema.fields.map((f) => f.name).filter((name) => !absent.has(name)));
}
