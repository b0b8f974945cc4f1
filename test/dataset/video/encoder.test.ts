import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoError } from "../../../src/errors.js";
import {
  EpisodeVideoEncoder,
  appendClip,
  decodeFrame,
  decodeFrames,
  findFfmpeg,
  probeMp4,
  probePixelFormat,
  resolveVideoCodec,
} from "../../../src/dataset/video/index.js";
import type { FfmpegInfo } from "../../../src/dataset/video/index.js";
import { runFfmpeg } from "../../../src/system/ffmpeg.js";
import { NotAppendableError, appendMp4InPlace } from "../../../src/dataset/video/mp4-append.js";
import { barcodeFrame, readBarcode } from "../../helpers/barcode.js";

const W = 160;
const H = 120;
const FPS = 30;
const A_FRAMES = 20;
// 37 frames in all: (37 - 1) / 30 s is a whole number of ms, where a short edit list hides the last frame.
const B_FRAMES = 17;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "lerobot-video-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Looks for an ffmpeg with this encoder; warns (once) why the dependent tests are skipped. */
async function ffmpegWith(encoder: string): Promise<FfmpegInfo | undefined> {
  try {
    const info = await findFfmpeg({ requireEncoder: encoder });
    if (info.encoders.has(encoder)) return info;
    console.warn(`skipping ${encoder} tests: ffmpeg at ${info.path} has no ${encoder} encoder`);
  } catch (err) {
    console.warn(`skipping ${encoder} tests: ${(err as Error).message}`);
  }
  return undefined;
}

const encoders = {
  libx264: await ffmpegWith("libx264"),
  libsvtav1: await ffmpegWith("libsvtav1"),
};
const anyFfmpeg = encoders.libx264 ?? encoders.libsvtav1;

async function encodeClip(ffmpeg: FfmpegInfo, vcodec: string, outPath: string, episode: number, frames: number, size = { w: W, h: H }) {
  const enc = EpisodeVideoEncoder.start({ ffmpeg, outPath, width: size.w, height: size.h, fps: FPS, vcodec });
  for (let k = 0; k < frames; k++) await enc.write(barcodeFrame(size.w, size.h, [episode, k]));
  expect(enc.framesWritten).toBe(frames);
  return enc.finish();
}

/** A clip of another size (so another sample description), content irrelevant. */
async function encodeClipSized(ff: FfmpegInfo, vcodec: string, out: string, w: number, h: number, frames: number): Promise<string> {
  await mkdir(path.dirname(out), { recursive: true });
  const enc = EpisodeVideoEncoder.start({ ffmpeg: ff, outPath: out, width: w, height: h, fps: FPS, vcodec });
  for (let k = 0; k < frames; k++) await enc.write(new Uint8Array(w * h * 3).fill(k * 20));
  return (await enc.finish()).path;
}

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

describe("barcode helper", () => {
  it.each([
    [64, 48],
    [160, 120],
    [640, 480],
  ])("round-trips values at %ix%i", (w, h) => {
    for (const values of [[0, 0], [1, 7], [65535, 0], [12345, 54321], [3, 65534]]) {
      expect(readBarcode(barcodeFrame(w, h, values), w, h, 2)).toEqual(values);
    }
  });

  it("paints a frame whose colours vary with the values", () => {
    const a = barcodeFrame(64, 48, [0, 1]);
    const b = barcodeFrame(64, 48, [0, 2]);
    expect(a.length).toBe(64 * 48 * 3);
    expect(Buffer.compare(a, b)).not.toBe(0);
    // Not just black and white: some channel values in between exist.
    expect(a.some((v) => v !== 0 && v !== 255)).toBe(true);
  });
});

