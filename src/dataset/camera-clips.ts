/**
 * The cameras of a writer with video features: one ffmpeg encoder per camera per episode,
 * writing a clip under .lerobot-ts/tmp, and the append of each clip to its camera's current mp4
 * without re-encoding (video/mp4-append.ts), with where the episode landed in it.
 */
import fs from "node:fs";
import path from "node:path";
import { DatasetError } from "../errors.js";
import type { EpisodeVideoLocation } from "./episodes.js";
import type { DatasetInfo } from "./info.js";
import { videoKeys } from "./info.js";
import type { VideoEncoding } from "./encoder-choice.js";
import type { FileCursor } from "./file-cursors.js";
import { MIB, cursorPath, firstFile, moveToNextFile } from "./file-cursors.js";
import type { SaveTransaction } from "./save-transaction.js";
import { ImageStatsAccumulator } from "./stats.js";
import type { FeatureStats } from "./stats.js";
import type { Mp4Layout } from "./video/index.js";
import { EpisodeVideoEncoder, appendClip, probeMp4, videoFeatureInfo } from "./video/index.js";

/** Where episode clips are encoded before their append; a resume or finalize removes it. */
export const CLIP_DIR = ".lerobot-ts/tmp";

interface Camera {
  key: string;
  width: number;
  height: number;
  cursor: FileCursor;
  encoder: EpisodeVideoEncoder | undefined;
  stats: ImageStatsAccumulator;
}

/** What a save appended: per camera, where the episode is and the file it went to. */
export interface AppendedClips {
  locations: Record<string, EpisodeVideoLocation>;
  files: Record<string, string>;
  /** Each camera's cursor once the save is committed (commitCursors). */
  cursors: Map<string, FileCursor>;
}

export class CameraClips {
  private readonly cameras: Camera[];
  /** Numbers each episode clip so a new take never writes where the last one was. */
  private clipCounter = 0;
  /** Per camera, the layout of its current mp4 after the last append (video/mp4-layout.ts). */
  private readonly mp4Layouts = new Map<string, { file: string; layout: Mp4Layout }>();

  /** `info` is the writer's own, read live; `cursors` are the cameras' current files (a fresh dataset's first when missing). */
  constructor(
    private readonly root: string,
    private readonly info: DatasetInfo,
    cursors: Record<string, FileCursor>,
    private readonly video: VideoEncoding | undefined,
  ) {
    this.cameras = videoKeys(info.features).map((key) => {
      const [height, width] = info.features[key]!.shape as [number, number, number];
      return {
        key, width, height, cursor: cursors[key] ?? firstFile(), encoder: undefined,
        stats: new ImageStatsAccumulator(width, height),
      };
    });
  }

  get count(): number { return this.cameras.length; }

  /** Whether every camera's encoder runs. */
  get allStarted(): boolean { return this.cameras.every((c) => c.encoder); }

  /** Start the cameras' encoders that are not running yet (at most `limit` of them). */
  async startEncoders(limit = Infinity): Promise<void> {
    let started = 0;
    for (const camera of this.cameras) {
      if (camera.encoder) continue;
      if (started++ >= limit) return;
      const outPath = path.join(this.root, CLIP_DIR, `${safeName(camera.key)}-${++this.clipCounter}.mp4`);
      await fs.promises.mkdir(path.dirname(outPath), { recursive: true });
      camera.encoder = EpisodeVideoEncoder.start({
        ...this.video!.encoder, ffmpeg: this.video!.ffmpeg, outPath, width: camera.width, height: camera.height, fps: this.info.fps,
      });
    }
  }

  /** Whether the running encoders keep the Node process alive: once frames flow, not while they wait for a take. */
  keepAlive(on: boolean): void {
    for (const camera of this.cameras) camera.encoder?.keepAlive(on);
  }

  /** One frame of every camera: into its stats and its encoder; resolves once the pipes took the bytes. */
  async write(images: Map<string, Uint8Array>): Promise<void> {
    await Promise.all(this.cameras.map((camera) => {
      const image = images.get(camera.key)!;
      camera.stats.push(image);
      return camera.encoder!.write(image);
    }));
  }

