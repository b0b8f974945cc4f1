/**
 * DatasetWriter: frames in, a LeRobot v3.0 dataset out. Each episode becomes one row group of
 * the current data file, appended without re-encoding what is already there. After every
 * saveEpisode the folder is a complete, valid dataset (docs/ARCHITECTURE.md "Crash safety"): files are
 * staged beside their final name and renamed into place, and info.json, the commit point, is
 * written last.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { DatasetError, FrameValidationError } from "../errors.js";
import type { EpisodeRecord, EpisodeVideoLocation } from "./episodes.js";
import { buildEpisodesTable } from "./episodes.js";
import type { Frame } from "./episode-buffer.js";
import { EpisodeBuffer, validateFrame } from "./episode-buffer.js";
import type { DatasetInfo, Feature } from "./info.js";
import {
  CODEBASE_VERSION, DEFAULT_CHUNKS_SIZE, DEFAULT_DATA_FILES_SIZE_IN_MB, DEFAULT_DATA_PATH, DEFAULT_FEATURES,
  DEFAULT_VIDEO_FILES_SIZE_IN_MB, DEFAULT_VIDEO_PATH, EPISODES_PATH, INFO_PATH, STATS_PATH, TASKS_PATH,
  dataColumnKeys, featureSize, parseInfo, toPythonJson, videoInfoOf, videoKeys,
} from "./info.js";
import { encodeParquet } from "./parquet.js";
import { AppendedParquetFile } from "./appended-parquet.js";
import { formatTemplate, nextChunkFile, resolveInside } from "./paths.js";
import { openDataset } from "./reader.js";
import type { TypedArray } from "./schema.js";
import { arrowTypeForFeature, columnData, dataSchema, imageColumnData, isNumericDtype } from "./schema.js";
import { encodePng } from "./png.js";
import type { DatasetStats } from "./stats.js";
import { ImageStatsAccumulator, aggregateStats, computeNumericStats, statsToPythonJson } from "./stats.js";
import { buildTasksTable } from "./tasks.js";
import { stageFileAtomic, writeFileAtomic } from "./atomic.js";
import type { SaveStep } from "./save-transaction.js";
import { SaveTransaction } from "./save-transaction.js";
import { trimToCommitted } from "./resume-trim.js";
import { removeSaveJournal, sha256, stageSaveJournal } from "./save-journal.js";
import { acquireWriterLock, releaseWriterLock } from "./lock.js";
import type { FfmpegInfo } from "./video/index.js";
import type { Mp4Layout, ResolvedEncoderSettings, VideoEncoderSettings } from "./video/index.js";
import {
  EpisodeVideoEncoder, appendClip, codecFamily, encoderSettingsFromInfo, findFfmpeg, probeMp4, resolveEncoderSettings, resolveVideoCodec, videoFeatureInfo,
} from "./video/index.js";

export type { Frame, FrameValue } from "./episode-buffer.js";

/** A feature as the user declares it; `info` of video features is filled in from the written files. */
export interface FeatureSpec {
  dtype: string;
  shape: number[];
  names?: string[] | Record<string, unknown> | null;
}

export interface DatasetWriterOptions {
  /** The dataset folder to create (must not exist, or be empty). */
  root: string;
  repoId: string;
  fps: number;
  robotType: string | null;
  /** The user's features; timestamp, frame_index, episode_index, index and task_index are added. */
  features: Record<string, FeatureSpec>;
  /**
   * Cameras as mp4 videos (default true). With false, camera features become `image` features:
   * one PNG per frame inside the data parquet, as LeRobot writes them; PNG encoding costs
   * ~10 ms per 640x480 frame, so this suits small images (simulation, low resolution).
   */
  useVideos?: boolean;
  /** libx264 | h264 | libsvtav1 | av1 | libx265 | hevc | auto (default: libx264 when available). */
  vcodec?: string;
  /** Constant rate factor for the encoder; default per codec (x264 23, svt-av1 30, x265 28). */
  crf?: number;
  /** The rest of LeRobot's encoder settings (g, preset, pix_fmt, fast_decode, extra_options, threads); `vcodec` and `crf` above win. */
  encoder?: VideoEncoderSettings;
  chunksSize?: number;
  dataFilesSizeInMb?: number;
  videoFilesSizeInMb?: number;
}

export interface ResumeOptions {
  /** Override the codec; by default the codec already in info.json is kept. */
  vcodec?: string;
  crf?: number;
  /** Override encoder settings; by default those recorded in info.json (video.g, video.crf, ...) are kept for the same codec. */
  encoder?: VideoEncoderSettings;
}

export interface SavedEpisode {
  episodeIndex: number;
  length: number;
  tasks: string[];
  dataFile: string;
  videoFiles: Record<string, string>;
  /** Where saveEpisode spent its time, in milliseconds (for progress displays and benchmarks). */
  timingsMs: { encoderFlush: number; stats: number; videoAppend: number; metadata: number; commit: number; total: number };
}

/** Where the next rows of a kind of file go, and what the current file already holds. */
interface FileCursor {
  chunk: number;
  file: number;
  /** False until the current file has been written once. */
  exists: boolean;
}

