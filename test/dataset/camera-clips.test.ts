/**
 * CameraClips: one real ffmpeg encoder per camera per episode, each clip appended to its
 * camera's mp4 and found again where the save says the episode is (barcodes read back).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { CLIP_DIR, CameraClips } from "../../src/dataset/camera-clips.js";
import type { VideoEncoding } from "../../src/dataset/encoder-choice.js";
import { pickEncoder } from "../../src/dataset/encoder-choice.js";
import { checkFeatureSpecs } from "../../src/dataset/feature-specs.js";
import type { DatasetInfo } from "../../src/dataset/info.js";
import { SaveTransaction } from "../../src/dataset/save-transaction.js";
import { decodeFrame, probeMp4 } from "../../src/dataset/video/index.js";
import { newDatasetInfo } from "../../src/dataset/writer-start.js";
import { barcodeFrame, readBarcode } from "../helpers/barcode.js";
import { features, tempDir } from "../helpers/synthetic.js";

const W = 96;
const H = 64;
const FPS = 30;
const FRONT = "observation.images.front";
const WRIST = "observation.images.wrist";
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let video: VideoEncoding | undefined;
async function encoding(): Promise<VideoEncoding> {
  video ??= await pickEncoder({ vcodec: "h264" });
  return video;
}

let roots = 0;
async function cameras(options: { videoFilesSizeInMb?: number; chunksSize?: number } = {}): Promise<{ root: string; info: DatasetInfo; clips: CameraClips }> {
  const root = path.join(dir, `ds-${roots++}`);
  const info = newDatasetInfo({ root, repoId: "t/c", fps: FPS, robotType: null, features: {}, ...options }, checkFeatureSpecs(features(["front", "wrist"], W, H), true));
  return { root, info, clips: new CameraClips(root, info, {}, await encoding()) };
}

/** Record episode e of `length` frames: camera c's frame k carries the barcode (e, k, c). */
async function record(clips: CameraClips, e: number, length: number): Promise<Map<string, string>> {
  for (let k = 0; k < length; k++) {
    await clips.write(new Map([[FRONT, barcodeFrame(W, H, [e, k, 0])], [WRIST, barcodeFrame(W, H, [e, k, 1])]]));
  }
  return clips.finishEncoders(length);
}

async function barcodeAt(file: string, timestampS: number): Promise<number[]> {
  const rgb = await decodeFrame({ ffmpeg: (await encoding()).ffmpeg, path: file, timestampS, width: W, height: H });
  return readBarcode(rgb, W, H, 3);
}

