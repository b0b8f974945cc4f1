import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoError } from "../../../src/errors.js";
import type { ByteSource } from "../../../src/dataset/byte-source.js";
import { probeMp4, probePixelFormat } from "../../../src/dataset/video/probe.js";
import type { Mp4Info } from "../../../src/dataset/video/probe.js";
import { runFfmpeg } from "../../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { APPENDED, appendedBarcodeFile } from "../../helpers/appended-barcode-file.js";
import { encodeBarcodeClip } from "../../helpers/barcode-clip.js";
import { ffmpegWith } from "../../helpers/ffmpeg-with.js";
import { tempDir } from "../../helpers/synthetic.js";

const { width: W, height: H, fps: FPS, framesA: A_FRAMES, framesB: B_FRAMES } = APPENDED;

let tmp: string;
beforeAll(() => {
  tmp = tempDir("lerobot-probe-");
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const encoders = {
  libx264: await ffmpegWith("libx264"),
  libsvtav1: await ffmpegWith("libsvtav1"),
};
const x264 = encoders.libx264;

/** Top-level boxes of a file: type, offset and size. */
function boxesOf(bytes: Buffer): { type: string; offset: number; size: number }[] {
  const out: { type: string; offset: number; size: number }[] = [];
  for (let pos = 0; pos + 8 <= bytes.length;) {
    let size = bytes.readUInt32BE(pos);
    if (size === 1) size = Number(bytes.readBigUInt64BE(pos + 8));
    if (size === 0) size = bytes.length - pos;
    out.push({ type: bytes.toString("latin1", pos + 4, pos + 8), offset: pos, size });
    pos += size;
  }
  return out;
}

/** A generated clip (ffmpeg's test sources), for inputs the writer's encoder does not make. */
async function lavfiClip(ff: FfmpegInfo, name: string, args: string[]): Promise<string> {
  const out = path.join(tmp, name);
  await mkdir(path.dirname(out), { recursive: true });
  const r = await runFfmpeg(ff, ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...args, out]);
  expect(r.stderrTail).toBe("");
  return out;
}

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

  it.skipIf(!x264)("names an mp4 that has no video track", async () => {
    const file = await lavfiClip(x264 as FfmpegInfo, "audio-only.mp4", ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.2", "-c:a", "aac"]);
    await expect(probeMp4(file)).rejects.toThrow(/audio-only\.mp4 has no video track/);
  });
});

describe("probeMp4 across its reads", () => {
  it.skipIf(!x264)("parses a file whose free box runs past a 1 MiB read (an appended file's old moov)", async () => {
    const clip = await encodeBarcodeClip(x264 as FfmpegInfo, tmp, "straddle-clip.mp4", 96, 64, 10, 0);
    const bytes = await readFile(clip);
    const ftypSize = bytes.readUInt32BE(0);
    // ftyp, then 1.1 MB of free space crossing the first 1 MiB read, then the clip's mdat and moov.
    const free = Buffer.alloc(1_100_000);
    free.writeUInt32BE(free.length, 0);
    free.write("free", 4, "latin1");
    const padded = path.join(tmp, "straddle-padded.mp4");
    await writeFile(padded, Buffer.concat([bytes.subarray(0, ftypSize), free, bytes.subarray(ftypSize)]));
    const [a, b] = [await probeMp4(padded), await probeMp4(clip)];
    expect(a.frameCount).toBe(10);
    expect(Array.from(a.timestampsS)).toEqual(Array.from(b.timestampsS));
  });

  it.skipIf(!x264)("reads a ByteSource (a file on the Hub) as it reads a path, and none of its media data", async () => {
    const file = await appendedBarcodeFile(x264 as FfmpegInfo, "libx264", path.join(tmp, "byte-source"));
    const bytes = await readFile(file);
    const reads: [number, number][] = [];
    const source: ByteSource = {
      name: "hub://cam/file-000.mp4",
      size: bytes.length,
      read: async (start, end) => {
        reads.push([start, Math.min(end, bytes.length)]);
        return bytes.subarray(start, end);
      },
    };
    const plain = (info: Mp4Info) => ({ ...info, timestampsS: Array.from(info.timestampsS) });
    const fromSource = plain(await probeMp4(source));
    expect(fromSource.frameCount).toBe(A_FRAMES + B_FRAMES);
    expect(fromSource).toEqual(plain(await probeMp4(file)));
    // Of each mdat's payload, at most the 8 bytes after its header are peeked at (a box header read is 16 bytes).
    const mdats = boxesOf(bytes).filter((b) => b.type === "mdat");
    expect(mdats.length).toBe(2);
    for (const m of mdats) {
      const payload: [number, number] = [m.offset + 16, m.offset + m.size];
      const inside = reads.reduce((n, [s, e]) => n + Math.max(0, Math.min(e, payload[1]) - Math.max(s, payload[0])), 0);
      expect(inside, `mdat at ${m.offset}`).toBe(0);
    }
  });

  it("names a ByteSource by its name in errors", async () => {
    const source: ByteSource = { name: "hub://x/bad.mp4", size: 100, read: async (s, e) => new Uint8Array(Math.min(e, 100) - s) };
    await expect(probeMp4(source)).rejects.toThrow(/hub:\/\/x\/bad\.mp4 is not an mp4/);
  });
});

