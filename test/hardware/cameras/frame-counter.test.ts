/**
 * The frame counter painted into camera frames: exact read-back, a band at the top only, and
 * surviving h264 over the moving synthetic picture (real ffmpeg).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCounter, stampCounter } from "../../../src/hardware/cameras/frame-counter.js";
import { SyntheticCamera } from "../../../src/hardware/cameras/synthetic-camera.js";
import { findFfmpeg } from "../../../src/system/ffmpeg.js";
import { tempDir } from "../../helpers/synthetic.js";
import { until } from "../../helpers/wait.js";

/** ffmpeg h264 round trip of RGB frames: encode to mp4, decode back to RGB. */
function h264RoundTrip(ffmpeg: string, frames: Uint8Array[], width: number, height: number, dir: string): Uint8Array[] {
  const file = path.join(dir, `counter-${width}x${height}.mp4`);
  const size = `${width}x${height}`;
  execFileSync(ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size, "-r", "30", "-i", "pipe:0",
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "30", "-g", "4", file], { input: Buffer.concat(frames) });
  const raw = execFileSync(ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { maxBuffer: 64 * 1024 * 1024 });
  const bytes = width * height * 3;
  return Array.from({ length: raw.length / bytes }, (_, i) => raw.subarray(i * bytes, (i + 1) * bytes));
}


describe("frame counter", () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("paints only a band at the top and reads back exactly", () => {
    for (const [w, h] of [[320, 240], [640, 480], [128, 96], [64, 48]] as const) {
      const rgb = new Uint8Array(w * h * 3).fill(77);
      stampCounter(rgb, w, h, [40961, 7]);
      expect(readCounter(rgb, w, h, 2)).toEqual([40961, 7]);
      expect(rgb[rgb.length - 1], `${w}x${h}: bottom row untouched`).toBe(77);
    }
    expect(() => stampCounter(new Uint8Array(10), 320, 240, [1])).toThrow(/expected 320x240x3/);
    expect(() => stampCounter(new Uint8Array(320 * 240 * 3), 320, 240, [65536])).toThrow(/0\.\.65535/);
  });

  it("survives h264 (crf 30) over the moving test pattern at 320x240 and 640x480", async () => {
    for (const [width, height] of [[320, 240], [640, 480]] as const) {
      const camera = new SyntheticCamera({ name: "counter", width, height, fps: 30 });
      await camera.start();
      const frames: Uint8Array[] = [];
      while (frames.length < 12) {
        const frame = await until(() => camera.latest(), (f) => f?.sequence === frames.length);
        frames.push(frame!.data.slice());
      }
      await camera.stop();
      const decoded = h264RoundTrip((await findFfmpeg({ requireEncoder: "libx264" })).path, frames, width, height, dir);
      expect(decoded).toHaveLength(12);
      expect(decoded.map((rgb) => readCounter(rgb, width, height, 1)[0])).toEqual(frames.map((_, k) => k));
    }
  });
});

describe("stampCounter and readCounter: limits", () => {
  it("paint a band in the top half of the frame at most, leaving the picture below as it was", () => {
    for (const [w, h, count] of [[640, 480, 1], [320, 240, 2], [64, 48, 1]] as const) {
      const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7) & 0xff);
      const before = rgb.slice();
      stampCounter(rgb, w, h, Array.from({ length: count }, () => 0xffff));
      const half = Math.ceil(h / 2) * w * 3;
      expect(Buffer.from(rgb.subarray(half)).equals(Buffer.from(before.subarray(half))), `${w}x${h}`).toBe(true);
      expect(Buffer.from(rgb.subarray(0, half)).equals(Buffer.from(before.subarray(0, half))), `${w}x${h}: painted`).toBe(false);
    }
  });

  it("refuse a frame too small for the squares, a fraction, and a frame of the wrong size to read", () => {
    expect(() => stampCounter(new Uint8Array(16 * 16 * 3), 16, 16, [1])).toThrow("frame counter: 1 values do not fit in 16x16 with squares of at least 8px");
    expect(() => stampCounter(new Uint8Array(320 * 240 * 3), 320, 240, [1.5])).toThrow(/value 1\.5 is not an integer/);
    expect(() => readCounter(new Uint8Array(5), 320, 240, 1)).toThrow(/frame has 5 bytes, expected 320x240x3/);
  });

  it("reads every value 0..65535 bit for bit (each bit its own square)", () => {
    const rgb = new Uint8Array(320 * 240 * 3);
    for (const value of [0, 1, 0x8000, 0x5555, 0xaaaa, 0xffff]) {
      stampCounter(rgb, 320, 240, [value]);
      expect(readCounter(rgb, 320, 240, 1)).toEqual([value]);
    }
  });
});