describe("CameraClips encoders", () => {
  it("starts at most `limit` encoders a call, each writing a clip under .lerobot-ts/tmp", async () => {
    const { root, clips } = await cameras();
    expect(clips.count).toBe(2);
    expect(clips.allStarted).toBe(false);
    await clips.startEncoders(1);
    expect(clips.allStarted).toBe(false);
    await clips.startEncoders();
    expect(clips.allStarted).toBe(true);
    const done = await record(clips, 0, 3);
    // One clip per camera; the map's order is whichever encoder finished first (noted as an open item).
    expect([...done.keys()].sort()).toEqual([FRONT, WRIST].sort());
    for (const clip of done.values()) {
      expect(path.dirname(clip)).toBe(path.join(root, CLIP_DIR));
      expect((await probeMp4(clip)).frameCount).toBe(3);
    }
    // Names are safe file names, numbered so a new take never writes over the last one's clip.
    expect([...done.values()].map((c) => path.basename(c))).toEqual(["observation.images.front-1.mp4", "observation.images.wrist-2.mp4"]);
  });

  it("refuses an episode whose clip does not hold its frames", async () => {
    const { clips } = await cameras();
    await clips.startEncoders();
    for (let k = 0; k < 2; k++) await clips.write(new Map([[FRONT, barcodeFrame(W, H, [0, k, 0])], [WRIST, barcodeFrame(W, H, [0, k, 1])]]));
    const error = await clips.finishEncoders(3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(/encoded 2 frames for an episode of 3/);
  });

  it("keeps each camera's stats of the frames written, and starts them over on reset", async () => {
    const { clips } = await cameras();
    await clips.startEncoders();
    const grey = (level: number) => new Uint8Array(W * H * 3).fill(level);
    for (const level of [10, 30]) await clips.write(new Map([[FRONT, grey(level)], [WRIST, grey(255 - level)]]));
    expect(clips.stats(FRONT).count).toEqual([2]);
    expect(clips.stats(FRONT).mean).toEqual([[[20 / 255]], [[20 / 255]], [[20 / 255]]]);
    expect(clips.stats(WRIST).min).toEqual([[[225 / 255]], [[225 / 255]], [[225 / 255]]]);
    await clips.abort();
    clips.reset();
    expect(clips.allStarted).toBe(false);
    expect(() => clips.stats(FRONT)).toThrow(/no frames/);
  });
});

describe("CameraClips.appendAll", () => {
  it("puts the first episode at 0 in a new file and the next one after it in the same file, once the cursors are committed", async () => {
    const { root, clips } = await cameras();
    await clips.startEncoders();
    const first = await clips.appendAll(await record(clips, 0, 5), 5, new SaveTransaction());
    expect(first.locations[FRONT]).toEqual({ chunkIndex: 0, fileIndex: 0, fromTimestampS: 0, toTimestampS: 5 / FPS });
    const frontFile = path.join(root, "videos", FRONT, "chunk-000/file-000.mp4");
    expect(first.files[FRONT]).toBe(frontFile);
    expect(first.cursors.get(FRONT)).toEqual({ chunk: 0, file: 0, exists: true });
    clips.commitCursors(first.cursors);
    clips.reset();

    await clips.startEncoders();
    const second = await clips.appendAll(await record(clips, 1, 4), 4, new SaveTransaction());
    expect(second.files[FRONT]).toBe(frontFile);
    for (const key of [FRONT, WRIST]) {
      expect(second.locations[key]!.fromTimestampS).toBeCloseTo(5 / FPS, 9);
      expect(second.locations[key]!.toTimestampS).toBeCloseTo(9 / FPS, 9);
    }
    expect((await probeMp4(frontFile)).frameCount).toBe(9);
    // The frames are where the locations say: episode 1's first and last, and episode 0's last just before.
    const wristFile = second.files[WRIST]!;
    expect(await barcodeAt(wristFile, second.locations[WRIST]!.fromTimestampS)).toEqual([1, 0, 1]);
    expect(await barcodeAt(frontFile, second.locations[FRONT]!.fromTimestampS + 3 / FPS)).toEqual([1, 3, 0]);
    expect(await barcodeAt(frontFile, 4 / FPS)).toEqual([0, 4, 0]);
  });

  it("starts the next file (and chunk) when the clip would take the current one past the size limit", async () => {
    const { root, clips } = await cameras({ videoFilesSizeInMb: 1 / 1024 / 1024, chunksSize: 1 });
    await clips.startEncoders();
    const first = await clips.appendAll(await record(clips, 0, 3), 3, new SaveTransaction());
    clips.commitCursors(first.cursors);
    clips.reset();
    await clips.startEncoders();
    const second = await clips.appendAll(await record(clips, 1, 3), 3, new SaveTransaction());
    expect(second.locations[FRONT]).toEqual({ chunkIndex: 1, fileIndex: 0, fromTimestampS: 0, toTimestampS: 3 / FPS });
    expect(second.files[FRONT]).toBe(path.join(root, "videos", FRONT, "chunk-001/file-000.mp4"));
    expect((await probeMp4(first.files[FRONT]!)).frameCount).toBe(3);
    expect(await barcodeAt(second.files[FRONT]!, 0)).toEqual([1, 0, 0]);
  });

  it("is taken back by the transaction's rollback: the file as it was before the append", async () => {
    const { clips } = await cameras();
    await clips.startEncoders();
    const first = await clips.appendAll(await record(clips, 0, 4), 4, new SaveTransaction());
    clips.commitCursors(first.cursors);
    clips.reset();
    const before = fs.readFileSync(first.files[FRONT]!);
    await clips.startEncoders();
    const transaction = new SaveTransaction();
    await clips.appendAll(await record(clips, 1, 3), 3, transaction);
    expect(fs.readFileSync(first.files[FRONT]!).equals(before)).toBe(false);
    await transaction.rollback();
    expect(fs.readFileSync(first.files[FRONT]!).equals(before)).toBe(true);
    // The retake goes where the rolled-back one would have.
    clips.reset();
    await clips.startEncoders();
    const retake = await clips.appendAll(await record(clips, 2, 2), 2, new SaveTransaction());
    expect(retake.locations[FRONT]!.fromTimestampS).toBeCloseTo(4 / FPS, 9);
    expect(await barcodeAt(first.files[FRONT]!, retake.locations[FRONT]!.fromTimestampS)).toEqual([2, 0, 0]);
  });
});

describe("CameraClips.fillVideoInfo", () => {
  it("writes each camera's video.* info read from its file, keeping what the feature had", async () => {
    const { info, clips } = await cameras();
    await clips.startEncoders();
    const appended = await clips.appendAll(await record(clips, 0, 3), 3, new SaveTransaction());
    const target = structuredClone(info);
    await clips.fillVideoInfo(target, appended.files);
    for (const key of [FRONT, WRIST]) {
      expect(target.features[key]!.info).toMatchObject({
        "video.codec": "h264", "video.height": H, "video.width": W, "video.fps": FPS, "video.pix_fmt": "yuv420p", is_depth_map: false,
      });
    }
  });
});
