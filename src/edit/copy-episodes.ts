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
import { writeFileAtomic } from "../dataset/atomic.js";
import { columnValues } from "../dataset/columns.js";
import type { EpisodeRecord } from "../dataset/episodes.js";
import { buildEpisodesTable } from "../dataset/episodes.js";
import type { DatasetInfo, Feature } from "../dataset/info.js";
import { EPISODES_PATH, INFO_PATH, STATS_PATH, TASKS_PATH, isVideoFeature, toPythonJson, videoKeys } from "../dataset/info.js";
import { encodeParquet, readParquetMetadata } from "../dataset/parquet.js";
import { ParquetConcat } from "../dataset/parquet-append.js";
import { formatTemplate, nextChunkFile, resolveInside } from "../dataset/paths.js";
import type { EpisodeInfo, LeRobotDataset } from "../dataset/reader.js";
import { isNumericDtype, pythonJsonDumps } from "../dataset/schema.js";
import type { DatasetStats, FeatureStats } from "../dataset/stats.js";
import { aggregateStats, computeNumericStats, statsToPythonJson } from "../dataset/stats.js";
import { buildTasksTable } from "../dataset/tasks.js";
import type { Mp4Info } from "../dataset/video/index.js";
import { probeMp4 } from "../dataset/video/index.js";
import { spliceMp4 } from "../dataset/video/mp4-splice.js";

const MIB = 1024 * 1024;

/** One episode of a source dataset, to become the next episode of the output. */
export interface EpisodeSource {
  dataset: LeRobotDataset;
  episodeIndex: number;
  /** The task text each of its rows gets in the output, from its text in the source (default: the same). */
  retask?: (text: string) => string;
}

export interface CopyProgress {
  phase: "data" | "videos" | "metadata";
  done: number;
  total: number;
}

export interface CopyEpisodesOptions {
  /** The new dataset's folder; it must not exist (or be empty). */
  root: string;
  /** The output's info.json before counts: features, fps, robot_type, sizes and path templates. */
  info: DatasetInfo;
  episodes: EpisodeSource[];
  onProgress?: (progress: CopyProgress) => void;
}

export interface CopyResult {
  root: string;
  episodes: number;
  frames: number;
  tasks: string[];
}

/** Where one output episode went: its record but for the metadata file it will be listed in. */
type Placed = Omit<EpisodeRecord, "metaChunkIndex" | "metaFileIndex">;

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
  const { info, episodes } = options;
  const tasks: string[] = [];
  const taskIndex = new Map<string, number>();
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
  for (const key of videoKeys(info.features)) await writeVideos(root, info, key, episodes, placed, options.onProgress);

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
  return { root, episodes: records.length, frames, tasks };
}

function assertFreeFolder(root: string): void {
  if (fs.existsSync(root) && (!fs.statSync(root).isDirectory() || fs.readdirSync(root).length > 0)) {
    throw new DatasetError(`${root} already exists: choose a new output folder`, { file: root });
  }
}

/** Consecutive output episodes that come from the same data file of the same dataset. */
function groupByDataFile(episodes: EpisodeSource[]): { dataset: LeRobotDataset; episodes: EpisodeInfo[]; first: number }[] {
  const groups: { dataset: LeRobotDataset; episodes: EpisodeInfo[]; first: number }[] = [];
  episodes.forEach((source, i) => {
    const episode = source.dataset.episode(source.episodeIndex);
    const last = groups.at(-1);
    if (last && last.dataset === source.dataset && last.episodes.at(-1)!.dataFile === episode.dataFile) last.episodes.push(episode);
    else groups.push({ dataset: source.dataset, episodes: [episode], first: i });
  });
  return groups;
}

/**
 * Data rows, file by file: each source data file is read once (the chosen episodes' row groups),
 * each output episode becomes one row group, and a file is closed at the size limit.
 */
