/**
 * spliceMp4 builds one mp4 from runs of frames of others by copying their bytes. Each frame of
 * the result is checked twice: decoded (its barcode names the source frame) and, through mp4box,
 * byte for byte against the source sample.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFrames } from "../../../src/dataset/video/decode.js";
import { Mp4LayoutError } from "../../../src/dataset/video/mp4-boxes.js";
import { spliceMp4 } from "../../../src/dataset/video/mp4-splice.js";
import { probeMp4 } from "../../../src/dataset/video/probe.js";
import { findFfmpeg } from "../../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { readBarcode } from "../../helpers/barcode.js";
import { encodeBarcodeClip } from "../../helpers/barcode-clip.js";
import { mp4boxSamples } from "../../helpers/mp4box-samples.js";
import { tempDir } from "../../helpers/synthetic.js";

const W = 96;
const H = 64;
let dir: string;
let ffmpeg: FfmpegInfo;
/** Frame k of a carries [1, k, 0] (10 frames), of b [2, k, 0] (8 frames); keyframes every other frame. */
let a: string;
let b: string;
beforeAll(async () => {
  dir = tempDir("lerobot-mp4-splice-");
  ffmpeg = await findFfmpeg();
  a = await encodeBarcodeClip(ffmpeg, dir, "a.mp4", W, H, 10, 1);
  b = await encodeBarcodeClip(ffmpeg, dir, "b.mp4", W, H, 8, 2);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function barcodes(file: string): Promise<number[][]> {
  const { frameCount } = await probeMp4(file);
  const out: number[][] = [];
  for await (const rgb of decodeFrames({ ffmpeg, path: file, timestampS: 0, width: W, height: H, count: frameCount })) out.push(readBarcode(rgb, W, H, 3));
  return out;
}

describe("spliceMp4", () => {
  it("copies runs of frames of several files into one, in order, each frame's bytes as they were", async () => {
    const out = path.join(dir, "out", "spliced.mp4");
    const segments = [{ file: a, firstSample: 2, count: 4 }, { file: b, firstSample: 0, count: 8 }, { file: a, firstSample: 8, count: 2 }];
    expect(await spliceMp4(out, segments)).toBe(14);
    expect(await barcodes(out)).toEqual([
      [1, 2, 0], [1, 3, 0], [1, 4, 0], [1, 5, 0],
      ...Array.from({ length: 8 }, (_, k) => [2, k, 0]),
      [1, 8, 0], [1, 9, 0],
    ]);
    const result = mp4boxSamples(out);
    const sources = new Map([[a, mp4boxSamples(a)], [b, mp4boxSamples(b)]]);
    let i = 0;
    for (const s of segments) {
      for (let k = s.firstSample; k < s.firstSample + s.count; k++, i++) {
        expect(result.sampleBytes(i).equals(sources.get(s.file)!.sampleBytes(k)), `frame ${i}`).toBe(true);
        expect(result.samples[i]!.is_sync, `frame ${i}`).toBe(sources.get(s.file)!.samples[k]!.is_sync);
      }
    }
    // Frames at k/30 s and the edit showing all of them, as an episode of the dataset needs.
    const info = await probeMp4(out);
    expect(Array.from(info.timestampsS, (t, k) => Math.abs(t - k / 30) < 1e-6)).toEqual(Array(14).fill(true));
    expect(info.framesOutsideEdit).toBe(0);
    expect(info.keyframeCount).toBe(7);
  });

  it("may write over one of its sources (an episode deleted from a file)", async () => {
    const file = path.join(dir, "in-place.mp4");
    fs.copyFileSync(a, file);
    expect(await spliceMp4(file, [{ file, firstSample: 4, count: 6 }])).toBe(6);
    expect(await barcodes(file)).toEqual([4, 5, 6, 7, 8, 9].map((k) => [1, k, 0]));
    expect(fs.readdirSync(dir).filter((f) => f.includes(".splice."))).toEqual([]);
  });

  it("refuses a run that does not start on a keyframe, leaving the output as it was and no temp file", async () => {
    const out = path.join(dir, "kept.mp4");
    fs.writeFileSync(out, "previous");
    const err = await spliceMp4(out, [{ file: a, firstSample: 0, count: 2 }, { file: b, firstSample: 3, count: 2 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Mp4LayoutError);
    expect((err as Error).message).toMatch(/frame 3 of .*b\.mp4 is not a keyframe/);
    expect(fs.readFileSync(out, "utf8")).toBe("previous");
    expect(fs.readdirSync(dir).filter((f) => f.includes(".splice."))).toEqual([]);
  });

  it("refuses sources encoded with other settings (another frame size)", async () => {
    const other = await encodeBarcodeClip(ffmpeg, dir, "other-size.mp4", 128, 96, 4, 3);
    await expect(spliceMp4(path.join(dir, "mixed.mp4"), [{ file: a, firstSample: 0, count: 2 }, { file: other, firstSample: 0, count: 2 }]))
      .rejects.toThrow(/other-size\.mp4 was encoded with another codec or codec settings/);
    expect(fs.existsSync(path.join(dir, "mixed.mp4"))).toBe(false);
  });

  it("refuses runs outside a source, and nothing to splice", async () => {
    const out = path.join(dir, "bad.mp4");
    await expect(spliceMp4(out, [{ file: a, firstSample: 8, count: 4 }])).rejects.toThrow(/has no frames 8\.\.11 \(it has 10\)/);
    await expect(spliceMp4(out, [{ file: a, firstSample: 0, count: 0 }])).rejects.toThrow(Mp4LayoutError);
    await expect(spliceMp4(out, [{ file: a, firstSample: -2, count: 2 }])).rejects.toThrow(Mp4LayoutError);
    await expect(spliceMp4(out, [])).rejects.toThrow(/nothing to splice/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
