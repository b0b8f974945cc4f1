/**
 * LeRobot's dataset edits that encode video (lerobot-edit-dataset's reencode_videos and
 * convert_image_to_video; datasets/dataset_tools.py reencode_dataset and
 * convert_image_to_video_dataset), each writing a new dataset through copyEpisodes: the frames
 * of every output episode are decoded from its own source episode and encoded at i/fps, so no
 * frame changes episode; the feature's info block is read back from the written files.
 */
import type { DatasetInfo, Feature, LeRobotDataset, FfmpegInfo, ResolvedEncoderSettings, VideoEncoderSettings } from "../dataset/index.js";
import { DEFAULT_VIDEO_PATH, isDepthMap, videoInfoOf, videoKeys, ENCODER_INFO_KEYS, codecFamily, encoderSettingsFromInfo, findFfmpeg, resolveEncoderSettings, resolveVideoCodec } from "../dataset/index.js";
import type { CopyEpisodesOptions, CopyResult } from "./copy-episodes.js";
import { copyEpisodes } from "./copy-episodes.js";
import type { VideoTarget } from "./copy-videos.js";
import { EditError } from "./errors.js";

type Progress = CopyEpisodesOptions["onProgress"];

/**
 * The encoder for the settings asked; with no codec named, LeRobot's RGB default (libsvtav1,
 * configs/video.py RGBEncoderConfig) where this ffmpeg has it, else the recorder's choice.
 */
export async function videoTarget(settings: VideoEncoderSettings): Promise<VideoTarget> {
  const ffmpeg = await findFfmpeg();
  const requested = settings.vcodec ?? (ffmpeg.encoders.has("libsvtav1") ? "libsvtav1" : "auto");
  return { ffmpeg, settings: resolveEncoderSettings(resolveVideoCodec(requested, ffmpeg), settings) };
}

/** Whether a video feature's files were encoded with exactly these settings (LeRobot skips those). */
export function encodedWith(feature: Feature, settings: ResolvedEncoderSettings): boolean {
  const video = videoInfoOf(feature);
  if (!video.codec || codecFamily(video.codec) !== codecFamily(settings.vcodec) || video.pixFmt !== settings.pixFmt) return false;
  // Files whose info does not record the encoder's settings (before LeRobot v0.6) cannot be known to match.
  if (!ENCODER_INFO_KEYS.every((key) => key === "video.video_backend" || key in (feature.info ?? {}))) return false;
  const recorded = resolveEncoderSettings(settings.vcodec, encoderSettingsFromInfo(feature.info));
  const { threads: _a, ...want } = settings;
  const { threads: _b, ...have } = recorded;
  return JSON.stringify(have) === JSON.stringify(want);
}

/** reencodeVideos' dataset, and the video features it left alone. */
export interface ReencodeResult extends CopyResult {
  /** Video features left as they were: already so encoded, or depth maps (not re-encoded yet). */
  skipped: Record<string, string>;
}

/**
 * A new dataset whose RGB videos are encoded with `settings` (dataset_tools.py reencode_dataset);
 * features already encoded so, and depth maps, are copied as they are.
 */
export async function reencodeVideos(dataset: LeRobotDataset, settings: VideoEncoderSettings, root: string, onProgress?: Progress): Promise<ReencodeResult> {
  const keys = videoKeys(dataset.features);
  if (keys.length === 0) throw new EditError(`reencode_videos: ${dataset.root} has no video features`);
  const target = await videoTarget(settings);
  const videos: CopyEpisodesOptions["videos"] = {};
  const skipped: Record<string, string> = {};
  for (const key of keys) {
    const feature = dataset.features[key]!;
    if (isDepthMap(feature)) skipped[key] = "a depth map: lerobot-ts does not re-encode depth videos yet";
    else if (encodedWith(feature, target.settings)) skipped[key] = `already encoded with ${target.settings.vcodec} at these settings`;
    else videos[key] = { encode: target };
  }
  const result = await copyEpisodes({
    root, info: structuredClone(dataset.info), videos,
    episodes: dataset.episodes.map((e) => ({ dataset, episodeIndex: e.episodeIndex })),
    ...(onProgress ? { onProgress } : {}),
  });
  return { ...result, skipped };
}

/**
 * A new dataset whose `image` features are videos (dataset_tools.py
 * convert_image_to_video_dataset): each episode's PNGs are encoded into the chunked mp4 files,
 * the image columns leave the data, and the rest is copied. Unlike LeRobot's, every image
 * feature is converted (not only observation.images.*), video features already there are kept,
 * and the per-episode camera stats carry over, so the output keeps complete episode metadata.
 */
export async function convertImageToVideo(
  dataset: LeRobotDataset, settings: VideoEncoderSettings, root: string,
  options: { episodeIndices?: number[]; onProgress?: Progress } = {},
): Promise<CopyResult> {
  const imageKeys = Object.entries(dataset.features).filter(([, f]) => f.dtype === "image").map(([k]) => k);
  if (imageKeys.length === 0) throw new EditError(`convert_image_to_video: ${dataset.root} has no image features`);
  const indices = options.episodeIndices ?? dataset.episodes.map((e) => e.episodeIndex);
  const unknown = indices.filter((i) => !dataset.episodes.some((e) => e.episodeIndex === i));
  if (unknown.length > 0) throw new EditError(`convert_image_to_video: episode(s) ${unknown.join(", ")} are not in ${dataset.root}`);
  const target = await videoTarget(settings);
  const info: DatasetInfo = structuredClone(dataset.info);
  info.video_path ??= DEFAULT_VIDEO_PATH;
  for (const key of imageKeys) info.features[key] = { ...info.features[key]!, dtype: "video", info: null };
  return copyEpisodes({
    root, info,
    videos: Object.fromEntries(imageKeys.map((key) => [key, { from: "image" as const, encode: target }])),
    episodes: indices.map((episodeIndex) => ({ dataset, episodeIndex })),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** The ffmpeg encoder and settings a video feature's files were made with, when its info says. */
export function targetOf(feature: Feature, ffmpeg: FfmpegInfo): VideoTarget | undefined {
  const video = videoInfoOf(feature);
  if (!video.codec || isDepthMap(feature)) return undefined;
  try {
    const vcodec = resolveVideoCodec(video.codec, ffmpeg);
    return { ffmpeg, settings: resolveEncoderSettings(vcodec, { ...encoderSettingsFromInfo(feature.info), ...(video.pixFmt ? { pixFmt: video.pixFmt } : {}) }) };
  } catch {
    return undefined;
  }
}