interface CameraState {
  key: string;
  width: number;
  height: number;
  cursor: FileCursor;
  encoder: EpisodeVideoEncoder | undefined;
  stats: ImageStatsAccumulator;
}

const MIB = 1024 * 1024;
/** Episodes per row group of the episodes metadata (LeRobot flushes its metadata buffer every 10). */
const META_GROUP_ROWS = 10;
const TMP_DIR = ".lerobot-ts/tmp";

export class DatasetWriter {
  private buffer: EpisodeBuffer;
  private readonly userFeatures: Record<string, Feature>;
  private readonly cameras: CameraState[];
  private readonly taskIndex = new Map<string, number>();
  private closed = false;
  /** Set when a saveEpisode failed; only discardEpisode clears it. */
  private saveFailure: Error | undefined;
  /** Stats of the episode's image features (cameras kept in the parquet as PNG). */
  private imageStats: Map<string, ImageStatsAccumulator>;
  /** Numbers each episode clip so a new take never writes where the last one was. */
  private clipCounter = 0;
  /** Frames and bytes of the current data file, for the size-limit estimate. */
  private dataFileFrames = 0;
  private dataFileBytes = 0;
  /** The current data file: one row group per episode, appended in place. */
  private dataFile: AppendedParquetFile | undefined;
  /**
   * The current episodes metadata file. Its rows go in row groups of META_GROUP_ROWS episodes
   * (one per episode would cost ~15 KB of per-column footer each): a save re-encodes only the
   * last, still filling row group, so it costs O(META_GROUP_ROWS), not O(file).
   */
  private metaFile: AppendedParquetFile | undefined;
  /** Rows of the metadata file's last row group (the one still filling). */
  private metaOpenRows: EpisodeRecord[] = [];
  private metaFileBytes = 0;
  /** Per camera, the layout of its current mp4 after the last append (video/mp4-layout.ts). */
  private readonly mp4Layouts = new Map<string, { file: string; layout: Mp4Layout }>();

  private constructor(
    readonly root: string,
    private readonly info: DatasetInfo,
    private readonly tasks: string[],
    private stats: DatasetStats | undefined,
    private readonly dataCursor: FileCursor,
    private readonly metaCursor: FileCursor,
    cameraCursors: Record<string, { cursor: FileCursor }>,
    private readonly ffmpeg: FfmpegInfo | undefined,
    private readonly encoder: ResolvedEncoderSettings | undefined,
  ) {
    this.userFeatures = Object.fromEntries(
      Object.entries(info.features).filter(([k]) => !(k in DEFAULT_FEATURES)),
    );
    tasks.forEach((t, i) => this.taskIndex.set(t, i));
    this.buffer = new EpisodeBuffer(this.userFeatures);
    this.imageStats = imageAccumulators(info.features);
    this.cameras = videoKeys(info.features).map((key) => {
      const [height, width] = info.features[key]!.shape as [number, number, number];
      const state = cameraCursors[key] ?? { cursor: { chunk: 0, file: 0, exists: false } };
      return {
        key, width, height, cursor: state.cursor, encoder: undefined,
        stats: new ImageStatsAccumulator(width, height),
      };
    });
  }

  /** Start a new dataset at `options.root`. info.json is written at once (0 episodes). */
  static async create(options: DatasetWriterOptions): Promise<DatasetWriter> {
    const root = path.resolve(options.root);
    await assertEmptyOrMissing(root);
    const features = checkFeatureSpecs(options.features, options.useVideos ?? true);
    if (!Number.isInteger(options.fps) || options.fps <= 0) throw new DatasetError(`fps must be a positive integer, got ${options.fps}`);
    for (const [name, value] of [["chunksSize", options.chunksSize], ["dataFilesSizeInMb", options.dataFilesSizeInMb], ["videoFilesSizeInMb", options.videoFilesSizeInMb]] as const) {
      if (value !== undefined && !(value > 0)) throw new DatasetError(`${name} must be positive, got ${value}`);
    }
    if (options.chunksSize !== undefined && !Number.isInteger(options.chunksSize)) throw new DatasetError(`chunksSize must be an integer, got ${options.chunksSize}`);
    const hasVideo = videoKeys(features).length > 0;
    const wanted = { ...options.encoder, ...definedOnly({ vcodec: options.vcodec, crf: options.crf }) };
    const { ffmpeg, encoder } = hasVideo ? await pickEncoder(wanted) : { ffmpeg: undefined, encoder: undefined };
    // In LeRobot v0.6's order (datasets/utils.py DatasetInfo, feature_utils.py create_empty_dataset_info).
    const info: DatasetInfo = {
      codebase_version: CODEBASE_VERSION,
      fps: options.fps,
      features,
      total_episodes: 0,
      total_frames: 0,
      total_tasks: 0,
      chunks_size: options.chunksSize ?? DEFAULT_CHUNKS_SIZE,
      data_files_size_in_mb: options.dataFilesSizeInMb ?? DEFAULT_DATA_FILES_SIZE_IN_MB,
      video_files_size_in_mb: options.videoFilesSizeInMb ?? DEFAULT_VIDEO_FILES_SIZE_IN_MB,
      data_path: DEFAULT_DATA_PATH,
      video_path: hasVideo ? DEFAULT_VIDEO_PATH : null,
      robot_type: options.robotType ?? null,
      splits: {},
    };
    const start = (): FileCursor => ({ chunk: 0, file: 0, exists: false });
    await acquireWriterLock(root);
    const writer = new DatasetWriter(root, info, [], undefined, start(), start(), {}, ffmpeg, encoder);
    await writeFileAtomic(path.join(root, INFO_PATH), toPythonJson(info));
    return writer;
  }

