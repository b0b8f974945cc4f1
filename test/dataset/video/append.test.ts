import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoError } from "../../../src/errors.js";
import { appendClip } from "../../../src/dataset/video/append.js";
import { decodeFrame } from "../../../src/dataset/video/decode.js";
import { NotAppendableError, appendMp4InPlace } from "../../../src/dataset/video/mp4-append.js";
import { probeMp4 } from "../../../src/dataset/video/probe.js";
import { runFfmpeg } from "../../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { APPENDED, encodeEpisodeClip } from "../../helpers/appended-barcode-file.js";
import { readBarcode } from "../../helpers/barcode.js";
import { ffmpegWith } from "../../helpers/ffmpeg-with.js";
import { tempDir } from "../../helpers/synthetic.js";

const { width: W, height: H, fps: FPS, framesA: A_FRAMES, framesB: B_FRAMES } = APPENDED;

let tmp: string;
beforeAll(() => {
  tmp = tempDir("lerobot-append-");
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const encoders = {
  libx264: await ffmpegWith("libx264"),
  libsvtav1: await ffmpegWith("libsvtav1"),
};

/** Top-level box types in file order. */
async function topLevelBoxes(file: string): Promise<string[]> {
  const buf = await readFile(file);
  const types: string[] = [];
  let pos = 0;
  while (pos + 8 <= buf.length) {
    let size = buf.readUInt32BE(pos);
    types.push(buf.toString("latin1", pos + 4, pos + 8));
    if (size === 1) size = Number(buf.readBigUInt64BE(pos + 8));
    if (size === 0) break;
    pos += size;
  }
  return types;
}

/** Frames ffmpeg's demuxer (stream copy) or decoder counts in a file. */
async function ffmpegFrames(ff: FfmpegInfo, file: string, decode: boolean): Promise<number> {
  const r = await runFfmpeg(ff, ["-hide_banner", "-i", file, "-map", "0:v", ...(decode ? [] : ["-c", "copy"]), "-f", "null", "-"]);
  expect(r.code).toBe(0);
  return Number([...r.stderrTail.matchAll(/frame=\s*(\d+)/g)].at(-1)?.[1]);
}

const codecCases = [
  { vcodec: "libx264", ffmpeg: encoders.libx264 },
  { vcodec: "libsvtav1", ffmpeg: encoders.libsvtav1 },
] as const;

describe.each(codecCases)("appendClip with $vcodec", ({ vcodec, ffmpeg }) => {
  const target = () => path.join(tmp, vcodec, "videos", "cam", "chunk-000", "file-000.mp4");
  // Tests run in order: the first builds the file the others read.

  it.skipIf(!ffmpeg)("encodes two clips and appends them into one file", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const clips = path.join(tmp, vcodec, "clips");
    const a = await encodeEpisodeClip(ff, vcodec, path.join(clips, "a.mp4"), 0, A_FRAMES);
    expect(a.frames).toBe(A_FRAMES);
    const clipInfo = await probeMp4(a.path);
    expect(clipInfo.frameCount).toBe(A_FRAMES);
    // g=2: every other frame is a keyframe.
    expect(clipInfo.keyframeCount).toBe(A_FRAMES / 2);

    await appendClip({ ffmpeg: ff, target: target(), clip: a.path });
    expect(existsSync(a.path)).toBe(false);
    const first = await probeMp4(target());
    expect(first.frameCount).toBe(A_FRAMES);

    const b = await encodeEpisodeClip(ff, vcodec, path.join(clips, "b.mp4"), 1, B_FRAMES);
    await appendClip({ ffmpeg: ff, target: target(), clip: b.path });
    expect(existsSync(b.path)).toBe(false);
    // Nothing left behind beside the target: no temp file, no concat list.
    expect(await readdir(path.dirname(target()))).toEqual(["file-000.mp4"]);
  });

  it.skipIf(!ffmpeg)("appends in place, and ffmpeg's demuxer and decoder see every frame of both clips", async () => {
    const ff = ffmpeg as FfmpegInfo;
    // Appended in place: clip A as written, its old moov turned into free space, clip B's media,
    // and one moov describing both, with free space after it for the next moov to grow into.
    expect(await topLevelBoxes(target())).toEqual(["ftyp", "free", "mdat", "free", "mdat", "moov", "free"]);
    // ffmpeg's own demuxer (what PyAV/torchcodec use) counts every frame too.
    expect(await ffmpegFrames(ff, target(), false)).toBe(A_FRAMES + B_FRAMES);
    // Decoding applies the edit list: one a few ms short hid the last frame from every decoder.
    expect((await probeMp4(target())).framesOutsideEdit).toBe(0);
    expect(await ffmpegFrames(ff, target(), true)).toBe(A_FRAMES + B_FRAMES);
  });

  it.skipIf(!ffmpeg)("falls back to a concat remux for a file the in-place appender does not know (fragmented mp4)", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const dir = path.join(tmp, vcodec, "fallback");
    const a = await encodeEpisodeClip(ff, vcodec, path.join(dir, "a.mp4"), 0, A_FRAMES);
    const fragmented = path.join(dir, "target.mp4");
    const remux = await runFfmpeg(ff, ["-hide_banner", "-y", "-i", a.path, "-c", "copy", "-movflags", "+frag_keyframe+empty_moov", fragmented]);
    expect(remux.code).toBe(0);
    const b = await encodeEpisodeClip(ff, vcodec, path.join(dir, "b.mp4"), 1, B_FRAMES);
    await expect(appendMp4InPlace(fragmented, b.path)).rejects.toBeInstanceOf(NotAppendableError);
    await appendClip({ ffmpeg: ff, target: fragmented, clip: b.path });
    const info = await probeMp4(fragmented);
    expect(info.frameCount).toBe(A_FRAMES + B_FRAMES);
    const frame = await decodeFrame({ ffmpeg: ff, path: fragmented, timestampS: (A_FRAMES + 3) / FPS, width: W, height: H });
    expect(readBarcode(frame, W, H, 2)).toEqual([1, 3]);
    expect((await readdir(dir)).sort()).toEqual(["a.mp4", "target.mp4"]);
  });
});

