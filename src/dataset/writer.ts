/**
 * DatasetWriter: frames in, a LeRobot v3.0 dataset out. Each episode becomes one row group of
 * the current data file, appended without re-encoding what is already there. After every
 * saveEpisode the folder is a complete, valid dataset (docs/ARCHITECTURE.md "Crash safety"): files are
 * staged beside their final name and renamed into place, and info.json, the commit point, is
 * written last.
 *
 * This file keeps the lifecycle and the order of a save; the parts live beside it:
 * feature-specs.ts, encoder-choice.ts, writer-start.ts (create/resume), camera-clips.ts
 * (encoders, mp4 appends), episode-columns.ts (rows and stats), file-cursors.ts and
 * file-rotation.ts (which file is next), episode-commit.ts (staging and the switch order).
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { DatasetError } from "../errors.js";
import { CameraClips } from "./camera-clips.js";
import type { VideoEncoding } from "./encoder-choice.js";
import { pickEncoder, requestedEncoderSettings, resumeEncoderSettings } from "./encoder-choice.js";
import type { Frame } from "./episode-buffer.js";
import { EpisodeBuffer, validateFrame } from "./episode-buffer.js";
import { buildEpisodeBatch, computeEpisodeStats, defaultColumns, imageAccumulators } from "./episode-columns.js";
import { commitEpisodeFiles } from "./episode-commit.js";
import type { EpisodeRecord } from "./episodes.js";
import { buildEpisodesTable } from "./episodes.js";
import { checkFeatureSpecs } from "./feature-specs.js";
import type { FeatureSpec } from "./feature-specs.js";
import type { FileCursor } from "./file-cursors.js";
import { cursorFile, firstFile } from "./file-cursors.js";
import { DataFileTarget, EpisodesFileTarget } from "./file-rotation.js";
import type { DatasetInfo, Feature } from "./info.js";
import { DEFAULT_FEATURES, EPISODES_PATH, INFO_PATH, toPythonJson, videoKeys } from "./info.js";
import { acquireWriterLock, releaseWriterLock } from "./lock.js";
import { encodeParquet } from "./parquet.js";
import { encodePng } from "./png.js";
import { SaveTransaction } from "./save-transaction.js";
import { lapTimer } from "./save-timings.js";
import type { DatasetStats, ImageStatsAccumulator } from "./stats.js";
import { aggregateStats, statsToPythonJson } from "./stats.js";
import { writeFileAtomic } from "./atomic.js";
import type { VideoEncoderSettings } from "./video/index.js";
import { assertEmptyOrMissing, checkCreateNumbers, newDatasetInfo, readForResume } from "./writer-start.js";

export type { Frame, FrameValue } from "./episode-buffer.js";
export type { FeatureSpec } from "./feature-specs.js";

/**
 * What DatasetWriter.create makes: the folder, the features and how files are written. Invalid
 * values are refused by create (see there) before anything is written.
 */
export interface DatasetWriterOptions {
  /** The dataset folder to create (must not exist, or be empty). */
  root: string;
  repoId: string;
  /** Frames per second, a positive integer: frame k of an episode gets timestamp k / fps. */
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
  /** Files per chunk folder (LeRobot's chunks_size, default 1000), a positive integer. */
  chunksSize?: number;
  /** Size past which the next episode starts a new data (and episodes metadata) file, in MB (default 100). */
  dataFilesSizeInMb?: number;
  /** Size past which a camera's next clip starts a new mp4, in MB (default 200). */
  videoFilesSizeInMb?: number;
}

/**
 * How DatasetWriter.resume encodes the new episodes' videos. By default exactly as the dataset's
 * videos already are (the codec in info.json and, for that codec, its recorded settings), so
 * every mp4 of the dataset stays uniform.
 */
export interface ResumeOptions {
  /** Override the codec; by default the codec already in info.json is kept. */
  vcodec?: string;
  crf?: number;
  /** Override encoder settings; by default those recorded in info.json (video.g, video.crf, ...) are kept for the same codec. */
  encoder?: VideoEncoderSettings;
}

