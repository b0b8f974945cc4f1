import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENCODER_INFO_KEYS, encoderInfoKeys, resolveEncoderSettings } from "../../../src/dataset/video/encoder-settings.js";
import { videoFeatureInfo } from "../../../src/dataset/video/feature-info.js";
import { findFfmpeg, runFfmpeg } from "../../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { encodeBarcodeClip } from "../../helpers/barcode-clip.js";
import { tempDir } from "../../helpers/synthetic.js";

let dir: string;
let ffmpeg: FfmpegInfo;
let clip: string;
beforeAll(async () => {
  dir = tempDir("lerobot-feature-info-");
  ffmpeg = await findFfmpeg();
  clip = await encodeBarcodeClip(ffmpeg, dir, "clip.mp4", 96, 64, 6, 1);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const x264 = resolveEncoderSettings("libx264", { crf: 20, extraOptions: { tune: "film" } });

describe("videoFeatureInfo", () => {
  it("states the stream's facts as read from the file, then the encoder settings, then is_depth_map", async () => {
    const info = await videoFeatureInfo(ffmpeg, clip, x264, undefined);
    expect(Object.keys(info)).toEqual([
      "video.height", "video.width", "video.codec", "video.pix_fmt", "video.fps", "video.channels", "has_audio", ...ENCODER_INFO_KEYS, "is_depth_map",
    ]);
    expect(info).toMatchObject({
      "video.height": 64, "video.width": 96, "video.codec": "h264", "video.pix_fmt": "yuv420p", "video.fps": 30, "video.channels": 3, has_audio: false, is_depth_map: false,
    });
    expect(info).toMatchObject(encoderInfoKeys(x264));
    expect(info["video.crf"]).toBe(20);
  });

  it("keeps keys that were there in their place, with the file's values, and other keys as they were", async () => {
    const existing = { "video.fps": 15, custom: "kept", "video.codec": "av1", "video.extra_options": { old: 1 } };
    const info = await videoFeatureInfo(ffmpeg, clip, x264, existing);
    expect(Object.keys(info).slice(0, 4)).toEqual(["video.fps", "custom", "video.codec", "video.extra_options"]);
    expect(info).toMatchObject({ "video.fps": 30, custom: "kept", "video.codec": "h264", "video.extra_options": { tune: "film" } });
    // The caller's object is not changed.
    expect(existing).toEqual({ "video.fps": 15, custom: "kept", "video.codec": "av1", "video.extra_options": { old: 1 } });
  });

  it("moves LeRobot's legacy video.is_depth_map to is_depth_map", async () => {
    const info = await videoFeatureInfo(ffmpeg, clip, x264, { "video.is_depth_map": false });
    expect(info).not.toHaveProperty(["video.is_depth_map"]);
    expect(info.is_depth_map).toBe(false);
  });

  it("rounds a fractional frame rate to the integer fps LeRobot records (29.97 -> 30)", async () => {
    const ntsc = path.join(dir, "ntsc.mp4");
    const r = await runFfmpeg(ffmpeg, ["-hide_banner", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=s=64x48:r=30000/1001", "-frames:v", "6", "-c:v", "libx264", "-pix_fmt", "yuv444p", ntsc]);
    expect(r.code).toBe(0);
    const info = await videoFeatureInfo(ffmpeg, ntsc, x264, null);
    expect(info["video.fps"]).toBe(30);
    // The pixel format is the stream's, not the encoder settings'.
    expect(info["video.pix_fmt"]).toBe("yuv444p");
  });
});
