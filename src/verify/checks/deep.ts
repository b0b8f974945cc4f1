/**
 * --deep: decode every frame of every checked video file with ffmpeg and check the decoded
 * presentation times against the timestamps Python LeRobot queries (from_timestamp + the
 * row's timestamp), with its tolerance_s; also decoder errors and the decoded pixel format.
 */
import { spawn } from "node:child_process";
import readline from "node:readline";
import type { FfmpegInfo } from "../../system/index.js";
import { findFfmpeg, passthroughArgs } from "../../system/index.js";
import { videoInfoOf } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";
import { TOLERANCE_S, shortError } from "../context.js";
import { nearestValue } from "../sorted.js";
import type { VideoFile } from "./videos.js";

interface Decoded {
  /** Presentation time of every decoded frame, seconds, ascending. */
  times: Float64Array;
  pixelFormat: string | undefined;
  errors: string[];
  exitCode: number | null;
}

export async function checkDeep(ctx: VerifyContext, files: VideoFile[]): Promise<void> {
  if (files.length === 0) return;
  let ffmpeg: FfmpegInfo;
  try {
    ffmpeg = await findFfmpeg();
  } catch (error) {
    ctx.skipped.set("deep", shortError(error));
    return;
  }
  let done = 0;
  for (const video of files) {
    ctx.progress("deep", done++, files.length);
    const decoded = await decodeTimes(ffmpeg, video.file);
    const where = { file: video.file, column: video.key };
    if (decoded.errors.length > 0 || decoded.exitCode !== 0) {
      ctx.add("deep.decode_error", `${ctx.rel(video.file)}: ${decoded.errors[0] ?? `ffmpeg exited with ${decoded.exitCode}`}${decoded.errors.length > 1 ? ` (+${decoded.errors.length - 1} more)` : ""}`, where);
    }
    if (decoded.times.length < video.probe.frameCount) {
      ctx.add("deep.decode_error", `${ctx.rel(video.file)}: ${decoded.times.length} of ${video.probe.frameCount} frames decoded`, where);
    }
    const declared = videoInfoOf(ctx.info?.features[video.key]).pixFmt;
    if (declared && decoded.pixelFormat && declared !== decoded.pixelFormat) {
      ctx.add("deep.pix_fmt", `${ctx.rel(video.file)} decodes as ${decoded.pixelFormat}; info.json says ${declared}`, where);
    }
    if (decoded.times.length === 0) continue;
    for (const episode of video.episodes) {
      const timestamps = ctx.signals.get(episode.episodeIndex)?.timestamps;
      const from = episode.videos[video.key]!.fromTimestampS;
      if (!timestamps) continue;
      let off = 0;
      let first = -1;
      let firstDiff = 0;
      for (let k = 0; k < timestamps.length; k++) {
        const query = from + timestamps[k]!;
        const diff = nearestValue(decoded.times, query) - query;
        if (Math.abs(diff) > TOLERANCE_S) {
          off++;
          if (first < 0) {
            first = k;
            firstDiff = diff;
          }
        }
      }
      if (off > 0) {
        ctx.add("deep.timestamp", `episode ${episode.episodeIndex}: ${off} of ${timestamps.length} queried frames are more than ${TOLERANCE_S} s from a decoded frame (first: frame ${first}, off by ${(firstDiff * 1000).toFixed(3)} ms)`, { ...where, episode: episode.episodeIndex });
      }
    }
  }
  ctx.progress("deep", done, files.length);
}

/** Decode a whole file to nothing, reading each frame's pts from the showinfo filter. */
function decodeTimes(ffmpeg: FfmpegInfo, file: string): Promise<Decoded> {
  return new Promise((resolve) => {
    const args = ["-hide_banner", "-nostdin", "-nostats", "-v", "info", "-i", file, "-map", "0:v:0", "-vf", "showinfo", ...passthroughArgs(ffmpeg), "-f", "null", "-"];
    const child = spawn(ffmpeg.path, args, { stdio: ["ignore", "ignore", "pipe"] });
    const times: number[] = [];
    const errors: string[] = [];
    let timeBase = 0;
    let pixelFormat: string | undefined;
    readline.createInterface({ input: child.stderr }).on("line", (line) => {
      if (line.startsWith("[Parsed_showinfo")) {
        const tb = /config in time_base: (\d+)\/(\d+)/.exec(line);
        if (tb) timeBase = Number(tb[1]) / Number(tb[2]);
        const frame = /\bn:\s*\d+\s+pts:\s*(-?\d+)/.exec(line);
        if (frame) {
          times.push(Number(frame[1]) * timeBase);
          pixelFormat ??= /\bfmt:(\S+)/.exec(line)?.[1];
        }
      } else if (/^\[(h264|hevc|av1|libdav1d|vp9|mpeg4|mov,mp4)[^\]]*\]/.test(line) && /error|invalid|corrupt|missing|conceal/i.test(line)) {
        errors.push(line.replace(/^\[[^\]]*\]\s*/, "").trim());
      }
    });
    child.on("error", (error) => resolve({ times: new Float64Array(0), pixelFormat, errors: [error.message], exitCode: null }));
    child.on("close", (code) => resolve({ times: Float64Array.from(times).sort(), pixelFormat, errors, exitCode: code }));
  });
}