async function writeData(
  root: string, info: DatasetInfo, episodes: EpisodeSource[], taskOf: (text: string) => number, placed: Placed[],
  onProgress: CopyEpisodesOptions["onProgress"],
): Promise<void> {
  let cursor = { chunk: 0, file: 0 };
  let out: DataFileOut | undefined;
  let index = 0;
  for (const group of groupByDataFile(episodes)) {
    const table = await group.dataset.readFrames({ episodes: group.episodes.map((e) => e.episodeIndex) });
    // The output's columns: the source's, less any feature the output does not have (remove_feature).
    const fields = table.schema.fields.filter((f) => f.name in info.features);
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

/**
 * One camera's videos: each output episode's frames are copied from its source mp4 into the
 * current output file, which closes at the size limit; where each episode landed is read back
 * from the written file.
 */
async function writeVideos(
  root: string, info: DatasetInfo, key: string, episodes: EpisodeSource[], placed: Placed[],
  onProgress: CopyEpisodesOptions["onProgress"],
): Promise<void> {
  const probes = new Map<string, Promise<Mp4Info>>();
  const probe = (file: string) => {
    let p = probes.get(file);
    if (!p) probes.set(file, (p = probeMp4(file)));
    return p;
  };
  let cursor = { chunk: 0, file: 0 };
  let pending: { segment: { file: string; firstSample: number; count: number }; output: number }[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const file = resolveInside(root, formatTemplate(info.video_path!, { video_key: key, chunk_index: cursor.chunk, file_index: cursor.file }));
    await spliceMp4(file, pending.map((p) => p.segment));
    const written = await probeMp4(file);
    let frame = 0;
    pending.forEach((p, i) => {
      const from = written.timestampsS[frame]!;
      frame += p.segment.count;
      const to = i === pending.length - 1 ? written.durationS : written.timestampsS[frame]!;
      placed[p.output]!.videos[key] = { chunkIndex: cursor.chunk, fileIndex: cursor.file, fromTimestampS: from, toTimestampS: to };
    });
    pending = [];
    pendingBytes = 0;
    cursor = nextChunkFile(cursor.chunk, cursor.file, info.chunks_size);
  };
  for (const [i, source] of episodes.entries()) {
    const episode = source.dataset.episode(source.episodeIndex);
    const camera = episode.cameras[key];
    if (!camera) throw new DatasetError(`episode ${episode.episodeIndex} of ${source.dataset.root} has no video for '${key}'`, { file: source.dataset.root });
    const p = await probe(camera.path);
    const firstSample = nearestFrame(p.timestampsS, camera.fromTimestampS);
    if (firstSample === undefined || firstSample + episode.length > p.frameCount) {
      throw new DatasetError(`${camera.path} has no frames for episode ${episode.episodeIndex} at ${camera.fromTimestampS} s`, { file: camera.path });
    }
    // The file's bytes per frame, to decide when an output file reaches its size limit.
    const bytes = (fs.statSync(camera.path).size / Math.max(1, p.frameCount)) * episode.length;
    if (pending.length > 0 && pendingBytes + bytes >= info.video_files_size_in_mb * MIB) await flush();
    pending.push({ segment: { file: camera.path, firstSample, count: episode.length }, output: i });
    pendingBytes += bytes;
    onProgress?.({ phase: "videos", done: i + 1, total: episodes.length });
  }
  await flush();
}

/** The frame shown at a time, within half a millisecond (LeRobot's tolerance is 0.1 ms). */
function nearestFrame(timestamps: Float64Array, t: number): number | undefined {
  let lo = 0;
  let hi = timestamps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timestamps[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  const best = [lo - 1, lo].filter((i) => i >= 0 && i < timestamps.length).sort((a, b) => Math.abs(timestamps[a]! - t) - Math.abs(timestamps[b]! - t))[0];
  return best !== undefined && Math.abs(timestamps[best]! - t) < 5e-4 ? best : undefined;
}

async function writeEpisodesMetadata(root: string, info: DatasetInfo, records: EpisodeRecord[]): Promise<void> {
  // One file, as the writer keeps while it stays under the size limit; larger sets start new files.
  let cursor = { chunk: 0, file: 0 };
  let batch: EpisodeRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await writeFileAtomic(resolveInside(root, formatTemplate(EPISODES_PATH, { chunk_index: cursor.chunk, file_index: cursor.file })), encodeParquet(buildEpisodesTable(batch, info.features)));
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
