import { describe, expect, it } from "vitest";
import { VideoError } from "../../../src/errors.js";
import { VIDEO_CODEC_NAMES, codecFamily, resolveVideoCodec } from "../../../src/dataset/video/codecs.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";

const fake = (...names: string[]): FfmpegInfo => ({ path: "/fake/ffmpeg", version: "5.1", encoders: new Set(names) });

describe("resolveVideoCodec", () => {
  const all = fake("libx264", "libsvtav1", "libx265", "aac");

  it("maps aliases to encoder names", () => {
    expect(resolveVideoCodec("h264", all)).toBe("libx264");
    expect(resolveVideoCodec("libx264", all)).toBe("libx264");
    expect(resolveVideoCodec("hevc", all)).toBe("libx265");
    expect(resolveVideoCodec("libx265", all)).toBe("libx265");
    expect(resolveVideoCodec("av1", all)).toBe("libsvtav1");
    expect(resolveVideoCodec("libsvtav1", all)).toBe("libsvtav1");
  });

  it("takes names in any case and with surrounding spaces, as typed on a command line", () => {
    expect(resolveVideoCodec(" H264 ", all)).toBe("libx264");
    expect(resolveVideoCodec("AUTO", all)).toBe("libx264");
  });

  it("auto prefers libx264, then libsvtav1, then libx265", () => {
    expect(resolveVideoCodec("auto", all)).toBe("libx264");
    expect(resolveVideoCodec("auto", fake("libx265", "libsvtav1"))).toBe("libsvtav1");
    expect(resolveVideoCodec("auto", fake("libx265"))).toBe("libx265");
    expect(() => resolveVideoCodec("auto", fake("aac"))).toThrow(VideoError);
  });

  it("auto never picks an encoder outside its list, even one an alias names (libaom-av1)", () => {
    expect(() => resolveVideoCodec("auto", fake("libaom-av1"))).toThrow(/no usable video encoder/);
    expect(resolveVideoCodec("libaom-av1", fake("libaom-av1"))).toBe("libaom-av1");
  });

  it("rejects unknown codecs and encoders this ffmpeg lacks, saying what is available", () => {
    expect(() => resolveVideoCodec("vp9", all)).toThrow(/unknown video codec 'vp9'/);
    expect(() => resolveVideoCodec("vp9", fake("libx265"))).toThrow(/this ffmpeg has: libx265\)/);
    expect(() => resolveVideoCodec("av1", fake("libx264"))).toThrow(VideoError);
    expect(() => resolveVideoCodec("av1", fake("libx264"))).toThrow(/libsvtav1.*available: libx264/s);
    // The message names the binary and its version: the user may have several ffmpegs.
    expect(() => resolveVideoCodec("hevc", fake())).toThrow(/ffmpeg at \/fake\/ffmpeg \(version 5\.1\) lacks; available: none of/);
  });
});

describe("VIDEO_CODEC_NAMES", () => {
  it("lists exactly the names resolveVideoCodec accepts besides auto", () => {
    const everything = fake("libx264", "libsvtav1", "libx265", "libaom-av1");
    for (const name of VIDEO_CODEC_NAMES) expect(() => resolveVideoCodec(name, everything), name).not.toThrow();
    expect([...VIDEO_CODEC_NAMES].sort()).toEqual(["av1", "h264", "hevc", "libaom-av1", "libsvtav1", "libx264", "libx265"]);
  });
});

describe("codecFamily", () => {
  it("names the stream codec an encoder writes, as ffmpeg and probeMp4 name it", () => {
    expect(codecFamily("libx264")).toBe("h264");
    expect(codecFamily("libx265")).toBe("hevc");
    expect(codecFamily("libsvtav1")).toBe("av1");
    expect(codecFamily("libaom-av1")).toBe("av1");
    expect(codecFamily("avc")).toBe("h264");
    expect(codecFamily("h265")).toBe("hevc");
  });

  it("maps every encoder resolveVideoCodec can return onto a stream codec name", () => {
    const everything = fake("libx264", "libsvtav1", "libx265", "libaom-av1");
    const families = new Set(VIDEO_CODEC_NAMES.map((name) => codecFamily(resolveVideoCodec(name, everything))));
    expect([...families].sort()).toEqual(["av1", "h264", "hevc"]);
  });

  it("passes stream codec names and unknown names through unchanged", () => {
    for (const name of ["h264", "hevc", "av1", "vp9"]) expect(codecFamily(name)).toBe(name);
  });
});
