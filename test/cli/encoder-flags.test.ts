/** LeRobot v0.6's rgb_encoder flags (and lerobot-ts's older --dataset.vcodec) as the writer's encoder settings. */
import { describe, expect, it } from "vitest";
import { encoderSettingsFromFlags } from "../../src/cli/encoder-flags.js";
import { UsageError } from "../../src/cli/errors.js";

describe("encoderSettingsFromFlags", () => {
  it("is empty when no flag is given: the writer's defaults, or on resume the dataset's", () => {
    expect(encoderSettingsFromFlags({})).toEqual({});
    expect(encoderSettingsFromFlags({ "dataset.rgb_encoder.vcodec": "auto" })).toEqual({});
  });

  it("turns every rgb_encoder flag into its setting", () => {
    expect(encoderSettingsFromFlags({
      "dataset.rgb_encoder.vcodec": "libsvtav1", "dataset.rgb_encoder.g": "4", "dataset.rgb_encoder.crf": "30.5",
      "dataset.rgb_encoder.preset": "8", "dataset.rgb_encoder.pix_fmt": "yuv444p", "dataset.rgb_encoder.fast_decode": "1",
      "dataset.rgb_encoder.extra_options": '{"tune": "film", "bf": 2, "open": true}', "dataset.encoder_threads": "3",
    })).toEqual({ vcodec: "libsvtav1", g: 4, crf: 30.5, preset: 8, pixFmt: "yuv444p", fastDecode: 1, extraOptions: { tune: "film", bf: 2, open: true }, threads: 3 });
  });

  it("keeps a named preset as text and reads None / null as the codec's own value", () => {
    expect(encoderSettingsFromFlags({ "dataset.rgb_encoder.preset": "veryfast" })).toEqual({ preset: "veryfast" });
    expect(encoderSettingsFromFlags({ "dataset.rgb_encoder.preset": "None", "dataset.rgb_encoder.g": "null", "dataset.rgb_encoder.crf": "None" }))
      .toEqual({ preset: null, g: null, crf: null });
    // fast_decode, threads and extra options have no "codec's own" value: None leaves them out.
    expect(encoderSettingsFromFlags({ "dataset.rgb_encoder.fast_decode": "None", "dataset.encoder_threads": "null", "dataset.rgb_encoder.extra_options": "None" })).toEqual({});
  });

  it("takes the older --dataset.vcodec, the rgb_encoder flag winning when both are given", () => {
    expect(encoderSettingsFromFlags({ "dataset.vcodec": "hevc" })).toEqual({ vcodec: "hevc" });
    expect(encoderSettingsFromFlags({ "dataset.vcodec": "hevc", "dataset.rgb_encoder.vcodec": "h264" })).toEqual({ vcodec: "h264" });
  });

  it("reads LeRobot's draccus form of extra_options, quoted or not", () => {
    expect(encoderSettingsFromFlags({ "dataset.rgb_encoder.extra_options": "{tune: film, 'x265-params': \"log-level=error\"}" }).extraOptions)
      .toEqual({ tune: "film", "x265-params": "log-level=error" });
    expect(encoderSettingsFromFlags({ "dataset.rgb_encoder.extra_options": "{}" }).extraOptions).toEqual({});
  });

  it("reads the flags under another prefix (edit's --operation.*)", () => {
    expect(encoderSettingsFromFlags({ "operation.rgb_encoder.vcodec": "h264", "operation.encoder_threads": "2", "dataset.rgb_encoder.crf": "10" }, "operation"))
      .toEqual({ vcodec: "h264", threads: 2 });
  });

  it("refuses an unknown codec, naming the flag and the codecs it knows, case aside", () => {
    expect(encoderSettingsFromFlags({ "dataset.rgb_encoder.vcodec": "H264" })).toEqual({ vcodec: "H264" });
    expect(() => encoderSettingsFromFlags({ "dataset.rgb_encoder.vcodec": "mpeg2" }))
      .toThrow(/^--dataset\.rgb_encoder\.vcodec: 'mpeg2' is not a codec lerobot-ts encodes with \(auto, libx264, h264, /);
    expect(() => encoderSettingsFromFlags({ "operation.vcodec": "vp9" }, "operation")).toThrow(/--operation\.rgb_encoder\.vcodec: 'vp9'/);
  });

  it("refuses negative, fractional (where an integer is due) and empty numbers", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ "dataset.rgb_encoder.g": "2.5" }, /--dataset\.rgb_encoder\.g must be an integer >= 0 \(or None\), got '2\.5'/],
      [{ "dataset.rgb_encoder.crf": "-1" }, /--dataset\.rgb_encoder\.crf must be a number >= 0/],
      [{ "dataset.rgb_encoder.crf": " " }, /--dataset\.rgb_encoder\.crf must be a number/],
      [{ "dataset.rgb_encoder.fast_decode": "fast" }, /--dataset\.rgb_encoder\.fast_decode must be an integer/],
      [{ "dataset.encoder_threads": "0.5" }, /--dataset\.encoder_threads must be an integer/],
    ];
    for (const [flags, message] of cases) {
      expect(() => encoderSettingsFromFlags(flags)).toThrow(UsageError);
      expect(() => encoderSettingsFromFlags(flags)).toThrow(message);
    }
  });

  it("refuses extra_options that are not an object of plain values", () => {
    for (const bad of ["[1, 2]", '{"tune": {"deep": 1}}', '"film"', "{: film}"]) {
      expect(() => encoderSettingsFromFlags({ "dataset.rgb_encoder.extra_options": bad }), bad).toThrow(/--dataset\.rgb_encoder\.extra_options must be an object of codec options/);
    }
  });
});
