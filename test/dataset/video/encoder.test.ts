import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoError } from "../../../src/errors.js";
import { decodeFrames } from "../../../src/dataset/video/decode.js";
import { EpisodeVideoEncoder, encoderArgs, lowerPriority } from "../../../src/dataset/video/encoder.js";
import type { EncoderOptions } from "../../../src/dataset/video/encoder.js";
import { probeMp4, probePixelFormat } from "../../../src/dataset/video/probe.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { barcodeFrame, readBarcode } from "../../helpers/barcode.js";
import { ffmpegWith } from "../../helpers/ffmpeg-with.js";
import { tempDir } from "../../helpers/synthetic.js";

const W = 160;
const H = 120;
const FPS = 30;

let tmp: string;
beforeAll(() => {
  tmp = tempDir("lerobot-encoder-");
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const encoders = {
  libx264: await ffmpegWith("libx264"),
  libsvtav1: await ffmpegWith("libsvtav1"),
};

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

describe("EpisodeVideoEncoder", () => {
  const ffmpeg = encoders.libx264;
  const start = (name: string, options: Partial<EncoderOptions> = {}) =>
    EpisodeVideoEncoder.start({ ffmpeg: ffmpeg as FfmpegInfo, outPath: path.join(tmp, "encoder", name), width: 64, height: 48, fps: FPS, vcodec: "libx264", ...options });

  it.skipIf(!ffmpeg)("counts the frames written and returns the clip with that count", async () => {
    const enc = start("count.mp4");
    expect(enc.framesWritten).toBe(0);
    for (let k = 0; k < 3; k++) await enc.write(barcodeFrame(64, 48, [1, k]));
    expect(enc.framesWritten).toBe(3);
    const done = await enc.finish();
    expect(done).toEqual({ path: path.join(tmp, "encoder", "count.mp4"), frames: 3 });
    expect((await probeMp4(done.path)).frameCount).toBe(3);
  });

  it.skipIf(!encoders.libsvtav1)("writes the codec, frame rate and pixel format asked for", async () => {
    const enc = EpisodeVideoEncoder.start({ ffmpeg: encoders.libsvtav1 as FfmpegInfo, outPath: path.join(tmp, "encoder", "av1.mp4"), width: 64, height: 64, fps: 15, vcodec: "libsvtav1" });
    // svt-av1 takes nothing under 64x64.
    for (let k = 0; k < 4; k++) await enc.write(barcodeFrame(64, 64, [2, k]));
    const { path: file } = await enc.finish();
    const info = await probeMp4(file);
    expect([info.codec, info.fps, info.frameCount, info.width, info.height]).toEqual(["av1", 15, 4, 64, 64]);
    expect(await probePixelFormat(encoders.libsvtav1 as FfmpegInfo, file)).toBe("yuv420p");
  });

  it.skipIf(!ffmpeg)("passes the keyframe interval on: g=2 by default, g=4 when asked", async () => {
    const frames = 8;
    const keyframes = async (name: string, g?: number) => {
      const enc = start(name, g === undefined ? {} : { g });
      // Identical frames: no scene cut adds a keyframe of its own.
      for (let k = 0; k < frames; k++) await enc.write(new Uint8Array(64 * 48 * 3).fill(120));
      return (await probeMp4((await enc.finish()).path)).keyframeCount;
    };
    expect(await keyframes("g-default.mp4")).toBe(frames / 2);
    expect(await keyframes("g-4.mp4", 4)).toBe(frames / 4);
  });

  it.skipIf(!ffmpeg)("refuses sizes and rates that cannot be encoded before starting ffmpeg", () => {
    expect(() => start("bad.mp4", { width: 0 })).toThrow(/invalid width 0/);
    expect(() => start("bad.mp4", { fps: Number.NaN })).toThrow(/invalid fps/);
    expect(() => start("bad.mp4", { width: 63 })).toThrow(/yuv420p needs even width and height, got 63x48/);
    expect(existsSync(path.join(tmp, "encoder", "bad.mp4"))).toBe(false);
  });

  it.skipIf(!ffmpeg)("encodes odd sizes in a pixel format that allows them", async () => {
    const enc = start("odd.mp4", { width: 63, height: 47, pixFmt: "yuv444p" });
    await enc.write(new Uint8Array(63 * 47 * 3).fill(90));
    const { path: file } = await enc.finish();
    const info = await probeMp4(file);
    expect([info.width, info.height]).toEqual([63, 47]);
    expect(await probePixelFormat(ffmpeg as FfmpegInfo, file)).toBe("yuv444p");
  });

  it.skipIf(!ffmpeg)("refuses to finish a clip with no frames, leaving no file", async () => {
    const enc = start("empty.mp4");
    await expect(enc.finish()).rejects.toThrow(/no frames were written/);
    expect(existsSync(path.join(tmp, "encoder", "empty.mp4"))).toBe(false);
  });

  it.skipIf(!ffmpeg)("refuses a second finish and writes after finish, keeping the finished clip", async () => {
    const enc = start("twice.mp4");
    await enc.write(barcodeFrame(64, 48, [4, 0]));
    await enc.finish();
    await expect(enc.finish()).rejects.toThrow(/finish called twice/);
    await expect(enc.write(barcodeFrame(64, 48, [4, 1]))).rejects.toThrow(/write after finish/);
    expect((await probeMp4(path.join(tmp, "encoder", "twice.mp4"))).frameCount).toBe(1);
  });

  it.skipIf(!ffmpeg)("keepAlive(false) lets the process exit while it waits for frames, keepAlive(true) holds it again", async () => {
    // What holds the event loop open: the ref'd handles Node lists (ffmpeg's process and its two pipes).
    const held = () => {
      const kinds = process.getActiveResourcesInfo();
      return { processes: kinds.filter((k) => k === "ProcessWrap").length, pipes: kinds.filter((k) => k === "PipeWrap").length };
    };
    const before = held();
    const enc = start("keep-alive.mp4");
    const started = held();
    expect(started.processes).toBe(before.processes + 1);
    enc.keepAlive(false);
    expect(held()).toEqual(before);
    enc.keepAlive(true);
    expect(held()).toEqual(started);
    enc.keepAlive(false);
    // finish() holds the loop itself while it waits for ffmpeg, whatever keepAlive said.
    await enc.write(barcodeFrame(64, 48, [5, 0]));
    const finishing = enc.finish();
    expect(held().processes).toBe(before.processes + 1);
    expect((await finishing).frames).toBe(1);
  });

  it.skipIf(!ffmpeg)("reports an ffmpeg that cannot be started, naming it", async () => {
    const enc = start("nobin.mp4", { ffmpeg: { ...(ffmpeg as FfmpegInfo), path: path.join(tmp, "no-ffmpeg") } });
    const err = await (async () => {
      await enc.write(barcodeFrame(64, 48, [0, 0]));
      await enc.finish();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).message).toMatch(/could not run .*no-ffmpeg/);
    expect(existsSync(path.join(tmp, "encoder", "nobin.mp4"))).toBe(false);
  });
});

describe("encoderArgs", () => {
  const ffmpeg: FfmpegInfo = { path: "/x/ffmpeg", version: "6.1", encoders: new Set(["libx264"]), supportsFpsMode: true };
  const base: EncoderOptions = { ffmpeg, outPath: "/out/clip.mp4", width: 640, height: 480, fps: 30, vcodec: "libx264" };
  const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

  it("reads raw rgb24 frames of the given size and rate from stdin and writes an mp4 to the clip's path", () => {
    const args = encoderArgs(base);
    expect(args.slice(args.indexOf("-f"), args.indexOf("-i") + 2)).toEqual(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "640x480", "-framerate", "30", "-i", "pipe:0"]);
    expect(args.slice(-3)).toEqual(["-f", "mp4", "/out/clip.mp4"]);
    expect(args).toContain("-an");
  });

  it("uses the resolved settings: encoder, its options, and the output pixel format", () => {
    const args = encoderArgs({ ...base, crf: 18, g: 10, pixFmt: "yuv444p" });
    expect(after(args, "-c:v")).toBe("libx264");
    expect(after(args, "-crf")).toBe("18");
    expect(after(args, "-g")).toBe("10");
    expect(after(args, "-preset")).toBe("veryfast");
    // The -pix_fmt before -i is the rgb24 input's; the one after it is the output's.
    expect(after(args.slice(args.indexOf("pipe:0")), "-pix_fmt")).toBe("yuv444p");
  });

  it("keeps every frame's timestamp with the option this ffmpeg knows", () => {
    expect(after(encoderArgs(base), "-fps_mode")).toBe("passthrough");
    expect(after(encoderArgs({ ...base, ffmpeg: { ...ffmpeg, supportsFpsMode: false } }), "-vsync")).toBe("passthrough");
  });
});

describe("lowerPriority", () => {
  it.runIf(process.platform !== "win32")("sets a process's nice to 10, below a recorder's clock", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      const base = os.getPriority(child.pid!);
      expect(base).toBeLessThan(10);
      lowerPriority(child.pid);
      expect(os.getPriority(child.pid!)).toBe(10);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("does nothing, and does not throw, for no process or one that is gone", () => {
    expect(() => lowerPriority(undefined)).not.toThrow();
    expect(() => lowerPriority(2 ** 22 + 12345)).not.toThrow();
  });
});