describe("appendClip", () => {
  const ffmpeg = encoders.libx264;
  const clip = (dir: string, name: string, episode: number, frames: number) => encodeEpisodeClip(ffmpeg as FfmpegInfo, "libx264", path.join(dir, name), episode, frames);

  it.skipIf(!ffmpeg)("makes the first clip the file (creating its folders), and its undo deletes it", async () => {
    const dir = path.join(tmp, "first");
    const a = await clip(dir, "a.mp4", 0, 4);
    const bytes = await readFile(a.path);
    const target = path.join(dir, "deep", "er", "file.mp4");
    const done = await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: a.path });
    expect((await readFile(target)).equals(bytes)).toBe(true);
    expect(existsSync(a.path)).toBe(false);
    expect(done.before).toBeUndefined();
    await done.undo();
    expect(existsSync(target)).toBe(false);
  });

  it.skipIf(!ffmpeg)("undoes an in-place append: the file is again what it was, and says where the clip started", async () => {
    const dir = path.join(tmp, "undo");
    const target = path.join(dir, "file.mp4");
    await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: (await clip(dir, "a.mp4", 0, 6)).path });
    const before = await readFile(target);
    const done = await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: (await clip(dir, "b.mp4", 1, 5)).path });
    // The clip starts after the 6 frames already there, i.e. at 6/30 s in the media timescale.
    expect(done.before?.frames).toBe(6);
    expect(done.before!.ticks / done.before!.timescale).toBeCloseTo(6 / FPS, 9);
    expect(done.layout?.track.samples).toBe(11);
    expect((await probeMp4(target)).frameCount).toBe(11);
    await done.undo();
    expect((await readFile(target)).equals(before)).toBe(true);
  });

  it.skipIf(!ffmpeg)("refuses a clip that does not exist, leaving the target alone", async () => {
    const dir = path.join(tmp, "no-clip");
    const target = path.join(dir, "file.mp4");
    await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: (await clip(dir, "a.mp4", 0, 4)).path });
    const before = await readFile(target);
    const err = await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: path.join(dir, "gone.mp4") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).message).toMatch(/clip .*gone\.mp4 to append to .*file\.mp4 does not exist/);
    expect((await readFile(target)).equals(before)).toBe(true);
  });

  it.skipIf(!ffmpeg)("remuxes into a path with quotes and spaces (the concat list's quoting)", async () => {
    const dir = path.join(tmp, "it's a dir");
    const a = await clip(dir, "a.mp4", 0, 4);
    const target = path.join(dir, "tar'get.mp4");
    // Fragmented, so the in-place appender declines and the concat demuxer reads these names.
    const r = await runFfmpeg(ffmpeg as FfmpegInfo, ["-hide_banner", "-y", "-i", a.path, "-c", "copy", "-movflags", "+frag_keyframe+empty_moov", target]);
    expect(r.code).toBe(0);
    const b = await clip(dir, "b'.mp4", 1, 3);
    const done = await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: b.path });
    expect((await probeMp4(target)).frameCount).toBe(7);
    const last = await decodeFrame({ ffmpeg: ffmpeg as FfmpegInfo, path: target, timestampS: 6 / FPS, width: W, height: H });
    expect(readBarcode(last, W, H, 2)).toEqual([1, 2]);
    // A remux cannot be undone: its undo leaves the file as it is.
    await done.undo();
    expect((await probeMp4(target)).frameCount).toBe(7);
  });

  it.skipIf(!ffmpeg)("fails with a VideoError for a clip that is not an mp4, leaving the target and no temp files", async () => {
    const dir = path.join(tmp, "bad-clip");
    await mkdir(dir, { recursive: true });
    const target = path.join(dir, "file.mp4");
    await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: (await clip(dir, "a.mp4", 0, 4)).path });
    const before = await readFile(target);
    // Not an mp4 at all: the in-place appender declines it, and the remux must not drop it silently.
    const garbage = path.join(dir, "garbage.mp4");
    await writeFile(garbage, Buffer.alloc(3000, 7));
    await expect(appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: garbage })).rejects.toThrow(VideoError);
    expect((await readFile(target)).equals(before)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(["file.mp4", "garbage.mp4"]);
  });

  it.skipIf(!ffmpeg)("fails when the remux lost frames of a clip whose media is cut short, though ffmpeg exits 0", async () => {
    const dir = path.join(tmp, "cut-clip");
    const target = path.join(dir, "file.mp4");
    const a = await clip(dir, "a.mp4", 0, 4);
    // Fragmented, so the in-place appender declines and the remux runs.
    expect((await runFfmpeg(ffmpeg as FfmpegInfo, ["-hide_banner", "-y", "-i", a.path, "-c", "copy", "-movflags", "+frag_keyframe+empty_moov", target])).code).toBe(0);
    const before = await readFile(target);
    // A clip whose moov comes first (so it probes whole) and whose media is cut off halfway.
    const b = await clip(dir, "b.mp4", 1, 10);
    const cut = path.join(dir, "cut.mp4");
    expect((await runFfmpeg(ffmpeg as FfmpegInfo, ["-hide_banner", "-y", "-i", b.path, "-c", "copy", "-movflags", "+faststart", cut])).code).toBe(0);
    const bytes = await readFile(cut);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect((await probeMp4(cut)).frameCount).toBe(10);
    await expect(appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: cut })).rejects.toThrow(/the remux holds \d+ frames, not 4 \+ 10/);
    expect((await readFile(target)).equals(before)).toBe(true);
    expect(existsSync(cut)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(["a.mp4", "b.mp4", "cut.mp4", "file.mp4"]);
  });

  it.skipIf(!ffmpeg)("appends to a copy of a file it appended to before, without the layout of that file", async () => {
    const dir = path.join(tmp, "copied");
    const target = path.join(dir, "file.mp4");
    await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: (await clip(dir, "a.mp4", 0, 4)).path });
    const first = await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target, clip: (await clip(dir, "b.mp4", 1, 4)).path });
    const copy = path.join(dir, "copy.mp4");
    await copyFile(target, copy);
    // The layout describes `target`, not the copy: passed along, it must not be used for the copy.
    await appendClip({ ffmpeg: ffmpeg as FfmpegInfo, target: copy, clip: (await clip(dir, "c.mp4", 2, 4)).path, layout: first.layout });
    expect((await probeMp4(copy)).frameCount).toBe(12);
    const frame = await decodeFrame({ ffmpeg: ffmpeg as FfmpegInfo, path: copy, timestampS: 9 / FPS, width: W, height: H });
    expect(readBarcode(frame, W, H, 2)).toEqual([2, 1]);
  });
});