const codecCases = [
  { vcodec: "libx264", codec: "h264", ffmpeg: encoders.libx264 },
  { vcodec: "libsvtav1", codec: "av1", ffmpeg: encoders.libsvtav1 },
] as const;

describe.each(codecCases)("probeMp4 of a file appended with $vcodec", ({ vcodec, codec, ffmpeg }) => {
  let target: string;
  beforeAll(async () => {
    if (ffmpeg) target = await appendedBarcodeFile(ffmpeg, vcodec, path.join(tmp, vcodec));
  });

  it.skipIf(!ffmpeg)("reports frames, fps and exact timestamps across the join", async () => {
    const info = await probeMp4(target);
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
    expect(info.framesOutsideEdit).toBe(0);
  });

  it.skipIf(!ffmpeg)("probePixelFormat reads yuv420p, the writer's format", async () => {
    expect(await probePixelFormat(ffmpeg as FfmpegInfo, target)).toBe("yuv420p");
  });
});

describe("probeMp4 of other streams", () => {
  it.skipIf(!x264)("counts the frames an edit list shorter than the track leaves out, as ffmpeg's decoder does", async () => {
    const clip = await encodeBarcodeClip(x264 as FfmpegInfo, tmp, "edit-clip.mp4", 96, 64, 10, 0);
    const bytes = await readFile(clip);
    // The edit's segment_duration (movie timescale) after elst's version/flags and entry count.
    const elst = bytes.indexOf("elst", 0, "latin1");
    const mvhd = bytes.indexOf("mvhd", 0, "latin1");
    expect(bytes[mvhd + 4]).toBe(0); // version 0: the timescale follows two 32-bit times
    expect(bytes[elst + 4]).toBe(0);
    const movieScale = bytes.readUInt32BE(mvhd + 4 + 4 + 8);
    bytes.writeUInt32BE(Math.floor((8 * movieScale) / 30), elst + 4 + 8);
    const cut = path.join(tmp, "edit-cut.mp4");
    await writeFile(cut, bytes);
    const info = await probeMp4(cut);
    expect(info.frameCount).toBe(10);
    expect(info.framesOutsideEdit).toBe(2);
    const decoded = await runFfmpeg(x264 as FfmpegInfo, ["-hide_banner", "-i", cut, "-map", "0:v", "-f", "null", "-"]);
    expect(decoded.stderrTail).toMatch(/frame=\s*8\b/);
  });

  it.skipIf(!x264)("reads the samples of a fragmented mp4 from its moof boxes", async () => {
    const clip = await encodeBarcodeClip(x264 as FfmpegInfo, tmp, "to-fragment.mp4", 96, 64, 9, 0);
    const file = await lavfiClip(x264 as FfmpegInfo, "fragmented.mp4", ["-i", clip, "-c", "copy", "-movflags", "+frag_keyframe+empty_moov"]);
    const [fragmented, plain] = [await probeMp4(file), await probeMp4(clip)];
    expect(fragmented.frameCount).toBe(9);
    expect(fragmented.keyframeCount).toBe(plain.keyframeCount);
    expect(Array.from(fragmented.timestampsS)).toEqual(Array.from(plain.timestampsS));
  });

  it.skipIf(!x264)("sees an audio track beside the video", async () => {
    const file = await lavfiClip(x264 as FfmpegInfo, "with-audio.mp4", [
      "-f", "lavfi", "-i", "testsrc=s=64x48:r=10", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "0.5", "-c:v", "libx264", "-c:a", "aac",
    ]);
    const info = await probeMp4(file);
    expect(info.hasAudio).toBe(true);
    expect(info.frameCount).toBe(5);
    expect([info.width, info.height, info.fps]).toEqual([64, 48, 10]);
  });

  it.skipIf(!x264?.encoders.has("libx265"))("names HEVC as ffmpeg does, and reads another pixel format", async () => {
    const file = await lavfiClip(x264 as FfmpegInfo, "hevc.mp4", [
      "-f", "lavfi", "-i", "testsrc=s=64x48:r=25", "-frames:v", "4", "-c:v", "libx265", "-x265-params", "log-level=error", "-tag:v", "hvc1", "-pix_fmt", "yuv444p",
    ]);
    const info = await probeMp4(file);
    expect(info.codec).toBe("hevc");
    expect(info.codecString).toMatch(/^hvc1\./);
    expect(info.fps).toBe(25);
    expect(await probePixelFormat(x264 as FfmpegInfo, file)).toBe("yuv444p");
  });
});

describe("probePixelFormat", () => {
  it.skipIf(!x264)("says when ffmpeg finds no video stream", async () => {
    const file = await lavfiClip(x264 as FfmpegInfo, "audio-only-pf.mp4", ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.2", "-c:a", "aac"]);
    await expect(probePixelFormat(x264 as FfmpegInfo, file)).rejects.toThrow(/audio-only-pf\.mp4: ffmpeg found no video stream/);
  });
});
