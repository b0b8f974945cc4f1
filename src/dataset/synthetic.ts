/**
 * A synthetic dataset: smooth joint trajectories and moving test-pattern cameras, written with
 * DatasetWriter. For trying the toolchain (and a training loader) with no hardware at all.
 */
import type { FeatureSpec } from "./writer.js";
import { DatasetWriter } from "./writer.js";

export const SO101_JOINTS = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"].map((m) => `${m}.pos`);

/** Options of writeSyntheticDataset. */
export interface SyntheticDatasetOptions {
  /** The dataset folder to create; it must not exist. */
  root: string;
  /** Default "local/synthetic". */
  repoId?: string;
  /** Episodes to write (default 3). */
  episodes?: number;
  /** Frames per episode. */
  frames?: number;
  /** Default 30. */
  fps?: number;
  /** Camera names (default front and wrist); [] for none. */
  cameras?: string[];
  /** Camera frame size (default 320 x 240). */
  width?: number;
  height?: number;
  /** As DatasetWriterOptions.vcodec. */
  vcodec?: string;
  /** The task text of every frame. */
  task?: string;
  /** Called after each saved episode. */
  onEpisode?: (episodeIndex: number, length: number) => void;
}

/** Joint positions in degrees (gripper 0..100) of a slow reaching motion, different per episode. */
export function syntheticJoints(episode: number, t: number): number[] {
  const phase = episode * 0.7;
  return [
    30 * Math.sin(0.6 * t + phase),
    -20 + 25 * Math.sin(0.4 * t + phase),
    40 + 30 * Math.cos(0.5 * t + phase),
    15 * Math.sin(0.9 * t),
    45 * Math.sin(0.3 * t + phase),
    50 + 45 * Math.sin(1.2 * t),
  ];
}

/** A moving colour gradient with a bright square whose position follows the frame index. */
export function syntheticImage(width: number, height: number, frameIndex: number, cameraIndex: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const shift = frameIndex * 2;
  const size = Math.max(4, Math.floor(Math.min(width, height) / 6));
  const bx = (frameIndex * 3 + cameraIndex * 17) % Math.max(1, width - size);
  const by = Math.floor((height - size) / 2 + ((height - size) / 3) * Math.sin(frameIndex / 10));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inBox = x >= bx && x < bx + size && y >= by && y < by + size;
      out[i] = inBox ? 250 : (x + shift) & 255;
      out[i + 1] = inBox ? 250 : (y * 2 + cameraIndex * 60) & 255;
      out[i + 2] = inBox ? 40 : 128 + (((x ^ y) >> 3) & 63);
    }
  }
  return out;
}

/**
 * Write a complete SO-101-shaped dataset with no hardware: smooth joint trajectories (action and a
 * state lagging it by a tick) and moving test-pattern cameras, through DatasetWriter, then
 * finalize it. For trying the toolchain or a training loader. Resolves with the finalized writer;
 * rejects as DatasetWriter.create / addFrame / saveEpisode do (DatasetError for an existing
 * folder, VideoError when ffmpeg is missing or fails).
 */
export async function writeSyntheticDataset(options: SyntheticDatasetOptions): Promise<DatasetWriter> {
  const fps = options.fps ?? 30;
  const cameras = options.cameras ?? ["front", "wrist"];
  const width = options.width ?? 320;
  const height = options.height ?? 240;
  const features: Record<string, FeatureSpec> = {
    action: { dtype: "float32", shape: [6], names: SO101_JOINTS },
    "observation.state": { dtype: "float32", shape: [6], names: SO101_JOINTS },
  };
  for (const cam of cameras) features[`observation.images.${cam}`] = { dtype: "video", shape: [height, width, 3], names: ["height", "width", "channels"] };
  const writer = await DatasetWriter.create({
    root: options.root, repoId: options.repoId ?? "local/synthetic", fps, robotType: "so101_follower", features,
    ...(options.vcodec ? { vcodec: options.vcodec } : {}),
  });
  const episodes = options.episodes ?? 3;
  const frames = options.frames ?? 60;
  for (let e = 0; e < episodes; e++) {
    for (let k = 0; k < frames; k++) {
      const t = k / fps;
      const action = syntheticJoints(e, t);
      // The follower lags its command by about one tick, as a real arm does.
      const state = syntheticJoints(e, Math.max(0, t - 1 / fps));
      const frame: Record<string, unknown> = { task: options.task ?? "Move the arm through a synthetic reach", action, "observation.state": state };
      cameras.forEach((cam, c) => { frame[`observation.images.${cam}`] = syntheticImage(width, height, k, c); });
      await writer.addFrame(frame as never);
    }
    const saved = await writer.saveEpisode();
    options.onEpisode?.(saved.episodeIndex, saved.length);
  }
  await writer.finalize();
  return writer;
}
