import { describe, expect, it } from "vitest";
import { VideoError } from "../../../src/errors.js";
import {
  ENCODER_INFO_KEYS, codecArgs, encoderInfoKeys, encoderSettingsFromInfo, resolveEncoderSettings,
} from "../../../src/dataset/video/encoder-settings.js";

/** codecArgs as a map of option -> value, for order-independent checks. */
const argMap = (args: string[]): Record<string, string> => {
  expect(args.length % 2).toBe(0);
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    expect(args[i]!.startsWith("-"), args[i]).toBe(true);
    out[args[i]!.slice(1)] = args[i + 1]!;
  }
  return out;
};

describe("resolveEncoderSettings", () => {
  it("fills LeRobot's defaults: yuv420p, g=2, no fast decode, and each codec's preset and crf", () => {
    expect(resolveEncoderSettings("libx264")).toEqual({ vcodec: "libx264", pixFmt: "yuv420p", g: 2, crf: 23, preset: "veryfast", fastDecode: 0, extraOptions: {} });
    expect(resolveEncoderSettings("libsvtav1")).toMatchObject({ crf: 30, preset: 12 });
    expect(resolveEncoderSettings("libx265")).toMatchObject({ crf: 28, preset: "veryfast" });
  });

  it("leaves crf and preset unset for an encoder it has no defaults for", () => {
    expect(resolveEncoderSettings("libaom-av1")).toMatchObject({ crf: null, preset: null, g: 2 });
  });

  it("keeps what the user set, and null as 'the codec's own'", () => {
    const s = resolveEncoderSettings("libx264", { pixFmt: "yuv444p", g: null, crf: 0, preset: null, fastDecode: 1, threads: 3, extraOptions: { tune: "film" } });
    expect(s).toEqual({ vcodec: "libx264", pixFmt: "yuv444p", g: null, crf: 0, preset: null, fastDecode: 1, threads: 3, extraOptions: { tune: "film" } });
  });

  it("copies extra options, so later changes to the caller's object do not leak in", () => {
    const extra: Record<string, string> = { tune: "film" };
    const s = resolveEncoderSettings("libx264", { extraOptions: extra });
    extra.tune = "grain";
    expect(s.extraOptions).toEqual({ tune: "film" });
  });

  it("rejects negative or non-finite numbers and pixel formats that are not a name", () => {
    expect(() => resolveEncoderSettings("libx264", { g: -1 })).toThrow(/g must be a number >= 0/);
    expect(() => resolveEncoderSettings("libx264", { crf: Number.NaN })).toThrow(/crf must be/);
    expect(() => resolveEncoderSettings("libx264", { fastDecode: -2 })).toThrow(/fast_decode must be/);
    expect(() => resolveEncoderSettings("libx264", { threads: Number.POSITIVE_INFINITY })).toThrow(/threads must be/);
    expect(() => resolveEncoderSettings("libx264", { pixFmt: "yuv420p -y /etc/passwd" })).toThrow(VideoError);
  });
});

describe("codecArgs", () => {
  it("passes g, crf and preset to x264, and fast decode as its tune", () => {
    expect(codecArgs(resolveEncoderSettings("libx264"))).toEqual(["-g", "2", "-crf", "23", "-preset", "veryfast"]);
    expect(argMap(codecArgs(resolveEncoderSettings("libx264", { fastDecode: 1, threads: 2 })))).toEqual({ g: "2", crf: "23", preset: "veryfast", tune: "fastdecode", threads: "2" });
  });

  it("gives svt-av1 its fast-decode (clamped to 0..2) and thread count as svtav1-params", () => {
    expect(argMap(codecArgs(resolveEncoderSettings("libsvtav1")))).toEqual({ g: "2", crf: "30", preset: "12", "svtav1-params": "fast-decode=0" });
    expect(argMap(codecArgs(resolveEncoderSettings("libsvtav1", { fastDecode: 5, threads: 4 })))["svtav1-params"]).toBe("fast-decode=2:lp=4");
  });

  it("tags x265 as hvc1 and closes its GOPs, adding the user's x265-params after its own", () => {
    const plain = argMap(codecArgs(resolveEncoderSettings("libx265")));
    expect(plain["tag:v"]).toBe("hvc1");
    expect(plain["x265-params"]).toBe("log-level=error:open-gop=0");
    const own = argMap(codecArgs(resolveEncoderSettings("libx265", { extraOptions: { "x265-params": "bframes=0" } })));
    expect(own["x265-params"]).toBe("log-level=error:open-gop=0:bframes=0");
  });

  it("leaves out unset (null) options and never lets extra options override a field", () => {
    const args = argMap(codecArgs(resolveEncoderSettings("libx264", { g: null, crf: null, extraOptions: { crf: 5, tune: "film", bf: 0 } })));
    // crf is set through extra options here only because the field is null: the field wins when set.
    expect(args).toEqual({ preset: "veryfast", crf: "5", tune: "film", bf: "0" });
    const overridden = argMap(codecArgs(resolveEncoderSettings("libx264", { crf: 18, extraOptions: { crf: 40 } })));
    expect(overridden.crf).toBe("18");
    expect(overridden.g).toBe("2");
  });
});

describe("encoderInfoKeys", () => {
  it("writes exactly ENCODER_INFO_KEYS, in that order, with pyav as the backend", () => {
    const keys = encoderInfoKeys(resolveEncoderSettings("libsvtav1", { extraOptions: { tune: 0 } }));
    expect(Object.keys(keys)).toEqual([...ENCODER_INFO_KEYS]);
    expect(keys).toEqual({
      "video.g": 2, "video.crf": 30, "video.preset": 12, "video.fast_decode": 0, "video.video_backend": "pyav", "video.extra_options": { tune: 0 },
    });
  });
});

describe("encoderSettingsFromInfo", () => {
  it("gives back the settings encoderInfoKeys recorded (the codec comes from the stream, not these keys)", () => {
    const resolved = resolveEncoderSettings("libx264", { g: 4, crf: 18, preset: "slow", fastDecode: 1, extraOptions: { tune: "film", bf: 0, cabac: true } });
    const back = encoderSettingsFromInfo(encoderInfoKeys(resolved));
    expect(back).toEqual({ g: 4, crf: 18, preset: "slow", fastDecode: 1, extraOptions: { tune: "film", bf: 0, cabac: true } });
    expect(resolveEncoderSettings("libx264", back)).toEqual(resolved);
  });

  it("reads nothing from a missing info block, and skips values of the wrong type", () => {
    expect(encoderSettingsFromInfo(undefined)).toEqual({});
    expect(encoderSettingsFromInfo(null)).toEqual({});
    expect(encoderSettingsFromInfo({ "video.g": "2", "video.crf": null, "video.preset": true, "video.extra_options": ["a"] })).toEqual({});
    expect(encoderSettingsFromInfo({ "video.extra_options": { tune: "film", nested: { a: 1 }, gone: null } })).toEqual({ extraOptions: { tune: "film" } });
  });

  it("reads LeRobot's numeric svt-av1 preset as a number", () => {
    expect(encoderSettingsFromInfo({ "video.preset": 12, "video.g": 2, "video.crf": 30 })).toEqual({ preset: 12, g: 2, crf: 30 });
  });
});