  /**
   * Continue a dataset on disk: the next episode gets the next index, and new rows, videos and
   * episode metadata go to new files (as LeRobot does), so files already written stay untouched.
   */
  static async resume(rootPath: string, options: ResumeOptions = {}): Promise<DatasetWriter> {
    const root = path.resolve(rootPath);
    if (!fs.existsSync(path.join(root, INFO_PATH))) throw new DatasetError(`no dataset to resume at ${root}: ${INFO_PATH} not found`, { file: root });
    await acquireWriterLock(root);
    try {
      return await DatasetWriter.resumeLocked(root, options);
    } catch (error) {
      await releaseWriterLock(root);
      throw error;
    }
  }

  private static async resumeLocked(root: string, options: ResumeOptions): Promise<DatasetWriter> {
    await fs.promises.rm(path.join(root, TMP_DIR), { recursive: true, force: true });
    await removeStagedFiles(root);
    const infoFile = path.join(root, INFO_PATH);
    // info.json is the commit point: drop what a save killed before its commit left behind.
    const committedInfo = await readBareInfo(infoFile);
    if (committedInfo) await trimToCommitted(root, committedInfo);
    let info: DatasetInfo;
    let tasks: string[] = [];
    let stats: DatasetStats | undefined;
    let last: EpisodeRecord | undefined;
    try {
      const dataset = await openDataset(root);
      info = dataset.info;
      tasks = dataset.tasks;
      stats = dataset.stats;
      last = dataset.episodes[dataset.episodes.length - 1];
      if (dataset.episodes.length !== info.total_episodes) {
        throw new DatasetError(`${infoFile} says ${info.total_episodes} episodes but meta/episodes holds ${dataset.episodes.length}`, { file: infoFile });
      }
    } catch (error) {
      // A dataset created but never saved has only info.json.
      const bare = await readBareInfo(infoFile);
      if (!bare || bare.total_episodes !== 0) throw error;
      info = bare;
    }
    const after = (chunk: number, file: number): FileCursor => ({ ...nextChunkFile(chunk, file, info.chunks_size), exists: false });
    const fresh = (): FileCursor => ({ chunk: 0, file: 0, exists: false });
    const cameraCursors: Record<string, { cursor: FileCursor }> = {};
    for (const key of videoKeys(info.features)) {
      const loc = last?.videos[key];
      cameraCursors[key] = { cursor: loc ? after(loc.chunkIndex, loc.fileIndex) : fresh() };
    }
    const hasVideo = videoKeys(info.features).length > 0;
    const { ffmpeg, encoder } = hasVideo ? await pickEncoder(resumeEncoderSettings(info, options)) : { ffmpeg: undefined, encoder: undefined };
    return new DatasetWriter(
      root, info, tasks, stats,
      last ? after(last.dataChunkIndex, last.dataFileIndex) : fresh(),
      last ? after(last.metaChunkIndex, last.metaFileIndex) : fresh(),
      cameraCursors, ffmpeg, encoder,
    );
  }

  get numEpisodes(): number { return this.info.total_episodes; }
  get numFrames(): number { return this.info.total_frames; }
  get fps(): number { return this.info.fps; }
  /** Index the episode being recorded will get. */
  get episodeIndex(): number { return this.info.total_episodes; }
  /** Frames added to the episode being recorded. */
  get episodeFrames(): number { return this.buffer.size; }
  /** A copy of the current info.json content. */
  get datasetInfo(): DatasetInfo { return structuredClone(this.info); }
  /** The resolved ffmpeg encoder, when the dataset has cameras. */
  get videoCodec(): string | undefined { return this.encoder?.vcodec; }

  /**
   * Add one frame to the episode being recorded. Camera frames go straight to the encoders
   * (awaiting their pipes, so nothing is ever dropped). A frame that does not match the
   * features is refused with an error naming the feature, and nothing is added.
   */
  /**
   * Whether a save (or discard) starts the next take's encoders at once. A recorder that wants
   * to choose the moment (spawning a process blocks Node for 20-50 ms) sets this to false and
   * calls prepareEpisode() between its ticks.
   */
  prestartEncoders = true;
  private warmedUp = false;

  /**
   * Start the cameras' encoders for the next episode, so its first addFrame does not spawn them.
   * With `oneAtATime`, starts at most one; resolves true once every camera's encoder runs.
   */
  async prepareEpisode(options: { oneAtATime?: boolean } = {}): Promise<boolean> {
    this.assertOpen();
    if (!this.warmedUp) {
      // The first parquet encode compiles the WASM encoder (~20 ms): do it now, not in the first save.
      this.warmedUp = true;
      encodeParquet(new arrow.Table({ warmup: arrow.makeVector(new Float32Array(1)) }));
    }
    if (this.buffer.size > 0) return true;
    if (this.cameras.some((c) => !c.encoder)) {
      await this.startEncoders(options.oneAtATime ? 1 : Infinity);
      for (const c of this.cameras) c.encoder?.keepAlive(false);
    }
    return this.cameras.every((c) => c.encoder);
  }