describe("resolveVideoCodec", () => {
  const fake = (...names: string[]): FfmpegInfo => ({ path: "/fake/ffmpeg", version: "5.1", encoders: new Set(names) });
  const all = fake("libx264", "libsvtav1", "libx265", "aac");

  it("maps aliases to encoder names", () => {
    expect(resolveVideoCodec("h264", all)).toBe("libx264");
    expect(resolveVideoCodec("libx264", all)).toBe("libx264");
    expect(resolveVideoCodec("hevc", all)).toBe("libx265");
    expect(resolveVideoCodec("libx265", all)).toBe("libx265");
    expect(resolveVideoCodec("av1", all)).toBe("libsvtav1");
    expect(resolveVideoCodec("libsvtav1", all)).toBe("libsvtav1");
  });

  it("auto prefers libx264, then libsvtav1, then libx265", () => {
    expect(resolveVideoCodec("auto", all)).toBe("libx264");
    expect(resolveVideoCodec("auto", fake("libx265", "libsvtav1"))).toBe("libsvtav1");
    expect(resolveVideoCodec("auto", fake("libx265"))).toBe("libx265");
    expect(() => resolveVideoCodec("auto", fake("aac"))).toThrow(VideoError);
  });

  it("rejects unknown codecs and encoders this ffmpeg lacks, saying what is available", () => {
    expect(() => resolveVideoCodec("vp9", all)).toThrow(/unknown video codec 'vp9'/);
    expect(() => resolveVideoCodec("av1", fake("libx264"))).toThrow(VideoError);
    expect(() => resolveVideoCodec("av1", fake("libx264"))).toThrow(/libsvtav1.*available: libx264/s);
  });
});

describe("findFfmpeg", () => {
  it.skipIf(!anyFfmpeg)("finds a runnable ffmpeg, parses encoders, and caches", async () => {
    const a = await findFfmpeg();
    expect(path.isAbsolute(a.path)).toBe(true);
    expect(a.version.length).toBeGreaterThan(0);
    expect(a.encoders.has("rawvideo")).toBe(true);
    expect(await findFfmpeg()).toBe(a);
  });

  it.skipIf(!anyFfmpeg)("uses LEROBOT_FFMPEG when it is set", async () => {
    const saved = process.env.LEROBOT_FFMPEG;
    process.env.LEROBOT_FFMPEG = (anyFfmpeg as FfmpegInfo).path;
    try {
      const info = await findFfmpeg({ requireEncoder: "rawvideo" });
      expect(info.path).toBe((anyFfmpeg as FfmpegInfo).path);
    } finally {
      if (saved === undefined) delete process.env.LEROBOT_FFMPEG;
      else process.env.LEROBOT_FFMPEG = saved;
    }
  });

  it.skipIf(process.platform !== "linux" || process.arch !== "x64")("falls back to @ffmpeg-installer's binary when PATH has none", async () => {
    const saved = { path: process.env.PATH, env: process.env.LEROBOT_FFMPEG };
    process.env.PATH = path.join(tmp, "empty-bin");
    delete process.env.LEROBOT_FFMPEG;
    try {
      // A requireEncoder no earlier call used, so the per-process cache cannot answer.
      const info = await findFfmpeg({ requireEncoder: "rawvideo" });
      expect(info.path).toMatch(/@ffmpeg-installer/);
      expect(info.encoders.has("libx264")).toBe(true);
    } finally {
      process.env.PATH = saved.path;
      if (saved.env !== undefined) process.env.LEROBOT_FFMPEG = saved.env;
    }
  });

  it("fails clearly when LEROBOT_FFMPEG does not run", async () => {
    const saved = process.env.LEROBOT_FFMPEG;
    process.env.LEROBOT_FFMPEG = path.join(tmp, "no-such-ffmpeg");
    try {
      await expect(findFfmpeg()).rejects.toThrow(/LEROBOT_FFMPEG=.*no-such-ffmpeg/);
    } finally {
      if (saved === undefined) delete process.env.LEROBOT_FFMPEG;
      else process.env.LEROBOT_FFMPEG = saved;
    }
  });
});

