/**
 * Video codec names as users give them (LeRobot's vcodec values and ffmpeg's encoder names), the
 * encoder each maps to, and the stream codec each writes.
 */
import { VideoError } from "../../errors.js";
import type { FfmpegInfo } from "../../system/index.js";

const CODEC_ALIASES: Record<string, string> = {
  libx264: "libx264",
  h264: "libx264",
  libx265: "libx265",
  hevc: "libx265",
  libsvtav1: "libsvtav1",
  av1: "libsvtav1",
  "libaom-av1": "libaom-av1",
};
const AUTO_ORDER = ["libx264", "libsvtav1", "libx265"];

/** The stream codec an encoder or codec name writes (`libx264` -> `h264`), as ffmpeg names streams. */
export function codecFamily(name: string): string {
  const families: Record<string, string> = { libx264: "h264", avc: "h264", libx265: "hevc", h265: "hevc", libsvtav1: "av1", libaom: "av1", "libaom-av1": "av1" };
  return families[name] ?? name;
}

/** The codec names resolveVideoCodec takes (besides `auto`). */
export const VIDEO_CODEC_NAMES = Object.keys(CODEC_ALIASES);

/**
 * Maps a user's codec choice to an ffmpeg encoder this ffmpeg has. `auto` prefers libx264: it
 * keeps up in real time on small machines (svt-av1 at preset 12 is ~6x slower).
 */
export function resolveVideoCodec(requested: string, ffmpeg: FfmpegInfo): string {
  const available = AUTO_ORDER.filter((e) => ffmpeg.encoders.has(e));
  const listed = available.length > 0 ? available.join(", ") : "none of libx264, libsvtav1, libx265";
  const choice = requested.trim().toLowerCase();
  if (choice === "auto") {
    const first = available[0];
    if (first === undefined) throw new VideoError(`ffmpeg at ${ffmpeg.path} has no usable video encoder (wanted one of ${AUTO_ORDER.join(", ")})`, { file: ffmpeg.path });
    return first;
  }
  const encoder = CODEC_ALIASES[choice];
  if (encoder === undefined) {
    throw new VideoError(`unknown video codec '${requested}': use auto, h264/libx264, hevc/libx265 or av1/libsvtav1 (this ffmpeg has: ${listed})`);
  }
  if (!ffmpeg.encoders.has(encoder)) {
    throw new VideoError(`video codec '${requested}' needs encoder ${encoder}, which ffmpeg at ${ffmpeg.path} (version ${ffmpeg.version}) lacks; available: ${listed}`, { file: ffmpeg.path });
  }
  return encoder;
}

