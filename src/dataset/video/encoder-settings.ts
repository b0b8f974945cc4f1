/**
 * Video encoder settings in LeRobot v0.6's terms (configs/video.py VideoEncoderConfig: vcodec,
 * pix_fmt, g, crf, preset, fast_decode, video_backend, extra_options), how they become ffmpeg
 * arguments, and how they are recorded in a video feature's info block (`video.g`, ...), which
 * is where LeRobot v0.6 keeps them (datasets/video_utils.py get_video_info).
 */
import { VideoError } from "../../errors.js";

/** A value of an extra codec option (LeRobot's `extra_options`), passed to ffmpeg as `-<key> <value>`. */
export type CodecOptionValue = string | number | boolean;

/** What a user may set; anything left out takes the codec's default. */
export interface VideoEncoderSettings {
  /** auto | h264 | libx264 | hevc | libx265 | av1 | libsvtav1 (resolved against the ffmpeg found). */
  vcodec?: string;
  /** Output pixel format (default yuv420p, as LeRobot). */
  pixFmt?: string;
  /** Keyframe interval in frames (default 2, as LeRobot: random access decodes at most one extra frame). null: the codec's own. */
  g?: number | null;
  /** Quality: lower is better. Default per codec (x264 23, svt-av1 30, x265 28). null: the codec's own. */
  crf?: number | null;
  /** Speed preset (svt-av1 0-13, x264/x265 names). Default per codec. null: the codec's own. */
  preset?: string | number | null;
  /** Fast-decode tuning, 0 disables (svt-av1 fast-decode=0..2; x264/x265 `-tune fastdecode`). */
  fastDecode?: number;
  /** More codec options (`{"tune": "film"}` becomes `-tune film`); never override the fields above. */
  extraOptions?: Record<string, CodecOptionValue>;
  /** Threads per encoder (LeRobot's `encoder_threads`: svt-av1 `lp`, x264/x265 `threads`). */
  threads?: number;
}

/** Settings with the ffmpeg encoder chosen and every default filled in. */
export interface ResolvedEncoderSettings {
  vcodec: string;
  pixFmt: string;
  g: number | null;
  crf: number | null;
  preset: string | number | null;
  fastDecode: number;
  extraOptions: Record<string, CodecOptionValue>;
  threads?: number;
}

/** LeRobot uses svt-av1 preset 12 / crf 30; x264 and x265 get their usual "fast and decent" pair. */
const CODEC_DEFAULTS: Record<string, { preset: string | number; crf: number }> = {
  libx264: { preset: "veryfast", crf: 23 },
  libsvtav1: { preset: 12, crf: 30 },
  libx265: { preset: "veryfast", crf: 28 },
};

export function resolveEncoderSettings(vcodec: string, settings: VideoEncoderSettings = {}): ResolvedEncoderSettings {
  const defaults = CODEC_DEFAULTS[vcodec];
  const resolved: ResolvedEncoderSettings = {
    vcodec,
    pixFmt: settings.pixFmt ?? "yuv420p",
    g: settings.g === undefined ? 2 : settings.g,
    crf: settings.crf === undefined ? (defaults?.crf ?? null) : settings.crf,
    preset: settings.preset === undefined ? (defaults?.preset ?? null) : settings.preset,
    fastDecode: settings.fastDecode ?? 0,
    extraOptions: { ...settings.extraOptions },
  };
  if (settings.threads !== undefined) resolved.threads = settings.threads;
  for (const [name, value] of [["g", resolved.g], ["crf", resolved.crf], ["fast_decode", resolved.fastDecode], ["threads", resolved.threads]] as const) {
    if (value !== null && value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new VideoError(`video encoder: ${name} must be a number >= 0, got ${value}`);
  }
  if (!/^[a-z0-9_]+$/.test(resolved.pixFmt)) throw new VideoError(`video encoder: pix_fmt '${resolved.pixFmt}' is not a pixel format name`);
  return resolved;
}

/** The ffmpeg output options of these settings, mapped per codec as LeRobot's get_codec_options does. */
export function codecArgs(s: ResolvedEncoderSettings): string[] {
  const opts = new Map<string, string>();
  const set = (key: string, value: CodecOptionValue | null | undefined) => {
    if (value !== null && value !== undefined) opts.set(key, String(value));
  };
  set("g", s.g);
  set("crf", s.crf);
  set("preset", s.preset);
  if (s.vcodec === "libsvtav1") {
    const params = [`fast-decode=${Math.max(0, Math.min(2, s.fastDecode))}`];
    if (s.threads !== undefined) params.push(`lp=${s.threads}`);
    set("svtav1-params", params.join(":"));
  } else {
    if (s.fastDecode && (s.vcodec === "libx264" || s.vcodec === "libx265")) set("tune", "fastdecode");
    set("threads", s.threads);
  }
  // hvc1 is the tag Apple players (and browsers on macOS) require for HEVC in mp4. x265's default
  // open GOP puts frames shown before a keyframe after it in decoding order: a seek to such a
  // frame lands on the next keyframe and skips it (seen with ffmpeg 5.1), so GOPs are closed and
  // every frame stays reachable. The user's own x265-params are added after ours.
  if (s.vcodec === "libx265") {
    set("tag:v", "hvc1");
    const extra = s.extraOptions["x265-params"];
    set("x265-params", ["log-level=error", "open-gop=0", ...(extra === undefined ? [] : [String(extra)])].join(":"));
  }
  for (const [key, value] of Object.entries(s.extraOptions)) if (!opts.has(key)) set(key, value);
  return [...opts].flatMap(([key, value]) => [`-${key}`, value]);
}

/**
 * The `video.*` encoder keys of a feature's info block, in the order LeRobot v0.6 writes them
 * (the dataclass fields of VideoEncoderConfig after vcodec and pix_fmt, which come from the
 * stream). `video.video_backend` is "pyav": Python LeRobot rebuilds an encoder config from these
 * keys (configs/video.py from_video_info) and accepts no other backend; our ffmpeg is the same
 * libav that PyAV wraps.
 */
export const ENCODER_INFO_KEYS = ["video.g", "video.crf", "video.preset", "video.fast_decode", "video.video_backend", "video.extra_options"] as const;

export function encoderInfoKeys(s: ResolvedEncoderSettings): Record<(typeof ENCODER_INFO_KEYS)[number], unknown> {
  return {
    "video.g": s.g,
    "video.crf": s.crf,
    "video.preset": s.preset,
    "video.fast_decode": s.fastDecode,
    "video.video_backend": "pyav",
    "video.extra_options": s.extraOptions,
  };
}

/** The settings a dataset's videos were written with, from a video feature's info block. */
export function encoderSettingsFromInfo(info: Record<string, unknown> | null | undefined): VideoEncoderSettings {
  const out: VideoEncoderSettings = {};
  if (!info) return out;
  const num = (key: string) => (typeof info[key] === "number" ? (info[key] as number) : undefined);
  const g = num("video.g");
  const crf = num("video.crf");
  const fastDecode = num("video.fast_decode");
  const preset = info["video.preset"];
  if (g !== undefined) out.g = g;
  if (crf !== undefined) out.crf = crf;
  if (fastDecode !== undefined) out.fastDecode = fastDecode;
  if (typeof preset === "string" || typeof preset === "number") out.preset = preset;
  const extra = info["video.extra_options"];
  if (extra && typeof extra === "object" && !Array.isArray(extra)) {
    out.extraOptions = Object.fromEntries(Object.entries(extra).filter((e): e is [string, CodecOptionValue] => ["string", "number", "boolean"].includes(typeof e[1])));
  }
  return out;
}