/** What DatasetWriter.saveEpisode resolves with: the episode now committed on disk and where it went. */
export interface SavedEpisode {
  /** The episode's index in the dataset (0 for the first). */
  episodeIndex: number;
  /** Its frames. */
  length: number;
  /** Its distinct tasks, in the order they first came. */
  tasks: string[];
  /** The data parquet holding its rows (absolute path). */
  dataFile: string;
  /** Per camera feature, the mp4 holding its clip (absolute path); empty without video features. */
  videoFiles: Record<string, string>;
  /** Where saveEpisode spent its time, in milliseconds (for progress displays and benchmarks). */
  timingsMs: { encoderFlush: number; stats: number; videoAppend: number; metadata: number; commit: number; total: number };
}

/**
 * Writes a LeRobot v3.0 dataset, one episode at a time: DatasetWriter.create starts a new one,
 * DatasetWriter.resume continues one on disk; addFrame adds frames to the episode being recorded,
 * saveEpisode makes it part of the dataset, discardEpisode drops it, finalize closes the writer.
 *
 * After create and after every saveEpisode the folder is a complete dataset that Python LeRobot
 * loads: a crash loses at most the episode being recorded (resume trims what a killed save
 * left). A writer holds the folder's writer lock (`.lerobot-ts/lock`, with its pid) from create
 * or resume on; another writer of the same folder is refused while this process lives. With
 * video features it runs one ffmpeg encoder process per camera for the episode being recorded
 * (started by the first addFrame, or ahead of it, see prestartEncoders) and writes the clips
 * under `.lerobot-ts/tmp` until they are appended to the dataset's mp4 files.
 *
 * Errors: DatasetError for a dataset or call that is wrong (FrameValidationError, its subclass,
 * for a frame or feature that does not match), VideoError when ffmpeg is missing, lacks the
 * encoder or fails. Methods are not meant to run concurrently: await each call before the next.
 */
export class DatasetWriter {
  private buffer: EpisodeBuffer;
  private readonly userFeatures: Record<string, Feature>;
  private readonly cameras: CameraClips;
  private readonly data: DataFileTarget;
  private readonly episodes: EpisodesFileTarget;
  private readonly taskIndex = new Map<string, number>();
  private closed = false;
  /** Set when a saveEpisode failed; only discardEpisode clears it. */
  private saveFailure: Error | undefined;
  /** Stats of the episode's image features (cameras kept in the parquet as PNG). */
  private imageStats: Map<string, ImageStatsAccumulator>;

  private constructor(
    /** The dataset folder (absolute). */
    readonly root: string,
    private readonly info: DatasetInfo,
    private readonly tasks: string[],
    private stats: DatasetStats | undefined,
    cursors: { data: FileCursor; meta: FileCursor; cameras: Record<string, FileCursor> },
    private readonly video: VideoEncoding | undefined,
  ) {
    this.userFeatures = Object.fromEntries(
      Object.entries(info.features).filter(([k]) => !(k in DEFAULT_FEATURES)),
    );
    tasks.forEach((t, i) => this.taskIndex.set(t, i));
    this.buffer = new EpisodeBuffer(this.userFeatures);
    this.imageStats = imageAccumulators(info.features);
    this.cameras = new CameraClips(root, info, cursors.cameras, video);
    this.data = new DataFileTarget(root, info, cursors.data);
    this.episodes = new EpisodesFileTarget(root, info, cursors.meta);
  }

  /**
   * Start a new dataset at `options.root`: resolves with a writer holding the folder's writer
   * lock, once meta/info.json (0 episodes) is written.
   *
   * Throws DatasetError when the folder exists and is not empty, when another live process holds
   * its writer lock, or for an fps, chunksSize or size limit out of range; FrameValidationError
   * for a feature LeRobot cannot take (a name with '/', a reserved name, a bad shape or dtype);
   * VideoError, with video features, when no ffmpeg with the wanted encoder is found.
   */
  static async create(options: DatasetWriterOptions): Promise<DatasetWriter> {
    const root = path.resolve(options.root);
    await assertEmptyOrMissing(root);
    const features = checkFeatureSpecs(options.features, options.useVideos ?? true);
    checkCreateNumbers(options);
    const video = videoKeys(features).length > 0 ? await pickEncoder(requestedEncoderSettings(options)) : undefined;
    const info = newDatasetInfo(options, features);
    await acquireWriterLock(root);
    const writer = new DatasetWriter(root, info, [], undefined, { data: firstFile(), meta: firstFile(), cameras: {} }, video);
    await writeFileAtomic(path.join(root, INFO_PATH), toPythonJson(info));
    return writer;
  }

