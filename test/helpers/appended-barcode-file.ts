/**
 * A dataset video file of two episodes appended in place, as the writer makes it: episode 0 has
 * 20 barcode frames, episode 1 has 17 (frame k of episode e carries [e, k]), 160x120 at 30 fps.
 * 37 frames in all: (37 - 1) / 30 s is a whole number of ms, where a short edit list hides the last frame.
 */
import path from "node:path";
import { appendClip } from "../../src/dataset/video/append.js";
import { EpisodeVideoEncoder } from "../../src/dataset/video/encoder.js";
import type { FfmpegInfo } from "../../src/system/ffmpeg.js";
import { barcodeFrame } from "./barcode.js";

export const APPENDED = { width: 160, height: 120, fps: 30, framesA: 20, framesB: 17 } as const;

/** Clip `dir/name` of `frames` barcode frames [episode, k] at APPENDED's size and rate. */
export async function encodeEpisodeClip(ffmpeg: FfmpegInfo, vcodec: string, outPath: string, episode: number, frames: number): Promise<{ path: string; frames: number }> {
  const { width, height, fps } = APPENDED;
  const encoder = EpisodeVideoEncoder.start({ ffmpeg, outPath, width, height, fps, vcodec });
  for (let k = 0; k < frames; k++) await encoder.write(barcodeFrame(width, height, [episode, k]));
  return encoder.finish();
}

/** `dir/file-000.mp4`: episode 0 then episode 1, appended with appendClip (clips encoded in `dir/clips`). */
export async function appendedBarcodeFile(ffmpeg: FfmpegInfo, vcodec: string, dir: string): Promise<string> {
  const target = path.join(dir, "file-000.mp4");
  const a = await encodeEpisodeClip(ffmpeg, vcodec, path.join(dir, "clips", "a.mp4"), 0, APPENDED.framesA);
  await appendClip({ ffmpeg, target, clip: a.path });
  const b = await encodeEpisodeClip(ffmpeg, vcodec, path.join(dir, "clips", "b.mp4"), 1, APPENDED.framesB);
  await appendClip({ ffmpeg, target, clip: b.path });
  return target;
}