  async addFrame(frame: Frame): Promise<void> {
    this.assertOpen();
    const validated = validateFrame(frame, this.userFeatures);
    if (this.buffer.size === 0) {
      await this.startEncoders();
      for (const camera of this.cameras) camera.encoder!.keepAlive(true);
    }
    // write() resolves once the pipe has taken the bytes, so the caller may reuse its buffers.
    await Promise.all(this.cameras.map((camera) => {
      const image = validated.images.get(camera.key)!;
      camera.stats.push(image);
      return camera.encoder!.write(image);
    }));
    // Image features (useVideos: false) are kept as PNG bytes until the episode is saved.
    const pngs = new Map<string, Uint8Array>();
    for (const [key, accumulator] of this.imageStats) {
      const image = validated.images.get(key)!;
      const [height, width] = this.info.features[key]!.shape as [number, number];
      accumulator.push(image);
      pngs.set(key, encodePng(image, width, height));
    }
    this.buffer.append(validated, pngs);
  }

  /**
   * Save the episode being recorded; afterwards the folder is a complete dataset including it.
   * If saving fails, the videos appended so far are taken back out, the dataset on disk is as
   * before, and the take can only be discarded (discardEpisode) before recording goes on.
   */
  async saveEpisode(): Promise<SavedEpisode> {
    this.assertOpen();
    const length = this.buffer.size;
    if (length === 0) throw new DatasetError("saveEpisode: the episode has no frames");
    const transaction = new SaveTransaction();
    try {
      return await this.saveEpisodeSteps(length, transaction);
    } catch (error) {
      await transaction.rollback();
      this.saveFailure = error as Error;
      throw error;
    }
  }

