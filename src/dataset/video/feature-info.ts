/**
 * A video feature's `info` block, read from a written mp4 as LeRobot v0.6 fills it
 * (dataset_metadata.py update_video_info, video_utils.py get_video_info): the stream's facts,
 * then the encoder settings, then is_depth_map, merged over what was there so a key present
 * since creation keeps its place; the legacy `video.is_depth_map` moves to `is_depth_map`.
 */
import type { FfmpegInfo } from "../../system/index.js";
import type { ResolvedEncoderSettings } from "./encoder-settings.js";
import { encoderInfoKeys } from "./encoder-settings.js";
import { probeMp4, probePixelFormat } from "./probe.js";

export async function videoFeatureInfo(
  ffmpeg: FfmpegInfo, file: string, encoder: ResolvedEncoderSettings, existing: Record<string, unknown> | null | undefined,
): Promise<Record<string, unknown>> {
  const probe = await probeMp4(file);
  const merged: Record<string, unknown> = {
    ...existing,
    "video.height": probe.height,
    "video.width": probe.width,
    "video.codec": probe.codec,
    "video.pix_fmt": await probePixelFormat(ffmpeg, file),
    "video.fps": Math.round(probe.fps),
    "video.channels": 3,
    has_audio: probe.hasAudio,
    ...encoderInfoKeys(encoder),
    is_depth_map: false,
  };
  delete merged["video.is_depth_map"];
  return merged;
}
