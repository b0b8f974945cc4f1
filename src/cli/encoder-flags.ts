/**
 * LeRobot v0.6's video encoder flags (`--dataset.rgb_encoder.vcodec/g/crf/preset/pix_fmt/
 * fast_decode/extra_options`, `--dataset.encoder_threads`; configs/dataset.py
 * DatasetRecordConfig, configs/video.py RGBEncoderConfig) and lerobot-ts's older
 * `--dataset.vcodec`, turned into the writer's encoder settings.
 */
import type { CodecOptionValue, VideoEncoderSettings } from "../dataset/index.js";
import { VIDEO_CODEC_NAMES } from "../dataset/index.js";
import { UsageError } from "./errors.js";

/**
 * The settings the flags ask for; empty when none is given (the writer's defaults, or on resume
 * the dataset's). `prefix` is where the flags live: `dataset` for record, `operation` for
 * lerobot-edit-dataset's reencode_videos and convert_image_to_video.
 */
export function encoderSettingsFromFlags(flags: Record<string, string | undefined>, prefix = "dataset"): VideoEncoderSettings {
  const get = (name: string) => flags[`${prefix}.rgb_encoder.${name}`];
  const out: VideoEncoderSettings = {};
  const vcodec = get("vcodec") ?? flags[`${prefix}.vcodec`];
  // Checked here, before anything is opened; whether this ffmpeg has the encoder is the writer's check.
  if (vcodec !== undefined && vcodec !== "auto" && !VIDEO_CODEC_NAMES.includes(vcodec.toLowerCase())) {
    throw new UsageError(`--${prefix}.rgb_encoder.vcodec: '${vcodec}' is not a codec lerobot-ts encodes with (auto, ${VIDEO_CODEC_NAMES.join(", ")})`);
  }
  if (vcodec !== undefined && vcodec !== "auto") out.vcodec = vcodec;
  const g = optionalNumber(`${prefix}.rgb_encoder.g`, get("g"), true);
  if (g !== undefined) out.g = g;
  const crf = optionalNumber(`${prefix}.rgb_encoder.crf`, get("crf"), false);
  if (crf !== undefined) out.crf = crf;
  const preset = get("preset");
  if (preset !== undefined) out.preset = isNone(preset) ? null : /^-?\d+$/.test(preset) ? Number(preset) : preset;
  if (get("pix_fmt") !== undefined) out.pixFmt = get("pix_fmt")!;
  const fastDecode = optionalNumber(`${prefix}.rgb_encoder.fast_decode`, get("fast_decode"), true);
  if (fastDecode !== undefined && fastDecode !== null) out.fastDecode = fastDecode;
  const extra = get("extra_options");
  if (extra !== undefined && !isNone(extra)) out.extraOptions = parseExtraOptions(`${prefix}.rgb_encoder.extra_options`, extra);
  const threads = optionalNumber(`${prefix}.encoder_threads`, flags[`${prefix}.encoder_threads`], true);
  if (threads !== undefined && threads !== null) out.threads = threads;
  return out;
}

function isNone(text: string): boolean {
  return text === "null" || text === "None";
}

function optionalNumber(name: string, text: string | undefined, integer: boolean): number | null | undefined {
  if (text === undefined) return undefined;
  if (isNone(text)) return null;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"} >= 0 (or None), got '${text}'`);
  }
  return n;
}

/** `{"tune": "film", "bf": 2}` as JSON, or LeRobot's draccus form `{tune: film, bf: 2}`. */
function parseExtraOptions(name: string, text: string): Record<string, CodecOptionValue> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const body = text.trim().replace(/^\{|\}$/g, "").trim();
    parsed = Object.fromEntries(body === "" ? [] : body.split(",").map((pair) => {
      const [k, ...v] = pair.split(":");
      return [k!.trim().replace(/^["']|["']$/g, ""), v.join(":").trim().replace(/^["']|["']$/g, "")];
    }));
  }
  const ok = parsed && typeof parsed === "object" && !Array.isArray(parsed) &&
    Object.entries(parsed).every(([k, v]) => k !== "" && ["string", "number", "boolean"].includes(typeof v));
  if (!ok) throw new UsageError(`--${name} must be an object of codec options, e.g. '{"tune": "film"}', got '${text}'`);
  return parsed as Record<string, CodecOptionValue>;
}