  private async saveEpisodeSteps(length: number, transaction: SaveTransaction): Promise<SavedEpisode> {
    const episodeIndex = this.info.total_episodes;
    const fromIndex = this.info.total_frames;

    const started = performance.now();
    let mark = started;
    const lap = () => { const now = performance.now(); const ms = now - mark; mark = now; return Math.round(ms * 10) / 10; };
    const clips = await this.finishEncoders(length);
    const encoderFlush = lap();
    const episodeTasks = [...new Set(this.buffer.tasks)];
    const newTasks = episodeTasks.filter((t) => !this.taskIndex.has(t));
    const taskOf = (t: string) => this.taskIndex.get(t) ?? this.tasks.length + newTasks.indexOf(t);
    const defaults = defaultColumns(length, this.info.fps, episodeIndex, fromIndex, this.buffer.tasks.map(taskOf));

    // Between the CPU-heavy steps the event loop gets a turn: a recorder's clock runs on it.
    await breathe();
    const episodeStats = this.episodeStats(defaults);
    const statsMs = lap();
    await breathe();
    const batch = this.episodeBatch(length, defaults);
    await breathe();

    // Data parquet: current file plus this episode, unless that would pass the size limit.
    if (this.dataCursor.exists && this.dataFileFrames > 0) {
      const estimate = this.dataFileBytes + (this.dataFileBytes / this.dataFileFrames) * length;
      if (estimate >= this.info.data_files_size_in_mb * MIB) this.rotateData();
    }
    // Or once its footer, rewritten by every save, has grown past a bound (appended-parquet.ts).
    if (this.dataFile?.footerFull) this.rotateData();
    const dataFile = this.dataFile ?? new AppendedParquetFile(this.dataPath(this.dataCursor));
    const episodeBytes = encodeParquet(new arrow.Table([batch]));
    await breathe();

    // Videos: append each clip to its camera's current file (atomically) and read back where it landed.
    const videoLocations: Record<string, EpisodeVideoLocation> = {};
    const videoFiles: Record<string, string> = {};
    const videoCursors = new Map<CameraState, FileCursor>();
    await Promise.all(this.cameras.map(async (camera) => {
      const { location, file, cursor } = await this.appendVideo(camera, clips.get(camera.key)!, length, transaction);
      videoLocations[camera.key] = location;
      videoFiles[camera.key] = file;
      videoCursors.set(camera, cursor);
    }));

    const videoAppend = lap();

    // Episode metadata row.
    if (this.metaFile && (this.metaFileBytes >= this.info.data_files_size_in_mb * MIB || this.metaFile.footerFull)) this.rotateMeta();
    const record: EpisodeRecord = {
      episodeIndex, tasks: episodeTasks, length,
      dataChunkIndex: this.dataCursor.chunk, dataFileIndex: this.dataCursor.file,
      datasetFromIndex: fromIndex, datasetToIndex: fromIndex + length,
      videos: videoLocations, stats: episodeStats,
      metaChunkIndex: this.metaCursor.chunk, metaFileIndex: this.metaCursor.file,
    };
    const metaFile = this.metaFile ?? new AppendedParquetFile(this.metaPath(this.metaCursor));
    // The last row group is re-encoded with the new row until it holds META_GROUP_ROWS.
    const sealed = this.metaOpenRows.length >= META_GROUP_ROWS;
    const metaOpenRows = sealed ? [record] : [...this.metaOpenRows, record];
    const metaKeep = metaFile.rowGroupRows.length - (sealed || this.metaOpenRows.length === 0 ? 0 : 1);
    await breathe();
    const metaBytes = encodeParquet(buildEpisodesTable(metaOpenRows, this.info.features));
    await breathe();

    const tasks = [...this.tasks, ...newTasks];
    const stats = this.stats ? aggregateStats([this.stats, episodeStats]) : episodeStats;
    const info: DatasetInfo = {
      ...this.info,
      total_episodes: episodeIndex + 1,
      total_frames: fromIndex + length,
      total_tasks: tasks.length,
      splits: { train: `0:${episodeIndex + 1}` },
    };
    if (this.cameras.length > 0 && episodeIndex === 0) await this.fillVideoInfo(info, videoFiles);

    const metadata = lap();

    // Stage every file where no reader looks yet, then switch them with one system call each:
    // the save journal, tasks, data, stats.json, the episodes metadata, info.json (the commit
    // point) last; then remove the journal. Python LeRobot v0.6.1 reads each state between as
    // the committed dataset as nearly as separate files allow: LeRobotDataset sizes itself by
    // info.json (lerobot_dataset.py __len__ -> meta.total_frames) and reaches rows, episode rows
    // and tasks by position (dataset_reader.py DatasetReader.get_item: hf_dataset[idx],
    // meta.episodes[ep_idx], tasks.iloc[task_index]), so tasks and rows past info.json's totals
    // are never read. Two files it reads whole cannot switch together with info.json: stats.json
    // (io_utils.py load_stats) and meta/episodes, whose every row lerobot_train.py's
    // EpisodeAwareSampler samples from. The episodes go last before info.json, so a training run
    // could pick up this (complete) episode only during that one system call; stats.json just
    // before them, so for one more it already counts this episode (LeRobot's own save_episode
    // writes info.json first and stats after). info.json cannot go before the episodes: with the
    // episode counted and its row missing, DatasetReader._check_cached_episodes_sufficient raises
    // (get_video_file_path: episode index out of range) and the dataset does not load. Our
    // readers and verify see the committed dataset throughout, through the journal
    // (committed-view.ts); the mp4 frames appended above belong to no episode until info.json
    // counts it, which verify only warns about. docs/ARCHITECTURE.md "Crash safety".
    const statsText = statsToPythonJson(stats);
    const rel = (template: string, cursor: FileCursor) => formatTemplate(template, { chunk_index: cursor.chunk, file_index: cursor.file });
    transaction.add(await stageSaveJournal(this.root, {
      episodeIndex, fromIndex, length, totalTasks: this.info.total_tasks, newTasks,
      dataFile: rel(this.info.data_path, this.dataCursor), episodesFile: rel(EPISODES_PATH, this.metaCursor),
      committedStats: await fs.promises.readFile(path.join(this.root, STATS_PATH), "utf8").catch(() => null),
      savedStatsSha256: sha256(statsText), pid: process.pid,
    }));
    if (newTasks.length > 0 || !fs.existsSync(path.join(this.root, TASKS_PATH))) {
      transaction.add(await stageReplacement(path.join(this.root, TASKS_PATH), encodeParquet(buildTasksTable(tasks))));
    }
    const dataPiece = await dataFile.stage(episodeBytes);
    transaction.add(dataPiece.step);
    transaction.add(await stageReplacement(path.join(this.root, STATS_PATH), statsText));
    const metaPiece = await metaFile.stage(metaBytes, metaKeep);
    transaction.add(metaPiece.step);
    transaction.add(await stageReplacement(path.join(this.root, INFO_PATH), toPythonJson(info)));
    await transaction.commitAll();
    // Committed: the journal is inert now (info.json counts the episode), so failing to remove it harms nothing.
    await removeSaveJournal(this.root).catch(() => {});

    // Only now, with everything on disk, move the in-memory state forward.
    for (const [camera, cursor] of videoCursors) camera.cursor = cursor;
    Object.assign(this.info, info);
    for (const t of newTasks) this.taskIndex.set(t, this.tasks.push(t) - 1);
    this.stats = stats;
    dataPiece.accept();
    metaPiece.accept();
    this.dataFile = dataFile;
    this.dataFileFrames += length;
    this.dataFileBytes = dataPiece.size;
    this.dataCursor.exists = true;
    this.metaFile = metaFile;
    this.metaOpenRows = metaOpenRows;
    this.metaFileBytes = metaPiece.size;
    this.metaCursor.exists = true;
    await this.resetEpisode();
    const commit = lap();
    const timingsMs = { encoderFlush, stats: statsMs, videoAppend, metadata, commit, total: Math.round((performance.now() - started) * 10) / 10 };
    return { episodeIndex, length, tasks: episodeTasks, dataFile: dataFile.path, videoFiles, timingsMs };
  }

  /** Throw away the episode being recorded (frames, partial videos); the next take reuses its index. */
  async discardEpisode(): Promise<void> {
    this.saveFailure = undefined;
    this.assertOpen();
    await Promise.all(this.cameras.map((c) => c.encoder?.abort()));
    await this.resetEpisode();
  }

