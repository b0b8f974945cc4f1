/**
 * Which ffmpeg and which encoder settings a writer's cameras use: what the caller asks for at
 * create, and on resume the codec and settings the dataset's videos already have.
 */
import type { DatasetInfo } from "./info.js";
import { videoInfoOf, videoKeys } from "./info.js";
import type { FfmpegInfo, ResolvedEncoderSettings, VideoEncoderSettings } from "./video/index.js";
import { codecFamily, encoderSettingsFromInfo, findFfmpeg, resolveEncoderSettings, resolveVideoCodec } from "./video/index.js";

/** The ffmpeg binary and the settings every clip of the writer is encoded with. */
export interface VideoEncoding {
  ffmpeg: FfmpegInfo;
  encoder: ResolvedEncoderSettings;
}

/** The encoder fields of DatasetWriterOptions and ResumeOptions: `vcodec` and `crf` win over `encoder`. */
export interface EncoderRequest {
  vcodec?: string;
  crf?: number;
  encoder?: VideoEncoderSettings;
}

/** The settings a new dataset asks for. */
export function requestedEncoderSettings(request: EncoderRequest): VideoEncoderSettings {
  return { ...request.encoder, ...definedOnly({ vcodec: request.vcodec, crf: request.crf }) };
}

/** Find an ffmpeg with the wanted encoder (any, for "auto") and resolve the settings for it. */
export async function pickEncoder(settings: VideoEncoderSettings): Promise<VideoEncoding> {
  const requested = settings.vcodec ?? "auto";
  const aliases: Record<string, string> = { h264: "libx264", hevc: "libx265", av1: "libsvtav1" };
  const wanted = aliases[requested] ?? requested;
  const ffmpeg = await findFfmpeg(wanted === "auto" ? {} : { requireEncoder: wanted });
  return { ffmpeg, encoder: resolveEncoderSettings(resolveVideoCodec(requested, ffmpeg), settings) };
}

/**
 * On resume, new videos match the ones there: the codec in info.json and, for that same codec,
 * the encoder settings recorded beside it; what the caller passes wins.
 */
export function resumeEncoderSettings(info: DatasetInfo, options: EncoderRequest): VideoEncoderSettings {
  const key = videoKeys(info.features)[0];
  const codec = codecFromInfo(info);
  const requested = options.vcodec ?? options.encoder?.vcodec;
  const sameCodec = requested === undefined || (codec !== undefined && codecFamily(requested) === codecFamily(codec));
  const recorded = sameCodec && key ? encoderSettingsFromInfo(info.features[key]!.info) : {};
  return { ...recorded, ...options.encoder, ...definedOnly({ vcodec: requested ?? codec, crf: options.crf }) };
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The encoder matching the codec of the videos already in the dataset, so files stay uniform. */
function codecFromInfo(info: DatasetInfo): string | undefined {
  for (const key of videoKeys(info.features)) {
    const codec = videoInfoOf(info.features[key]).codec;
    if (codec) return codec;
  }
  return undefined;
}