describe("probeMp4 on bad files", () => {
  it("names a missing file", async () => {
    const file = path.join(tmp, "missing.mp4");
    await expect(probeMp4(file)).rejects.toThrow(VideoError);
    await expect(probeMp4(file)).rejects.toThrow(/missing\.mp4 does not exist/);
  });

  it("names a zero-byte file", async () => {
    const file = path.join(tmp, "empty.mp4");
    await writeFile(file, "");
    await expect(probeMp4(file)).rejects.toThrow(/empty\.mp4 is empty/);
  });

  it("names a garbage file", async () => {
    const file = path.join(tmp, "garbage.mp4");
    await writeFile(file, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131 + 7) & 0xff)));
    const err = await probeMp4(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).message).toMatch(/garbage\.mp4 is not an mp4/);
    expect((err as VideoError).file).toBe(file);
  });

  it("names a truncated mp4", async () => {
    // A box header that promises more than the file holds: ftyp, then a cut-off moov.
    const file = path.join(tmp, "truncated.mp4");
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from("ftypisom"), Buffer.from([0, 0, 2, 0])]);
    const moov = Buffer.concat([Buffer.from([0, 0, 1, 0]), Buffer.from("moov"), Buffer.alloc(20)]);
    await writeFile(file, Buffer.concat([ftyp, moov]));
    await expect(probeMp4(file)).rejects.toThrow(/truncated\.mp4 is not a valid mp4/);
  });
});

const codecCases = [
  { vcodec: "libx264", codec: "h264", ffmpeg: encoders.libx264 },
  { vcodec: "libsvtav1", codec: "av1", ffmpeg: encoders.libsvtav1 },
] as const;

describe("probeMp4 across its reads", () => {
  it.skipIf(!anyFfmpeg)("parses a file whose free box runs past a 1 MiB read (an appended file's old moov)", async () => {
    const vcodec = encoders.libx264 ? "libx264" : "libsvtav1";
    const clip = await encodeClipSized(anyFfmpeg as FfmpegInfo, vcodec, path.join(tmp, "straddle", "clip.mp4"), 64, 48, 10);
    const bytes = await readFile(clip);
    const ftypSize = bytes.readUInt32BE(0);
    // ftyp, then 1.1 MB of free space crossing the first 1 MiB read, then the clip's mdat and moov.
    const free = Buffer.alloc(1_100_000);
    free.writeUInt32BE(free.length, 0);
    free.write("free", 4, "latin1");
    const padded = path.join(tmp, "straddle", "padded.mp4");
    await writeFile(padded, Buffer.concat([bytes.subarray(0, ftypSize), free, bytes.subarray(ftypSize)]));
    const [a, b] = [await probeMp4(padded), await probeMp4(clip)];
    expect(a.frameCount).toBe(10);
    expect(Array.from(a.timestampsS)).toEqual(Array.from(b.timestampsS));
  });
});