  /** The episode's stats of a camera. */
  stats(key: string): FeatureStats {
    return this.cameras.find((c) => c.key === key)!.stats.result();
  }

  /** Close the encoders; resolves with each camera's clip, checked to hold `length` frames. */
  async finishEncoders(length: number): Promise<Map<string, string>> {
    const clips = new Map<string, string>();
    await Promise.all(this.cameras.map(async (camera) => {
      const { path: clip, frames } = await camera.encoder!.finish();
      if (frames !== length) throw new DatasetError(`camera '${camera.key}' encoded ${frames} frames for an episode of ${length}`);
      clips.set(camera.key, clip);
    }));
    return clips;
  }

  /** Append every camera's clip, each undone by `transaction`'s rollback. */
  async appendAll(clips: Map<string, string>, length: number, transaction: SaveTransaction): Promise<AppendedClips> {
    const appended: AppendedClips = { locations: {}, files: {}, cursors: new Map() };
    await Promise.all(this.cameras.map(async (camera) => {
      const { location, file, cursor } = await this.appendVideo(camera, clips.get(camera.key)!, length, transaction);
      appended.locations[camera.key] = location;
      appended.files[camera.key] = file;
      appended.cursors.set(camera.key, cursor);
    }));
    return appended;
  }

  /** Once the save is committed: the next clips go where this one's appends left the cameras. */
  commitCursors(cursors: Map<string, FileCursor>): void {
    for (const camera of this.cameras) {
      const cursor = cursors.get(camera.key);
      if (cursor) camera.cursor = cursor;
    }
  }

  /** Stop the encoders of the take being recorded (its clips are dropped). */
  async abort(): Promise<void> {
    await Promise.all(this.cameras.map((c) => c.encoder?.abort()));
  }

  /** Forget the episode's encoders and stats, for the next take. */
  reset(): void {
    for (const camera of this.cameras) {
      camera.encoder = undefined;
      camera.stats = new ImageStatsAccumulator(camera.width, camera.height);
    }
  }

  /** The video info (codec, size, encoder settings) of each camera's feature, read from its first file. */
  async fillVideoInfo(info: DatasetInfo, files: Record<string, string>): Promise<void> {
    const features = structuredClone(info.features);
    for (const camera of this.cameras) {
      const info = await videoFeatureInfo(this.video!.ffmpeg, files[camera.key]!, this.video!.encoder, features[camera.key]!.info);
      features[camera.key] = { ...features[camera.key]!, info };
    }
    info.features = features;
  }

  /**
   * Append a camera's clip to its current mp4 (or the next one when the size limit would be
   * passed) and read back where the episode landed. The camera's cursor is not moved here: the
   * caller moves it once the whole save is committed.
   */
  private async appendVideo(camera: Camera, clip: string, length: number, transaction: SaveTransaction): Promise<{ location: EpisodeVideoLocation; file: string; cursor: FileCursor }> {
    const cursor = { ...camera.cursor };
    const clipBytes = (await fs.promises.stat(clip)).size;
    if (cursor.exists) {
      const currentBytes = (await fs.promises.stat(this.videoPath(camera.key, cursor))).size;
      if (currentBytes + clipBytes >= this.info.video_files_size_in_mb * MIB) moveToNextFile(cursor, this.info.chunks_size);
    }
    const target = this.videoPath(camera.key, cursor);
    // The clip's frames and times, read while it is small.
    const clipProbe = await probeMp4(clip);
    if (clipProbe.frameCount !== length) throw new DatasetError(`${clip} has ${clipProbe.frameCount} frames for an episode of ${length}`, { file: clip });
    // The file's layout from the previous append (reading it again costs O(file)); the append
    // changes it, so it is kept again only from a successful append, and dropped by its undo.
    const known = this.mp4Layouts.get(camera.key);
    this.mp4Layouts.delete(camera.key);
    const appended = await appendClip({ ffmpeg: this.video!.ffmpeg, target, clip, layout: known?.file === target ? known.layout : undefined });
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

  private videoPath(key: string, cursor: FileCursor): string {
    return cursorPath(this.root, this.info.video_path!, cursor, { video_key: key });
  }
}

function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, "_");
}
