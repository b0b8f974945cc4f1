/**
 * A small synthetic dataset for tests: joint vectors that encode (episode, frame) exactly and
 * camera frames that carry the same pair as a barcode, so anything read back can be checked.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DatasetWriterOptions, FeatureSpec } from "../../src/dataset/writer.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { barcodeFrame } from "./barcode.js";

export const JOINTS = ["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"];

export function tempDir(prefix = "lerobot-ts-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function features(cameras: string[], width: number, height: number): Record<string, FeatureSpec> {
  const out: Record<string, FeatureSpec> = {
    action: { dtype: "float32", shape: [6], names: JOINTS },
    "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
  };
  for (const cam of cameras) out[`observation.images.${cam}`] = { dtype: "video", shape: [height, width, 3], names: ["height", "width", "channels"] };
  return out;
}

/** Value j of the state vector at (episode e, frame k): exact in float32. */
export const stateValue = (e: number, k: number, j: number) => e * 1000 + k + j / 8;
export const actionValue = (e: number, k: number, j: number) => -(e * 1000 + k) - j / 4;

export function makeFrame(e: number, k: number, cameras: string[], width: number, height: number, task: string) {
  const frame: Record<string, unknown> = {
    task,
    action: JOINTS.map((_, j) => actionValue(e, k, j)),
    "observation.state": JOINTS.map((_, j) => stateValue(e, k, j)),
  };
  cameras.forEach((cam, c) => { frame[`observation.images.${cam}`] = barcodeFrame(width, height, [e, k, c]); });
  return frame as never;
}

export interface SyntheticOptions extends Partial<DatasetWriterOptions> {
  root: string;
  episodes: number[];
  cameras?: string[];
  width?: number;
  height?: number;
  tasks?: (e: number) => string;
}

/** Write a dataset whose episode e has `episodes[e]` frames. */
export async function writeSynthetic(options: SyntheticOptions): Promise<DatasetWriter> {
  const cameras = options.cameras ?? ["front", "wrist"];
  const width = options.width ?? 96;
  const height = options.height ?? 64;
  const writer = await DatasetWriter.create({
    repoId: "test/synthetic", fps: 30, robotType: "so101_follower",
    features: features(cameras, width, height), ...options,
  });
  for (const [e, length] of options.episodes.entries()) {
    for (let k = 0; k < length; k++) {
      await writer.addFrame(makeFrame(e, k, cameras, width, height, options.tasks?.(e) ?? "pick the cube"));
    }
    await writer.saveEpisode();
  }
  return writer;
}