  /**
   * Close the writer. An episode that was not saved is discarded (say so by checking
   * episodeFrames first); everything saved is already complete on disk.
   */
  async finalize(): Promise<{ discardedFrames: number }> {
    if (this.closed) return { discardedFrames: 0 };
    const discardedFrames = this.buffer.size;
    await Promise.all(this.cameras.map((c) => c.encoder?.abort()));
    this.closed = true;
    await fs.promises.rm(path.join(this.root, ".lerobot-ts"), { recursive: true, force: true });
    return { discardedFrames };
  }

  private assertOpen(): void {
    if (this.closed) throw new DatasetError(`the writer of ${this.root} was finalized`);
    if (this.saveFailure) {
      throw new DatasetError(`the last saveEpisode failed (${this.saveFailure.message}); call discardEpisode() to drop that take`);
    }
  }

  /** Start the cameras' encoders that are not running yet (at most `limit` of them). */
  private async startEncoders(limit = Infinity): Promise<void> {
    let started = 0;
    for (const camera of this.cameras) {
      if (camera.encoder) continue;
      if (started++ >= limit) return;
      const outPath = path.join(this.root, TMP_DIR, `${safeName(camera.key)}-${++this.clipCounter}.mp4`);
      await fs.promises.mkdir(path.dirname(outPath), { recursive: true });
      camera.encoder = EpisodeVideoEncoder.start({
        ...this.encoder!, ffmpeg: this.ffmpeg!, outPath, width: camera.width, height: camera.height, fps: this.info.fps,
      });
    }
  }

  private async finishEncoders(length: number): Promise<Map<string, string>> {
    const clips = new Map<string, string>();
    await Promise.all(this.cameras.map(async (camera) => {
      const { path: clip, frames } = await camera.encoder!.finish();
      if (frames !== length) throw new DatasetError(`camera '${camera.key}' encoded ${frames} frames for an episode of ${length}`);
      clips.set(camera.key, clip);
    }));
    return clips;
  }

  /**
   * Append a camera's clip to its current mp4 (or the next one when the size limit would be
   * passed) and read back where the episode landed. The camera's cursor is not moved here: the
   * caller moves it once the whole save is committed.
   */
  private async appendVideo(camera: CameraState, clip: string, length: number, transaction: SaveTransaction): Promise<{ location: EpisodeVideoLocation; file: string; cursor: FileCursor }> {
    const cursor = { ...camera.cursor };
    const clipBytes = (await fs.promises.stat(clip)).size;
    if (cursor.exists) {
      const currentBytes = (await fs.promises.stat(this.videoPath(camera.key, cursor))).size;
      if (currentBytes + clipBytes >= this.info.video_files_size_in_mb * MIB) {
        Object.assign(cursor, nextChunkFile(cursor.chunk, cursor.file, this.info.chunks_size), { exists: false });
      }
    }
    const target = this.videoPath(camera.key, cursor);
    // The clip's frames and times, read while it is small.
    const clipProbe = await probeMp4(clip);
    if (clipProbe.frameCount !== length) throw new DatasetError(`${clip} has ${clipProbe.frameCount} frames for an episode of ${length}`, { file: clip });
    // The file's layout from the previous append (reading it again costs O(file)); the append
    // changes it, so it is kept again only from a successful append, and dropped by its undo.
    const known = this.mp4Layouts.get(camera.key);
    this.mp4Layouts.delete(camera.key);
    const appended = await appendClip({ ffmpeg: this.ffmpeg!, target, clip, layout: known?.file === target ? known.layout : undefined });
    if (appended.layout) this.mp4Layouts.set(camera.key, { file: target, layout: appended.layout });
    transaction.done(() => {
      this.mp4Layouts.delete(camera.key);
      return appended.undo();
    });
    const at = (fromTimestampS: number, toTimestampS: number): EpisodeVideoLocation => ({ chunkIndex: cursor.chunk, fileIndex: cursor.file, fromTimestampS, toTimestampS });
    let location: EpisodeVideoLocation;
    if (appended.before) {
      // Appended in place: the clip starts where the file's frames ended (the sum of their
      // durations), read from the sample tables the append already parsed; probing the whole,
      // growing file here made every save O(file).
      const { ticks, timescale } = appended.before;
      const ticksOf = (seconds: number) => Math.round(seconds * timescale);
      location = at((ticks + ticksOf(clipProbe.timestampsS[0]!)) / timescale, (ticks + ticksOf(clipProbe.durationS)) / timescale);
    } else if (!cursor.exists) {
      location = at(0, clipProbe.durationS);
    } else {
      // Remuxed by ffmpeg: read back where the episode landed.
      const probe = await probeMp4(target);
      location = at(probe.timestampsS[probe.frameCount - length]!, probe.durationS);
    }
    return { location, file: target, cursor: { ...cursor, exists: true } };
  }

  private async fillVideoInfo(info: DatasetInfo, files: Record<string, string>): Promise<void> {
    const features = structuredClone(info.features);
    for (const camera of this.cameras) {
      const info = await videoFeatureInfo(this.ffmpeg!, files[camera.key]!, this.encoder!, features[camera.key]!.info);
      features[camera.key] = { ...features[camera.key]!, info };
    }
    info.features = features;
  }