  /**
   * Continue a dataset on disk: the next episode gets the next index, and new rows, videos and
   * episode metadata go to new files (as LeRobot does), so files already written stay untouched.
   *
   * Takes the writer lock, then removes what a killed writer left (staged files, clips, and
   * anything a save put past info.json, the commit point; stats.json is put back from the save
   * journal). Throws DatasetError when there is no meta/info.json, another live process holds the
   * lock, or the dataset does not read back consistently; VideoError when no ffmpeg with the
   * codec is found. On a throw the lock is released again.
   */
  static async resume(rootPath: string, options: ResumeOptions = {}): Promise<DatasetWriter> {
    const root = path.resolve(rootPath);
    if (!fs.existsSync(path.join(root, INFO_PATH))) throw new DatasetError(`no dataset to resume at ${root}: ${INFO_PATH} not found`, { file: root });
    await acquireWriterLock(root);
    try {
      const dataset = await readForResume(root);
      const hasVideo = videoKeys(dataset.info.features).length > 0;
      const video = hasVideo ? await pickEncoder(resumeEncoderSettings(dataset.info, options)) : undefined;
      const cursors = { data: dataset.dataCursor, meta: dataset.metaCursor, cameras: dataset.cameraCursors };
      return new DatasetWriter(root, dataset.info, dataset.tasks, dataset.stats, cursors, video);
    } catch (error) {
      await releaseWriterLock(root);
      throw error;
    }
  }

