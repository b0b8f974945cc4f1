/**
 * Decodes frames of an mp4 to rgb24 at given timestamps. The mp4 boxes tell which frame is shown
 * at a time; ffmpeg is then asked to seek just before that frame's own pts, so float rounding in
 * the caller's timestamp can never land on the neighbour.
 */
import { spawn } from "node:child_process";
import { VideoError } from "../../errors.js";
import { TextTail, passthroughArgs } from "../../system/index.js";
import type { FfmpegInfo } from "../../system/index.js";
import { probeMp4 } from "./probe.js";

export interface DecodeOptions {
  ffmpeg: FfmpegInfo;
  path: string;
  timestampS: number;
  /** Expected frame size: the stream must have it (no scaling is done). */
  width: number;
  height: number;
}

/** How far from a frame's pts a timestamp may be and still name it (LeRobot's tolerance_s). */
const TOLERANCE_S = 1e-4;

export async function decodeFrame(opts: DecodeOptions): Promise<Uint8Array> {
  for await (const frame of decodeFrames({ ...opts, count: 1 })) return frame;
  throw new VideoError(`${opts.path}: no frame decoded at ${opts.timestampS}s`, { file: opts.path });
}

/** Yields `count` consecutive frames starting with the one shown at `timestampS`, from one ffmpeg run. */
export async function* decodeFrames(opts: DecodeOptions & { count: number }): AsyncGenerator<Uint8Array, void, undefined> {
  const { path, width, height, count } = opts;
  if (!Number.isInteger(count) || count < 1) throw new VideoError(`${path}: frame count must be a positive integer, got ${count}`, { file: path });
  const info = await probeMp4(path);
  if (info.width !== width || info.height !== height) {
    throw new VideoError(`${path}: video is ${info.width}x${info.height}, expected ${width}x${height}`, { file: path });
  }
  const ts = info.timestampsS;
  const index = frameIndexAt(ts, info.durationS, opts.timestampS, path);
  if (index + count > ts.length) {
    throw new VideoError(`${path}: ${count} frames from ${opts.timestampS}s (frame ${index}) run past the last frame (${ts.length} frames, ${info.durationS}s)`, { file: path });
  }
  // Seek to halfway between the wanted frame and the one before it: ffmpeg's accurate seek drops
  // every frame earlier than the seek point, so this keeps exactly the wanted frame first.
  const start = ts[index] as number;
  const prev = index > 0 ? (ts[index - 1] as number) : start - 1 / Math.max(info.fps, 1);
  const seekS = Math.max(0, (start + prev) / 2);

  const frameBytes = width * height * 3;
  const tail = new TextTail();
  const child = spawn(
    opts.ffmpeg.path,
    [
      "-hide_banner", "-nostdin", "-loglevel", "error",
      ...(seekS > 0 ? ["-ss", seekS.toFixed(6)] : []),
      "-i", path,
      "-map", "0:v:0", "-an", "-sn", "-dn",
      "-frames:v", String(count),
      // rawvideo output would otherwise default to constant frame rate and could dup/drop frames.
      ...passthroughArgs(opts.ffmpeg),
      "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stderr.on("data", (d: Buffer) => tail.push(d));
  const closed = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on("error", (error) => resolve({ code: null, error }));
    child.on("close", (code) => resolve({ code }));
  });

  let produced = 0;
  let pending = new Uint8Array(frameBytes);
  let filled = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        pending.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          if (produced < count) {
            produced++;
            yield pending;
          }
          pending = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const { code, error } = await closed;
    if (error !== undefined || code !== 0 || produced < count || filled !== 0) {
      const how = error ? `could not run ${opts.ffmpeg.path}: ${error.message}` : code !== 0 ? `ffmpeg exited with code ${code}` : `got ${produced} of ${count} frames`;
      const last = tail.toString();
      throw new VideoError(`decoding ${path} at ${opts.timestampS}s failed: ${how}${last ? `\n${last}` : ""}`, { file: path, cause: error });
    }
  } finally {
    // The consumer may stop early; do not leave ffmpeg running.
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

/** Index of the frame shown at time t (the last one whose pts is at or before t, within tolerance). */
function frameIndexAt(ts: Float64Array, durationS: number, t: number, path: string): number {
  if (!Number.isFinite(t) || t < -TOLERANCE_S) throw new VideoError(`${path}: invalid timestamp ${t}s`, { file: path });
  const last = ts[ts.length - 1] ?? 0;
  const end = Math.max(durationS, last);
  if (t > end - TOLERANCE_S && t > last + TOLERANCE_S) {
    throw new VideoError(`${path}: timestamp ${t}s is past the end of the video (${ts.length} frames, last at ${last}s, ends at ${end}s)`, { file: path });
  }
  let lo = 0;
  let hi = ts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((ts[mid] as number) <= t + TOLERANCE_S) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
