/** Video for LeRobot datasets: locate ffmpeg, encode episode clips, append them, probe, decode. */
export { VIDEO_CODEC_NAMES, codecFamily, resolveVideoCodec } from "./codecs.js";
export { findFfmpeg } from "../../system/index.js";
export type { FfmpegInfo } from "../../system/index.js";
export { EpisodeVideoEncoder } from "./encoder.js";
export type { EncoderOptions } from "./encoder.js";
export { appendClip } from "./append.js";
export type { Mp4Layout } from "./mp4-layout.js";
export { probeMp4, probePixelFormat } from "./probe.js";
export type { Mp4Info } from "./probe.js";
export { decodeFrame, decodeFrames } from "./decode.js";
export type { DecodeOptions } from "./decode.js";
export { ENCODER_INFO_KEYS, codecArgs, encoderInfoKeys, encoderSettingsFromInfo, resolveEncoderSettings } from "./encoder-settings.js";
export type { CodecOptionValue, ResolvedEncoderSettings, VideoEncoderSettings } from "./encoder-settings.js";
export { videoFeatureInfo } from "./feature-info.js";
