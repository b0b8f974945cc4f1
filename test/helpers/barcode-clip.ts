/** An H.264 clip of barcode frames (see barcode.ts), written by the writer's own encoder. */
import path from "node:path";
import { EpisodeVideoEncoder, resolveEncoderSettings } from "../../src/dataset/video/index.js";
import type { FfmpegInfo } from "../../src/dataset/video/index.js";
import { barcodeFrame } from "./barcode.js";

/** `dir/name`: `frames` frames of width x height, frame k carrying [seed, k, 0], at 30 fps. */
export async function encodeBarcodeClip(ffmpeg: FfmpegInfo, dir: string, name: string, width: number, height: number, frames: number, seed: number): Promise<string> {
  const outPath = path.join(dir, name);
  const encoder = EpisodeVideoEncoder.start({ ...resolveEncoderSettings("libx264", {}), ffmpeg, outPath, width, height, fps: 30 });
  for (let k = 0; k < frames; k++) await encoder.write(barcodeFrame(width, height, [seed, k, 0]));
  await encoder.finish();
  return outPath;
}
