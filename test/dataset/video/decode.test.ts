import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoError } from "../../../src/errors.js";
import { decodeFrame, decodeFrames } from "../../../src/dataset/video/decode.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { APPENDED, appendedBarcodeFile } from "../../helpers/appended-barcode-file.js";
import { readBarcode } from "../../helpers/barcode.js";
import { ffmpegWith } from "../../helpers/ffmpeg-with.js";
import { until } from "../../helpers/wait.js";
import { tempDir } from "../../helpers/synthetic.js";

const { width: W, height: H, fps: FPS, framesA: A_FRAMES, framesB: B_FRAMES } = APPENDED;

let tmp: string;
beforeAll(() => {
  tmp = tempDir("lerobot-decode-");
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const codecCases = [
  { vcodec: "libx264", ffmpeg: await ffmpegWith("libx264") },
  { vcodec: "libsvtav1", ffmpeg: await ffmpegWith("libsvtav1") },
] as const;

describe.each(codecCases)("decoding a file appended with $vcodec", ({ vcodec, ffmpeg }) => {
  let target: string;
  beforeAll(async () => {
    if (ffmpeg) target = await appendedBarcodeFile(ffmpeg, vcodec, path.join(tmp, vcodec));
  });

  it.skipIf(!ffmpeg)("decodes the exact frame at a timestamp, keyframe or not, on both sides of the join", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const bStart = A_FRAMES / FPS;
    for (const k of [0, 1, 2, 5, 8, 13, 14]) {
      const rgb = await decodeFrame({ ffmpeg: ff, path: target, timestampS: bStart + k / FPS, width: W, height: H });
      expect(rgb.length).toBe(W * H * 3);
      expect(readBarcode(rgb, W, H, 2), `episode 1 frame ${k}`).toEqual([1, k]);
    }
    for (const k of [0, 3, 19]) {
      const rgb = await decodeFrame({ ffmpeg: ff, path: target, timestampS: k / FPS, width: W, height: H });
      expect(readBarcode(rgb, W, H, 2), `episode 0 frame ${k}`).toEqual([0, k]);
    }
    // A time between two frames shows the earlier one.
    const mid = await decodeFrame({ ffmpeg: ff, path: target, timestampS: bStart + 3 / FPS + 0.4 / FPS, width: W, height: H });
    expect(readBarcode(mid, W, H, 2)).toEqual([1, 3]);
  });

  it.skipIf(!ffmpeg)("decodes consecutive frames across the join in one run", async () => {
    const got: number[][] = [];
    for await (const rgb of decodeFrames({ ffmpeg: ffmpeg as FfmpegInfo, path: target, timestampS: 17 / FPS, width: W, height: H, count: 6 })) {
      got.push(readBarcode(rgb, W, H, 2));
    }
    expect(got).toEqual([[0, 17], [0, 18], [0, 19], [1, 0], [1, 1], [1, 2]]);
  });

  it.skipIf(!ffmpeg)("refuses timestamps past the end and runs past the last frame", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const end = (A_FRAMES + B_FRAMES) / FPS;
    await expect(decodeFrame({ ffmpeg: ff, path: target, timestampS: end, width: W, height: H })).rejects.toThrow(/past the end/);
    await expect(decodeFrame({ ffmpeg: ff, path: target, timestampS: 10, width: W, height: H })).rejects.toThrow(VideoError);
    const run = async () => {
      for await (const _ of decodeFrames({ ffmpeg: ff, path: target, timestampS: end - 2 / FPS, width: W, height: H, count: 3 })) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow(/past the last frame/);
    // The last frame itself is fine.
    const last = await decodeFrame({ ffmpeg: ff, path: target, timestampS: end - 1 / FPS, width: W, height: H });
    expect(readBarcode(last, W, H, 2)).toEqual([1, B_FRAMES - 1]);
  });
});

describe("decodeFrame and decodeFrames", () => {
  const ffmpeg = codecCases[0].ffmpeg;
  let target: string;
  beforeAll(async () => {
    if (ffmpeg) target = await appendedBarcodeFile(ffmpeg, "libx264", path.join(tmp, "checks"));
  });

  it.skipIf(!ffmpeg)("takes a timestamp within LeRobot's tolerance (1e-4 s) before a frame as that frame", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const at = (A_FRAMES + 5) / FPS;
    // Float rounding in a caller's timestamp (frame_index / fps) must not land on the frame before.
    const near = await decodeFrame({ ffmpeg: ff, path: target, timestampS: at - 5e-5, width: W, height: H });
    expect(readBarcode(near, W, H, 2)).toEqual([1, 5]);
    const before = await decodeFrame({ ffmpeg: ff, path: target, timestampS: at - 5e-4, width: W, height: H });
    expect(readBarcode(before, W, H, 2)).toEqual([1, 4]);
    // Frame 0 too, from a timestamp a hair below zero.
    const first = await decodeFrame({ ffmpeg: ff, path: target, timestampS: -5e-5, width: W, height: H });
    expect(readBarcode(first, W, H, 2)).toEqual([0, 0]);
  });

  it.skipIf(!ffmpeg)("refuses a frame size other than the stream's (it never scales)", async () => {
    await expect(decodeFrame({ ffmpeg: ffmpeg as FfmpegInfo, path: target, timestampS: 0, width: W / 2, height: H / 2 }))
      .rejects.toThrow(new RegExp(`video is ${W}x${H}, expected ${W / 2}x${H / 2}`));
  });

  it.skipIf(!ffmpeg)("refuses invalid timestamps and frame counts before running ffmpeg", async () => {
    const ff = ffmpeg as FfmpegInfo;
    for (const t of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(decodeFrame({ ffmpeg: ff, path: target, timestampS: t, width: W, height: H }), String(t)).rejects.toThrow(/invalid timestamp/);
    }
    for (const count of [0, -1, 1.5]) {
      const run = async () => {
        for await (const _ of decodeFrames({ ffmpeg: ff, path: target, timestampS: 0, width: W, height: H, count })) {
          // drain
        }
      };
      await expect(run(), String(count)).rejects.toThrow(/frame count must be a positive integer/);
    }
  });

  it.skipIf(!ffmpeg)("yields a new buffer per frame, so a kept frame is not overwritten by the next", async () => {
    const frames: Uint8Array[] = [];
    for await (const rgb of decodeFrames({ ffmpeg: ffmpeg as FfmpegInfo, path: target, timestampS: 0, width: W, height: H, count: 4 })) frames.push(rgb);
    expect(frames.map((f) => readBarcode(f, W, H, 2))).toEqual([[0, 0], [0, 1], [0, 2], [0, 3]]);
  });

  it.skipIf(!ffmpeg)("leaves no ffmpeg running when the consumer stops early", async () => {
    const processes = () => process.getActiveResourcesInfo().filter((k) => k === "ProcessWrap").length;
    const before = processes();
    let got = 0;
    // 30 frames of 57.6 KB: more than a pipe holds, so an ffmpeg nobody stopped would block, not exit.
    for await (const rgb of decodeFrames({ ffmpeg: ffmpeg as FfmpegInfo, path: target, timestampS: 0, width: W, height: H, count: 30 })) {
      expect(readBarcode(rgb, W, H, 2)).toEqual([0, got]);
      if (++got === 2) break;
    }
    expect(got).toBe(2);
    expect(await until(processes, (n) => n === before)).toBe(before);
  });

  it.skipIf(!ffmpeg)("says which file and why when ffmpeg cannot be run", async () => {
    const broken: FfmpegInfo = { ...(ffmpeg as FfmpegInfo), path: path.join(tmp, "no-ffmpeg-here") };
    await expect(decodeFrame({ ffmpeg: broken, path: target, timestampS: 0, width: W, height: H }))
      .rejects.toThrow(/decoding .*file-000\.mp4 at 0s failed: could not run .*no-ffmpeg-here/);
  });
});