describe.each(codecCases)("video with $vcodec", ({ vcodec, codec, ffmpeg }) => {
  const target = () => path.join(tmp, vcodec, "videos", "cam", "chunk-000", "file-000.mp4");
  // Tests run in order: the first builds the file the others read.

  it.skipIf(!ffmpeg)("encodes two clips and appends them into one file", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const clips = path.join(tmp, vcodec, "clips");
    const a = await encodeClip(ff, vcodec, path.join(clips, "a.mp4"), 0, A_FRAMES);
    expect(a.frames).toBe(A_FRAMES);
    const clipInfo = await probeMp4(a.path);
    expect(clipInfo.frameCount).toBe(A_FRAMES);
    // g=2: every other frame is a keyframe.
    expect(clipInfo.keyframeCount).toBe(A_FRAMES / 2);

    await appendClip({ ffmpeg: ff, target: target(), clip: a.path });
    expect(existsSync(a.path)).toBe(false);
    const first = await probeMp4(target());
    expect(first.frameCount).toBe(A_FRAMES);

    const b = await encodeClip(ff, vcodec, path.join(clips, "b.mp4"), 1, B_FRAMES);
    await appendClip({ ffmpeg: ff, target: target(), clip: b.path });
    expect(existsSync(b.path)).toBe(false);
    // Nothing left behind beside the target: no temp file, no concat list.
    expect(await readdir(path.dirname(target()))).toEqual(["file-000.mp4"]);
  });

  it.skipIf(!ffmpeg)("probes the appended file: frames, fps, exact timestamps across the join", async () => {
    const info = await probeMp4(target());
    expect(info.codec).toBe(codec);
    expect(info.codecString).toMatch(codec === "h264" ? /^avc1\./ : /^av01\./);
    expect([info.width, info.height]).toEqual([W, H]);
    expect(info.frameCount).toBe(A_FRAMES + B_FRAMES);
    expect(info.fps).toBe(FPS);
    expect(info.hasAudio).toBe(false);
    expect(info.keyframeCount).toBeGreaterThanOrEqual((A_FRAMES + B_FRAMES) / 2);
    expect(info.durationS).toBeCloseTo((A_FRAMES + B_FRAMES) / FPS, 6);
    expect(info.timestampsS.length).toBe(A_FRAMES + B_FRAMES);
    for (let k = 0; k < info.timestampsS.length; k++) {
      expect(Math.abs((info.timestampsS[k] as number) - k / FPS), `frame ${k}`).toBeLessThan(1e-6);
    }
    expect(await probePixelFormat(ffmpeg as FfmpegInfo, target())).toBe("yuv420p");
    // Appended in place: clip A as written, its old moov turned into free space, clip B's media,
    // and one moov describing both, with free space after it for the next moov to grow into.
    expect(await topLevelBoxes(target())).toEqual(["ftyp", "free", "mdat", "free", "mdat", "moov", "free"]);
    // ffmpeg's own demuxer (what PyAV/torchcodec use) counts every frame too.
    const counted = await runFfmpeg(ffmpeg as FfmpegInfo, ["-hide_banner", "-i", target(), "-map", "0:v", "-c", "copy", "-f", "null", "-"]);
    expect(counted.code).toBe(0);
    expect(counted.stderrTail).toMatch(new RegExp(`frame=\\s*${A_FRAMES + B_FRAMES}\\b`));
    // Decoding applies the edit list: one a few ms short hid the last frame from every decoder.
    expect(info.framesOutsideEdit).toBe(0);
    const decoded = await runFfmpeg(ffmpeg as FfmpegInfo, ["-hide_banner", "-i", target(), "-map", "0:v", "-f", "null", "-"]);
    expect(decoded.stderrTail).toMatch(new RegExp(`frame=\\s*${A_FRAMES + B_FRAMES}\\b`));
  });

  it.skipIf(!ffmpeg)("leaves the earlier frames readable if the append stops before its last write", async () => {
    // The state a crash leaves just before the old moov is turned into free space: two moovs.
    const copy = path.join(tmp, vcodec, "interrupted.mp4");
    const bytes = await readFile(target());
    let pos = 0;
    const boxes: [string, number][] = [];
    while (pos + 8 <= bytes.length) {
      boxes.push([bytes.toString("latin1", pos + 4, pos + 8), pos]);
      pos += bytes.readUInt32BE(pos);
    }
    // The old moov: the free box right before clip B's mdat.
    const lastMdat = boxes.map(([t]) => t).lastIndexOf("mdat");
    const oldMoov = boxes[lastMdat - 1]![1];
    bytes.write("moov", oldMoov + 4, "latin1");
    await writeFile(copy, bytes);
    const counted = await runFfmpeg(ffmpeg as FfmpegInfo, ["-hide_banner", "-i", copy, "-map", "0:v", "-c", "copy", "-f", "null", "-"]);
    expect(counted.code).toBe(0);
    expect(counted.stderrTail).toMatch(new RegExp(`frame=\\s*${A_FRAMES}\\b`));
  });

  it.skipIf(!ffmpeg)("falls back to a concat remux for a file the in-place appender does not know (fragmented mp4)", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const dir = path.join(tmp, vcodec, "fallback");
    const a = await encodeClip(ff, vcodec, path.join(dir, "a.mp4"), 0, A_FRAMES);
    const fragmented = path.join(dir, "target.mp4");
    const remux = await runFfmpeg(ff, ["-hide_banner", "-y", "-i", a.path, "-c", "copy", "-movflags", "+frag_keyframe+empty_moov", fragmented]);
    expect(remux.code).toBe(0);
    const b = await encodeClip(ff, vcodec, path.join(dir, "b.mp4"), 1, B_FRAMES);
    await expect(appendMp4InPlace(fragmented, b.path)).rejects.toBeInstanceOf(NotAppendableError);
    await appendClip({ ffmpeg: ff, target: fragmented, clip: b.path });
    const info = await probeMp4(fragmented);
    expect(info.frameCount).toBe(A_FRAMES + B_FRAMES);
    const frame = await decodeFrame({ ffmpeg: ff, path: fragmented, timestampS: (A_FRAMES + 3) / FPS, width: W, height: H });
    expect(readBarcode(frame, W, H, 2)).toEqual([1, 3]);
    expect((await readdir(dir)).sort()).toEqual(["a.mp4", "target.mp4"]);
  });

  it.skipIf(!ffmpeg)("refuses to append in place a clip of another sample description, leaving the file untouched", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const base = path.join(tmp, vcodec, "mismatch", "base.mp4");
    const a = await encodeClip(ff, vcodec, base, 0, 4);
    const other = await encodeClipSized(ff, vcodec, path.join(tmp, vcodec, "mismatch", "other.mp4"), W * 2, H * 2, 4);
    const before = await readFile(a.path);
    await expect(appendMp4InPlace(a.path, other)).rejects.toBeInstanceOf(NotAppendableError);
    expect((await readFile(a.path)).equals(before)).toBe(true);
  });

  it.skipIf(!ffmpeg)("decodes the exact frame at a timestamp, keyframe or not, on both sides of the join", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const bStart = A_FRAMES / FPS;
    for (const k of [0, 1, 2, 5, 8, 13, 14]) {
      const rgb = await decodeFrame({ ffmpeg: ff, path: target(), timestampS: bStart + k / FPS, width: W, height: H });
      expect(rgb.length).toBe(W * H * 3);
      expect(readBarcode(rgb, W, H, 2), `episode 1 frame ${k}`).toEqual([1, k]);
    }
    for (const k of [0, 3, 19]) {
      const rgb = await decodeFrame({ ffmpeg: ff, path: target(), timestampS: k / FPS, width: W, height: H });
      expect(readBarcode(rgb, W, H, 2), `episode 0 frame ${k}`).toEqual([0, k]);
    }
    // A time between two frames shows the earlier one.
    const mid = await decodeFrame({ ffmpeg: ff, path: target(), timestampS: bStart + 3 / FPS + 0.4 / FPS, width: W, height: H });
    expect(readBarcode(mid, W, H, 2)).toEqual([1, 3]);
  });

  it.skipIf(!ffmpeg)("decodes consecutive frames across the join in one run", async () => {
    const got: number[][] = [];
    for await (const rgb of decodeFrames({ ffmpeg: ffmpeg as FfmpegInfo, path: target(), timestampS: 17 / FPS, width: W, height: H, count: 6 })) {
      got.push(readBarcode(rgb, W, H, 2));
    }
    expect(got).toEqual([[0, 17], [0, 18], [0, 19], [1, 0], [1, 1], [1, 2]]);
  });

  it.skipIf(!ffmpeg)("refuses timestamps past the end and runs past the last frame", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const end = (A_FRAMES + B_FRAMES) / FPS;
    await expect(decodeFrame({ ffmpeg: ff, path: target(), timestampS: end, width: W, height: H })).rejects.toThrow(/past the end/);
    await expect(decodeFrame({ ffmpeg: ff, path: target(), timestampS: 10, width: W, height: H })).rejects.toThrow(VideoError);
    const run = async () => {
      for await (const _ of decodeFrames({ ffmpeg: ff, path: target(), timestampS: end - 2 / FPS, width: W, height: H, count: 3 })) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow(/past the last frame/);
    // The last frame itself is fine.
    const last = await decodeFrame({ ffmpeg: ff, path: target(), timestampS: end - 1 / FPS, width: W, height: H });
    expect(readBarcode(last, W, H, 2)).toEqual([1, B_FRAMES - 1]);
  });
});