  private episodeStats(defaults: Record<string, TypedArray>): DatasetStats {
    const stats: DatasetStats = {};
    for (const [key, feature] of Object.entries(this.info.features)) {
      if (feature.dtype === "video") stats[key] = this.cameras.find((c) => c.key === key)!.stats.result();
      else if (feature.dtype === "image") stats[key] = this.imageStats.get(key)!.result();
      else if (key in defaults) stats[key] = computeNumericStats(defaults[key]!, 1);
      else if (isNumericDtype(feature.dtype)) stats[key] = computeNumericStats(this.buffer.numericValues(key), featureSize(feature));
    }
    return stats;
  }

  /** One Arrow record batch holding the episode's rows, columns in features order. */
  private episodeBatch(length: number, defaults: Record<string, TypedArray>): arrow.RecordBatch {
    const schema = dataSchema(this.info.features);
    const children = dataColumnKeys(this.info.features).map((key) => {
      const feature = this.info.features[key]!;
      if (feature.dtype === "image") return imageColumnData(this.buffer.imageValues(key), "png");
      const type = arrowTypeForFeature(key, feature);
      const values = defaults[key] ?? (feature.dtype === "string" ? this.buffer.stringValues(key) : this.buffer.numericValues(key));
      return columnData(type, values, length);
    });
    return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length, children }));
  }

  private rotateData(): void {
    this.dataFile = undefined;
    Object.assign(this.dataCursor, nextChunkFile(this.dataCursor.chunk, this.dataCursor.file, this.info.chunks_size), { exists: false });
    this.dataFileFrames = 0;
    this.dataFileBytes = 0;
  }

  private rotateMeta(): void {
    Object.assign(this.metaCursor, nextChunkFile(this.metaCursor.chunk, this.metaCursor.file, this.info.chunks_size), { exists: false });
    this.metaFile = undefined;
    this.metaOpenRows = [];
    this.metaFileBytes = 0;
  }

  /**
   * Clear the episode state and start the next take's encoders now, in the reset time between
   * episodes, so ffmpeg's start-up (50-150 ms) does not make the first frames of the take late.
   */
  private async resetEpisode(): Promise<void> {
    this.buffer = new EpisodeBuffer(this.userFeatures);
    for (const camera of this.cameras) {
      camera.encoder = undefined;
      camera.stats = new ImageStatsAccumulator(camera.width, camera.height);
    }
    this.imageStats = imageAccumulators(this.info.features);
    if (!this.prestartEncoders) return;
    await this.startEncoders();
    for (const camera of this.cameras) camera.encoder!.keepAlive(false);
  }

  private dataPath(cursor: FileCursor): string {
    return resolveInside(this.root, formatTemplate(this.info.data_path, { chunk_index: cursor.chunk, file_index: cursor.file }));
  }

  private metaPath(cursor: FileCursor): string {
    return resolveInside(this.root, formatTemplate(EPISODES_PATH, { chunk_index: cursor.chunk, file_index: cursor.file }));
  }

  private videoPath(key: string, cursor: FileCursor): string {
    return resolveInside(this.root, formatTemplate(this.info.video_path!, { video_key: key, chunk_index: cursor.chunk, file_index: cursor.file }));
  }
}

/** A small file (tasks, stats, info) staged beside its name; undo puts back what was there. */
async function stageReplacement(target: string, content: Uint8Array | string): Promise<SaveStep> {
  const previous = await fs.promises.readFile(target).catch(() => undefined);
  const staged = await stageFileAtomic(target, content);
  return {
    commit: () => staged.commit(),
    undo: async () => {
      if (!staged.committed) await staged.abort();
      else if (previous) await writeFileAtomic(target, previous);
      else await fs.promises.rm(target, { force: true });
    },
  };
}

function imageAccumulators(features: Record<string, Feature>): Map<string, ImageStatsAccumulator> {
  const out = new Map<string, ImageStatsAccumulator>();
  for (const [key, f] of Object.entries(features)) {
    if (f.dtype === "image") out.set(key, new ImageStatsAccumulator(f.shape[1]!, f.shape[0]!));
  }
  return out;
}

function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** timestamp, frame_index, episode_index, index, task_index of an episode's rows. */
function defaultColumns(length: number, fps: number, episodeIndex: number, fromIndex: number, taskIndices: number[]): Record<string, TypedArray> {
  const timestamp = new Float32Array(length);
  const frameIndex = new BigInt64Array(length);
  const index = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    timestamp[i] = i / fps;
    frameIndex[i] = BigInt(i);
    index[i] = BigInt(fromIndex + i);
  }
  return {
    timestamp,
    frame_index: frameIndex,
    episode_index: new BigInt64Array(length).fill(BigInt(episodeIndex)),
    index,
    task_index: BigInt64Array.from(taskIndices, (t) => BigInt(t)),
  };
}

