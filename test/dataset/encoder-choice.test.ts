/** Which encoder and settings a writer's cameras use: asked for at create, inherited from the videos on resume. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VideoError } from "../../src/errors.js";
import { pickEncoder, requestedEncoderSettings, resumeEncoderSettings } from "../../src/dataset/encoder-choice.js";
import { checkFeatureSpecs } from "../../src/dataset/feature-specs.js";
import type { DatasetInfo } from "../../src/dataset/info.js";
import { newDatasetInfo } from "../../src/dataset/writer-start.js";
import { tempDir } from "../helpers/synthetic.js";

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** info.json of a dataset with two cameras, whose feature info blocks are `front` and `wrist`. */
function infoWithCameras(front: Record<string, unknown>, wrist: Record<string, unknown> = front): DatasetInfo {
  const features = checkFeatureSpecs({
    "observation.images.front": { dtype: "video", shape: [64, 96, 3] },
    "observation.images.wrist": { dtype: "video", shape: [64, 96, 3] },
  }, true);
  features["observation.images.front"]!.info = front;
  features["observation.images.wrist"]!.info = wrist;
  return newDatasetInfo({ root: "/unused", repoId: "t/e", fps: 30, robotType: null, features: {} }, features);
}

const svtAv1 = { "video.codec": "av1", "video.g": 4, "video.crf": 30, "video.preset": 8, "video.fast_decode": 1, "video.pix_fmt": "yuv420p" };

describe("requestedEncoderSettings", () => {
  it("lets vcodec and crf win over the same fields of encoder, but only when given", () => {
    expect(requestedEncoderSettings({ vcodec: "h264", encoder: { vcodec: "hevc", crf: 10, g: 5 } })).toEqual({ vcodec: "h264", crf: 10, g: 5 });
    expect(requestedEncoderSettings({ crf: 18, encoder: { crf: 10 } })).toEqual({ crf: 18 });
    expect(requestedEncoderSettings({ vcodec: undefined, crf: undefined, encoder: { crf: 10 } })).toEqual({ crf: 10 });
    expect(requestedEncoderSettings({})).toEqual({});
  });
});

describe("resumeEncoderSettings", () => {
  it("keeps the dataset's codec and the settings recorded beside it", () => {
    expect(resumeEncoderSettings(infoWithCameras(svtAv1), {})).toEqual({ vcodec: "av1", g: 4, crf: 30, preset: 8, fastDecode: 1 });
  });

  it("lets the caller's settings win, keeping the rest for the same codec family", () => {
    expect(resumeEncoderSettings(infoWithCameras(svtAv1), { crf: 20 })).toMatchObject({ vcodec: "av1", crf: 20, g: 4 });
    // libsvtav1 writes av1: the recorded settings still apply.
    expect(resumeEncoderSettings(infoWithCameras(svtAv1), { vcodec: "libsvtav1" })).toEqual({ vcodec: "libsvtav1", g: 4, crf: 30, preset: 8, fastDecode: 1 });
    expect(resumeEncoderSettings(infoWithCameras(svtAv1), { encoder: { g: 10 } })).toMatchObject({ vcodec: "av1", g: 10, crf: 30 });
  });

  it("drops the recorded settings when the caller asks for another codec (an av1 crf means nothing to x264)", () => {
    expect(resumeEncoderSettings(infoWithCameras(svtAv1), { vcodec: "h264" })).toEqual({ vcodec: "h264" });
    expect(resumeEncoderSettings(infoWithCameras(svtAv1), { encoder: { vcodec: "libx264", g: 6 } })).toEqual({ vcodec: "libx264", g: 6 });
  });

  it("finds the codec on any camera, and with none recorded takes the caller's or leaves it to auto", () => {
    // The front camera's info has no codec (as after create, before the first save); the wrist's has.
    expect(resumeEncoderSettings(infoWithCameras({ is_depth_map: false }, svtAv1), {}).vcodec).toBe("av1");
    const bare = infoWithCameras({ is_depth_map: false });
    expect(resumeEncoderSettings(bare, {})).toEqual({});
    expect(resumeEncoderSettings(bare, { vcodec: "hevc" })).toEqual({ vcodec: "hevc" });
  });
});

describe("pickEncoder", () => {
  it("takes libx264 for auto, with LeRobot's defaults for it (crf 23, g 2, yuv420p)", async () => {
    const { ffmpeg, encoder } = await pickEncoder({});
    expect(ffmpeg.encoders.has("libx264")).toBe(true);
    expect(encoder).toMatchObject({ vcodec: "libx264", crf: 23, g: 2, pixFmt: "yuv420p" });
  });

  it("maps LeRobot's codec names to ffmpeg encoders and keeps the caller's settings", async () => {
    expect((await pickEncoder({ vcodec: "h264", crf: 18, g: 4 })).encoder).toMatchObject({ vcodec: "libx264", crf: 18, g: 4 });
    const hevc = await pickEncoder({ vcodec: "hevc" });
    expect(hevc.ffmpeg.encoders.has("libx265")).toBe(true);
    expect(hevc.encoder).toMatchObject({ vcodec: "libx265", crf: 28 });
  });

  it("refuses an unknown codec and out-of-range settings with a VideoError", async () => {
    await expect(pickEncoder({ vcodec: "vp9" })).rejects.toThrow(VideoError);
    await expect(pickEncoder({ vcodec: "vp9" })).rejects.toThrow(/unknown video codec 'vp9'/);
    await expect(pickEncoder({ crf: -1 })).rejects.toThrow(/crf must be a number >= 0/);
  });
});

describe("pickEncoder with an ffmpeg lacking encoders", () => {
  /**
   * The real ffmpeg behind a script that hides libx264 and libx265 from its encoder list, as a
   * build without them would show; used through LEROBOT_FFMPEG for the duration of `run`.
   */
  async function withoutX26x<T>(run: (ffmpegPath: string) => Promise<T>): Promise<T> {
    const real = (await pickEncoder({})).ffmpeg.path;
    const script = path.join(dir, "ffmpeg-without-x26x");
    fs.writeFileSync(script, `#!/bin/sh\nif [ "$2" = "-encoders" ]; then "${real}" "$@" | grep -v -E 'libx26[45]'; else exec "${real}" "$@"; fi\n`, { mode: 0o755 });
    const saved = process.env.LEROBOT_FFMPEG;
    process.env.LEROBOT_FFMPEG = script;
    try {
      return await run(script);
    } finally {
      if (saved === undefined) delete process.env.LEROBOT_FFMPEG;
      else process.env.LEROBOT_FFMPEG = saved;
    }
  }

  it("takes the next encoder of the auto order (svt-av1, with its own defaults) when libx264 is missing", async () => {
    await withoutX26x(async (script) => {
      const { ffmpeg, encoder } = await pickEncoder({});
      expect(ffmpeg.path).toBe(script);
      expect(ffmpeg.encoders.has("libx264")).toBe(false);
      expect(encoder).toMatchObject({ vcodec: "libsvtav1", crf: 30 });
    });
  });

  it("refuses a codec whose encoder this ffmpeg lacks, saying which it has", async () => {
    await withoutX26x(async () => {
      const error = await pickEncoder({ vcodec: "h264" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VideoError);
      expect((error as Error).message).toMatch(/needs encoder libx264, which ffmpeg at .* lacks; available: libsvtav1$/);
    });
  });
});