describe("EpisodeVideoEncoder failures", () => {
  const ffmpeg = encoders.libx264;

  it.skipIf(!ffmpeg)("abort() kills ffmpeg and leaves no file, and may be called twice", async () => {
    const out = path.join(tmp, "abort", "clip.mp4");
    const enc = EpisodeVideoEncoder.start({ ffmpeg: ffmpeg as FfmpegInfo, outPath: out, width: W, height: H, fps: FPS, vcodec: "libx264" });
    for (let k = 0; k < 5; k++) await enc.write(barcodeFrame(W, H, [9, k]));
    await enc.abort();
    await enc.abort();
    expect(existsSync(out)).toBe(false);
    await expect(enc.write(barcodeFrame(W, H, [9, 5]))).rejects.toThrow(VideoError);
  });

  it.skipIf(!ffmpeg)("keeps every frame, in order, when writes are not awaited one by one", async () => {
    const out = path.join(tmp, "burst", "clip.mp4");
    const enc = EpisodeVideoEncoder.start({ ffmpeg: ffmpeg as FfmpegInfo, outPath: out, width: W, height: H, fps: FPS, vcodec: "libx264" });
    await Promise.all(Array.from({ length: 40 }, (_, k) => enc.write(barcodeFrame(W, H, [5, k]))));
    expect((await enc.finish()).frames).toBe(40);
    const info = await probeMp4(out);
    expect(info.frameCount).toBe(40);
    let k = 0;
    for await (const rgb of decodeFrames({ ffmpeg: ffmpeg as FfmpegInfo, path: out, timestampS: 0, width: W, height: H, count: 40 })) {
      expect(readBarcode(rgb, W, H, 2)).toEqual([5, k]);
      k++;
    }
  });

  it.skipIf(!ffmpeg)("rejects a frame of the wrong size without breaking the clip", async () => {
    const out = path.join(tmp, "size", "clip.mp4");
    const enc = EpisodeVideoEncoder.start({ ffmpeg: ffmpeg as FfmpegInfo, outPath: out, width: W, height: H, fps: FPS, vcodec: "libx264" });
    await enc.write(barcodeFrame(W, H, [2, 0]));
    await expect(enc.write(new Uint8Array(W * H * 3 - 1))).rejects.toThrow(/expected 57600/);
    await expect(enc.write(barcodeFrame(W, H + 2, [2, 1]))).rejects.toThrow(VideoError);
    await enc.write(barcodeFrame(W, H, [2, 1]));
    const done = await enc.finish();
    expect(done.frames).toBe(2);
    expect((await probeMp4(out)).frameCount).toBe(2);
  });

  it.skipIf(!ffmpeg)("reports ffmpeg's own error when it dies", async () => {
    const out = path.join(tmp, "dies", "clip.mp4");
    const enc = EpisodeVideoEncoder.start({ ffmpeg: ffmpeg as FfmpegInfo, outPath: out, width: W, height: H, fps: FPS, vcodec: "no_such_encoder" });
    const err = await (async () => {
      for (let k = 0; k < 200; k++) await enc.write(barcodeFrame(W, H, [0, k]));
      await enc.finish();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).message).toMatch(/clip\.mp4/);
    expect((err as VideoError).message).toMatch(/no_such_encoder/);
    await enc.abort();
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!ffmpeg)("encodes and reads barcodes at 64x48 (crf 30)", async () => {
    const out = path.join(tmp, "small", "clip.mp4");
    await mkdir(path.dirname(out), { recursive: true });
    const enc = EpisodeVideoEncoder.start({ ffmpeg: ffmpeg as FfmpegInfo, outPath: out, width: 64, height: 48, fps: FPS, vcodec: "libx264", crf: 30 });
    for (let k = 0; k < 6; k++) await enc.write(barcodeFrame(64, 48, [40000 + k, 3 * k]));
    await enc.finish();
    let k = 0;
    for await (const rgb of decodeFrames({ ffmpeg: ffmpeg as FfmpegInfo, path: out, timestampS: 0, width: 64, height: 48, count: 6 })) {
      expect(readBarcode(rgb, 64, 48, 2)).toEqual([40000 + k, 3 * k]);
      k++;
    }
    expect(k).toBe(6);
  });
});