/** Validate user features and append the default ones, as LeRobot's create() does. */
function checkFeatureSpecs(specs: Record<string, FeatureSpec>, useVideos: boolean): Record<string, Feature> {
  const features: Record<string, Feature> = {};
  for (const [key, spec] of Object.entries(specs ?? {})) {
    // As LeRobot (utils/feature_utils.py _validate_feature_names): '/' separates the flattened
    // episode columns (`stats/<feature>/min`, `videos/<key>/chunk_index`).
    if (key.includes("/")) throw new FrameValidationError(key, "contains '/', which LeRobot refuses in feature names (it separates the episodes metadata columns)");
    if (key in DEFAULT_FEATURES) throw new FrameValidationError(key, "is added by the writer; do not declare it");
    if (key === "task") throw new FrameValidationError(key, "is reserved for the frame's task text");
    if (!spec || !Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new FrameValidationError(key, "needs a shape of positive integers");
    }
    const names = spec.names === undefined ? null : spec.names;
    if (spec.dtype === "video" || spec.dtype === "image") {
      if (spec.shape.length !== 3 || spec.shape[2] !== 3) throw new FrameValidationError(key, `camera shape must be [height, width, 3], got [${spec.shape.join(", ")}]`);
      // As LeRobot: without videos, cameras are `image` features, PNG files inside the data parquet.
      const dtype = spec.dtype === "video" && useVideos ? "video" : "image";
      // LeRobot v0.6 gives every camera `info: {"is_depth_map": ...}` at creation
      // (utils/feature_utils.py hw_to_dataset_features); the video.* keys follow the first save.
      features[key] = { dtype, shape: [...spec.shape], names: names ?? ["height", "width", "channels"], info: { is_depth_map: false } };
    } else if (spec.dtype === "float16") {
      throw new FrameValidationError(key, "float16 features cannot be written yet (use float32)");
    } else if (isNumericDtype(spec.dtype) || spec.dtype === "string") {
      // Datasets with 2-5 dimensional features are read, but the writer stores vectors only.
      if (spec.shape.length !== 1) throw new FrameValidationError(key, `shape [${spec.shape.join(", ")}] cannot be written yet (only [1] and [n]; flatten it to [${spec.shape.reduce((a, b) => a * b, 1)}])`);
      const feature: Feature = { dtype: spec.dtype, shape: [...spec.shape], names };
      arrowTypeForFeature(key, feature);
      features[key] = feature;
    } else if (spec.dtype === "language") {
      throw new FrameValidationError(key, "language columns are added by LeRobot's annotation pipeline after recording; the writer does not record them");
    } else {
      throw new FrameValidationError(key, `unknown dtype '${spec.dtype}'`);
    }
  }
  return { ...features, ...structuredClone(DEFAULT_FEATURES) };
}

async function pickEncoder(settings: VideoEncoderSettings): Promise<{ ffmpeg: FfmpegInfo; encoder: ResolvedEncoderSettings }> {
  const requested = settings.vcodec ?? "auto";
  const aliases: Record<string, string> = { h264: "libx264", hevc: "libx265", av1: "libsvtav1" };
  const wanted = aliases[requested] ?? requested;
  const ffmpeg = await findFfmpeg(wanted === "auto" ? {} : { requireEncoder: wanted });
  return { ffmpeg, encoder: resolveEncoderSettings(resolveVideoCodec(requested, ffmpeg), settings) };
}

/**
 * On resume, new videos match the ones there: the codec in info.json and, for that same codec,
 * the encoder settings recorded beside it; what the caller passes wins.
 */
function resumeEncoderSettings(info: DatasetInfo, options: ResumeOptions): VideoEncoderSettings {
  const key = videoKeys(info.features)[0];
  const codec = codecFromInfo(info);
  const requested = options.vcodec ?? options.encoder?.vcodec;
  const sameCodec = requested === undefined || (codec !== undefined && codecFamily(requested) === codecFamily(codec));
  const recorded = sameCodec && key ? encoderSettingsFromInfo(info.features[key]!.info) : {};
  return { ...recorded, ...options.encoder, ...definedOnly({ vcodec: requested ?? codec, crf: options.crf }) };
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The encoder matching the codec of the videos already in the dataset, so files stay uniform. */
function codecFromInfo(info: DatasetInfo): string | undefined {
  for (const key of videoKeys(info.features)) {
    const codec = videoInfoOf(info.features[key]).codec;
    if (codec) return codec;
  }
  return undefined;
}

async function assertEmptyOrMissing(root: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.promises.readdir(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    throw new DatasetError(`cannot create a dataset at ${root}: ${(error as Error).message}`, { file: root, cause: error });
  }
  if (entries.length > 0) {
    throw new DatasetError(`cannot create a dataset at ${root}: the folder exists and is not empty (resume it instead?)`, { file: root });
  }
}

async function readBareInfo(file: string): Promise<DatasetInfo | undefined> {
  try {
    return parseInfo(JSON.parse(await fs.promises.readFile(file, "utf8")));
  } catch {
    return undefined;
  }
}

/** Remove files a killed writer staged but never renamed into place. */
async function removeStagedFiles(root: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.startsWith(".") && /\.(staged|tmp\.mp4|concat\.txt)$/.test(entry.name)) await fs.promises.rm(full, { force: true });
    }
  };
  for (const sub of ["meta", "data", "videos"]) await walk(path.join(root, sub));
}

/** Let the event loop run pending timers and I/O before the next synchronous step. */
function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