  /** Episodes saved in the dataset. */
  get numEpisodes(): number { return this.info.total_episodes; }
  /** Frames saved in the dataset. */
  get numFrames(): number { return this.info.total_frames; }
  get fps(): number { return this.info.fps; }
  /** Index the episode being recorded will get. */
  get episodeIndex(): number { return this.info.total_episodes; }
  /** Frames added to the episode being recorded. */
  get episodeFrames(): number { return this.buffer.size; }
  /** A copy of the current info.json content. */
  get datasetInfo(): DatasetInfo { return structuredClone(this.info); }
  /** The resolved ffmpeg encoder, when the dataset has cameras. */
  get videoCodec(): string | undefined { return this.video?.encoder.vcodec; }

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
    if (!this.cameras.allStarted) {
      await this.cameras.startEncoders(options.oneAtATime ? 1 : Infinity);
      this.cameras.keepAlive(false);
    }
    return this.cameras.allStarted;
  }

  /**
   * Add one frame to the episode being recorded. Camera frames go straight to the encoders
   * (awaiting their pipes, so nothing is ever dropped; the caller may reuse its buffers once
   * this resolves). A frame that does not match the features is refused with a
   * FrameValidationError naming the feature, and nothing is added. Throws DatasetError after
   * finalize or a failed saveEpisode; VideoError when an encoder fails.
   */
  async addFrame(frame: Frame): Promise<void> {
    this.assertOpen();
    const validated = validateFrame(frame, this.userFeatures);
    if (this.buffer.size === 0) {
      await this.cameras.startEncoders();
      this.cameras.keepAlive(true);
    }
    // write() resolves once the pipe has taken the bytes, so the caller may reuse its buffers.
    await this.cameras.write(validated.images);
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
   * Resolves with where it went, once info.json counts it; then (with prestartEncoders) the next
   * take's encoders are already running.
   *
   * Throws DatasetError when the episode has no frames (nothing changes), after finalize, or
   * after an earlier failed save. If saving fails (DatasetError, VideoError, or a file system
   * error), the videos appended so far are taken back out, the dataset on disk is as before,
   * and the take can only be discarded (discardEpisode) before recording goes on.
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

    const timer = lapTimer();
    const clips = await this.cameras.finishEncoders(length);
    const encoderFlush = timer.lap();
    const episodeTasks = [...new Set(this.buffer.tasks)];
    const newTasks = episodeTasks.filter((t) => !this.taskIndex.has(t));
    const taskOf = (t: string) => this.taskIndex.get(t) ?? this.tasks.length + newTasks.indexOf(t);
    const defaults = defaultColumns(length, this.info.fps, episodeIndex, fromIndex, this.buffer.tasks.map(taskOf));

    // Between the CPU-heavy steps the event loop gets a turn: a recorder's clock runs on it.
    await breathe();
    const cameraStats = (key: string) => this.info.features[key]!.dtype === "video" ? this.cameras.stats(key) : this.imageStats.get(key)!.result();
    const episodeStats = computeEpisodeStats(this.info.features, this.buffer, defaults, cameraStats);
    const statsMs = timer.lap();
    await breathe();
    const batch = buildEpisodeBatch(this.info.features, this.buffer, length, defaults);
    await breathe();

    // Data parquet: the current file plus this episode, unless it is full (file-rotation.ts).
    const dataFile = this.data.fileFor(length);
    const dataBytes = encodeParquet(new arrow.Table([batch]));
    await breathe();

    // Videos: append each clip to its camera's current file (atomically) and read back where it landed.
    const videos = await this.cameras.appendAll(clips, length, transaction);
    const videoAppend = timer.lap();

    // Episode metadata row.
    this.episodes.rotateIfFull();
    const record: EpisodeRecord = {
      episodeIndex, tasks: episodeTasks, length,
      dataChunkIndex: this.data.cursor.chunk, dataFileIndex: this.data.cursor.file,
      datasetFromIndex: fromIndex, datasetToIndex: fromIndex + length,
      videos: videos.locations, stats: episodeStats,
      metaChunkIndex: this.episodes.cursor.chunk, metaFileIndex: this.episodes.cursor.file,
    };
    const episodeRow = this.episodes.place(record);
    await breathe();
    const episodesBytes = encodeParquet(buildEpisodesTable(episodeRow.openRows, this.info.features));
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
    if (this.cameras.count > 0 && episodeIndex === 0) await this.cameras.fillVideoInfo(info, videos.files);
    const metadata = timer.lap();

    // Stage everything, then switch: journal, tasks, data, stats.json, episodes, info.json last
    // (why this order: episode-commit.ts).
    const { dataPiece, episodesPiece } = await commitEpisodeFiles(this.root, transaction, {
      journal: {
        episodeIndex, fromIndex, length, totalTasks: this.info.total_tasks, newTasks,
        dataFile: cursorFile(this.info.data_path, this.data.cursor), episodesFile: cursorFile(EPISODES_PATH, this.episodes.cursor),
      },
      tasks, dataFile, dataBytes, statsText: statsToPythonJson(stats), episodes: episodeRow, episodesBytes, info,
    });

    // Only now, with everything on disk, move the in-memory state forward.
    this.cameras.commitCursors(videos.cursors);
    Object.assign(this.info, info);
    for (const t of newTasks) this.taskIndex.set(t, this.tasks.push(t) - 1);
    this.stats = stats;
    this.data.accept(dataFile, dataPiece, length);
    this.episodes.accept(episodeRow, episodesPiece);
    await this.resetEpisode();
    const commit = timer.lap();
    const timingsMs = { encoderFlush, stats: statsMs, videoAppend, metadata, commit, total: timer.total() };
    return { episodeIndex, length, tasks: episodeTasks, dataFile: dataFile.path, videoFiles: videos.files, timingsMs };
  }

  /**
   * Throw away the episode being recorded (frames, partial videos: its encoders are stopped);
   * the next take reuses its index. Also the way on after a failed saveEpisode. Throws
   * DatasetError after finalize.
   */
  async discardEpisode(): Promise<void> {
    this.saveFailure = undefined;
    this.assertOpen();
    await this.cameras.abort();
    await this.resetEpisode();
  }

  /**
   * Close the writer: stops its encoders and removes `.lerobot-ts` (the writer lock, clips, any
   * save journal). An episode that was not saved is discarded (say so by checking
   * episodeFrames first), and resolves with its frame count; everything saved is already
   * complete on disk. A second call resolves with 0; any other method then throws DatasetError.
   */
  async finalize(): Promise<{ discardedFrames: number }> {
    if (this.closed) return { discardedFrames: 0 };
    const discardedFrames = this.buffer.size;
    await this.cameras.abort();
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

  /**
   * Clear the episode state and start the next take's encoders now, in the reset time between
   * episodes, so ffmpeg's start-up (50-150 ms) does not make the first frames of the take late.
   */
  private async resetEpisode(): Promise<void> {
    this.buffer = new EpisodeBuffer(this.userFeatures);
    this.cameras.reset();
    this.imageStats = imageAccumulators(this.info.features);
    if (!this.prestartEncoders) return;
    await this.cameras.startEncoders();
    this.cameras.keepAlive(false);
  }
}

/** Let the event loop run pending timers and I/O before the next synchronous step. */
function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
