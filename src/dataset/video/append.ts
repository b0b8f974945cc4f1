/**
 * Appends an episode clip to a dataset video file without re-encoding. The first clip of a file
 * simply becomes the file. Later clips are appended in place (mp4-append.ts: cost proportional to
 * the clip); a file that the in-place appender does not understand is remuxed with ffmpeg's
 * concat demuxer instead, the way LeRobot does, and replaced by rename.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { VideoError } from "../../errors.js";
import { runFfmpeg } from "../../system/index.js";
import type { FfmpegInfo } from "../../system/index.js";
import { probeMp4 } from "./probe.js";
import { NotAppendableError, appendMp4InPlace } from "./mp4-append.js";
import type { AppendedTiming } from "./mp4-append.js";
import type { Mp4Layout } from "./mp4-layout.js";

/**
 * Undo an append (see appendClip); for an in-place append also what the file held before it,
 * so the caller knows where the clip starts without parsing the whole file again, and the
 * file's layout after it, for the next append to this file (until undo()).
 */
export interface AppendUndo { undo(): Promise<void>; before?: AppendedTiming; layout?: Mp4Layout }

/**
 * Returns how to take the clip back out, for a dataset save that fails after its videos were
 * appended: the first clip of a file is deleted, an in-place append is cut off. A concat remux
 * cannot be undone (its undo does nothing); the writer never remuxes files it wrote itself.
 * `layout` is what the previous append of `target` returned (see mp4-layout.ts).
 */
export async function appendClip(opts: { ffmpeg: FfmpegInfo; target: string; clip: string; layout?: Mp4Layout }): Promise<AppendUndo> {
  const target = path.resolve(opts.target);
  const clip = path.resolve(opts.clip);
  if (!(await isFile(clip))) throw new VideoError(`clip ${clip} to append to ${target} does not exist`, { file: clip });
  await mkdir(path.dirname(target), { recursive: true });

  if (!(await isFile(target))) {
    await rename(clip, target);
    return { undo: () => rm(target, { force: true }) };
  }
  try {
    const done = await appendMp4InPlace(target, clip, opts.layout);
    await rm(clip, { force: true });
    return done;
  } catch (error) {
    if (!(error instanceof NotAppendableError)) {
      throw new VideoError(`appending ${clip} to ${target} failed: ${(error as Error).message}`, { file: target, cause: error });
    }
  }
  await remuxAppend(opts.ffmpeg, target, clip);
  return { undo: async () => {} };
}

/** The fallback: concat target + clip by stream copy into a temp file, then rename it over the target. */
async function remuxAppend(ffmpeg: FfmpegInfo, target: string, clip: string): Promise<void> {
  const dir = path.dirname(target);
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const tmp = path.join(dir, `.${path.basename(target, ".mp4")}.${tag}.tmp.mp4`);
  const list = path.join(dir, `.${path.basename(target, ".mp4")}.${tag}.concat.txt`);
  try {
    // Without an explicit duration the concat demuxer starts the clip at the target's movie
    // duration, which mp4 stores in milliseconds: 20 frames at 30 fps end at 0.667 s, not
    // 0.6667 s, and every frame after the join would be 0.3 ms late. The sum of the target's
    // sample durations is exact; at microsecond precision it rounds back to the exact tick.
    const { durationS, frameCount } = await probeMp4(target);
    const clipFrames = (await probeMp4(clip)).frameCount;
    await writeFile(
      list,
      `ffconcat version 1.0\nfile ${concatQuote(target)}\nduration ${durationS.toFixed(6)}\nfile ${concatQuote(clip)}\n`,
    );
    // faststart puts the moov first so players and our probe find it without reading to the end.
    await ffmpegOrThrow(ffmpeg, [
      "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", list,
      "-map", "0:v:0", "-c", "copy", "-movflags", "+faststart", "-f", "mp4", tmp,
    ], target);
    // ffmpeg's concat skips an input it cannot open with an error message yet exits 0: count the result.
    const joined = (await probeMp4(tmp)).frameCount;
    if (joined !== frameCount + clipFrames) {
      throw new VideoError(`appending ${clip} to ${target} failed: the remux holds ${joined} frames, not ${frameCount} + ${clipFrames}`, { file: target });
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    await rm(list, { force: true });
  }
  await rm(clip, { force: true });
}

async function ffmpegOrThrow(ffmpeg: FfmpegInfo, args: string[], target: string): Promise<void> {
  const r = await runFfmpeg(ffmpeg, args);
  if (r.code !== 0) {
    throw new VideoError(`appending to ${target} failed: ffmpeg exited with ${r.signal ?? `code ${r.code}`}${r.stderrTail ? `\n${r.stderrTail}` : ""}`, { file: target });
  }
}

/** The concat demuxer's quoting: single quotes, with ' written as '\''. */
function concatQuote(file: string): string {
  return `'${file.replace(/'/g, "'\\''")}'`;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
