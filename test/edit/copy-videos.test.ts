/**
 * writeVideos, one camera's videos for copyEpisodes: each output episode's frames go into the
 * current output mp4 (closed at the size limit), and where each landed is read back from the
 * written file. Copied frames are the source's compressed samples (they decode to the very same
 * pixels); with an encode plan every episode is encoded again, scratch clips removed. Frames are
 * decoded with real ffmpeg and told apart by the barcode each carries.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import type { EpisodeVideoLocation } from "../../src/dataset/episodes.js";
import { openDataset } from "../../src/dataset/reader.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import { decodeFrames, findFfmpeg, probeMp4, resolveEncoderSettings, resolveVideoCodec } from "../../src/dataset/video/index.js";
import { writeVideos } from "../../src/edit/copy-videos.js";
import type { VideoPlan } from "../../src/edit/copy-videos.js";
import { readBarcode } from "../helpers/barcode.js";
import { tempDir, writeSynthetic } from "../helpers/synthetic.js";

const W = 96;
const H = 64;
const LENGTHS = [5, 7, 6];
const KEY = "observation.images.front";
const FPS = 30;

/** Every frame of `count` from `fromTimestampS` of an mp4, decoded by ffmpeg. */
async function framesAt(file: string, fromTimestampS: number, count: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const frame of decodeFrames({ ffmpeg: await findFfmpeg(), path: file, timestampS: fromTimestampS, width: W, height: H, count })) out.push(frame);
  return out;
}

describe("writeVideos", () => {
  const dir = tempDir("lerobot-ts-copy-videos-");
  const source = path.join(dir, "source");
  let ds: LeRobotDataset;
  let outputs = 0;
  /** Run writeVideos into a new folder, collecting the locations it reports. */
  async function write(plan: Omit<VideoPlan, "key">, order: number[], infoChanges: Partial<LeRobotDataset["info"]> = {}) {
    const root = path.join(dir, `out-${++outputs}`);
    const locations: EpisodeVideoLocation[] = [];
    const progress: [number, number][] = [];
    const result = await writeVideos(
      root, { ...structuredClone(ds.info), ...infoChanges }, { key: KEY, ...plan }, order.map((episodeIndex) => ({ dataset: ds, episodeIndex })),
      (output, location) => (locations[output] = location), (done, total) => progress.push([done, total]),
    );
    const fileOf = (l: EpisodeVideoLocation) => path.join(root, `videos/${KEY}/chunk-${String(l.chunkIndex).padStart(3, "0")}/file-${String(l.fileIndex).padStart(3, "0")}.mp4`);
    return { root, result, locations, progress, fileOf };
  }
  beforeAll(async () => {
    await (await writeSynthetic({ root: source, episodes: LENGTHS, cameras: ["front"], width: W, height: H, vcodec: "h264" })).finalize();
    ds = await openDataset(source);
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("copies episodes in the order asked into one file, their frames the source's exactly, and says where each landed", async () => {
    const order = [2, 0, 1];
    const { result, locations, progress, fileOf } = await write({}, order);
    expect(result.encodedEpisodes).toBe(0);
    expect(locations.map((l) => [l.chunkIndex, l.fileIndex])).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(result.firstFile).toBe(fileOf(locations[0]!));
    const file = fileOf(locations[0]!);
    expect((await probeMp4(file)).frameCount).toBe(18);
    // Back to back from 0: each episode starts where the one before ended.
    expect(locations[0]!.fromTimestampS).toBe(0);
    for (let i = 1; i < 3; i++) expect(locations[i]!.fromTimestampS).toBeCloseTo(locations[i - 1]!.toTimestampS, 9);
    expect(locations.map((l) => l.toTimestampS - l.fromTimestampS).map((d) => Math.round(d * FPS))).toEqual(order.map((e) => LENGTHS[e]));
    for (const [i, e] of order.entries()) {
      const copied = await framesAt(file, locations[i]!.fromTimestampS, LENGTHS[e]!);
      const camera = ds.episode(e).cameras[KEY]!;
      const original = await framesAt(camera.path, camera.fromTimestampS, LENGTHS[e]!);
      // Not re-encoded: the same samples decode to the same pixels.
      expect(copied.every((f, k) => Buffer.from(f).equals(Buffer.from(original[k]!))), `output episode ${i}`).toBe(true);
      expect(readBarcode(copied.at(-1)!, W, H, 3)).toEqual([e, LENGTHS[e]! - 1, 0]);
    }
    expect(progress).toEqual([[1, 3], [2, 3], [3, 3]]);
  });

  it("starts a new file, and a new chunk folder after chunks_size files, when the size limit is reached", async () => {
    const { locations, fileOf } = await write({}, [0, 1, 2], { video_files_size_in_mb: 0.000001, chunks_size: 2 });
    expect(locations.map((l) => [l.chunkIndex, l.fileIndex, l.fromTimestampS])).toEqual([[0, 0, 0], [0, 1, 0], [1, 0, 0]]);
    for (const [e, l] of locations.entries()) {
      expect((await probeMp4(fileOf(l))).frameCount).toBe(LENGTHS[e]);
      const [first] = await framesAt(fileOf(l), 0, 1);
      expect(readBarcode(first!, W, H, 3)).toEqual([e, 0, 0]);
    }
  });

  it("with an encode plan, encodes every episode again and removes its scratch clips", async () => {
    const ffmpeg = await findFfmpeg();
    const encode = { ffmpeg, settings: resolveEncoderSettings(resolveVideoCodec("h264", ffmpeg), { crf: 18 }) };
    const { root, result, locations, fileOf } = await write({ encode }, [1, 2]);
    expect(result.encodedEpisodes).toBe(2);
    expect(fs.existsSync(path.join(root, ".edit-clips"))).toBe(false);
    const file = fileOf(locations[0]!);
    expect((await probeMp4(file)).frameCount).toBe(LENGTHS[1]! + LENGTHS[2]!);
    for (const [i, e] of [1, 2].entries()) {
      const frames = await framesAt(file, locations[i]!.fromTimestampS, LENGTHS[e]!);
      expect(frames.map((f) => readBarcode(f, W, H, 3))).toEqual(Array.from({ length: LENGTHS[e]! }, (_, k) => [e, k, 0]));
    }
  });

  it("refuses to copy frames stored as images without encoding them", async () => {
    await expect(write({ from: "image" }, [0])).rejects.toThrow(`'${KEY}' is stored as images: it can only be encoded, not copied`);
  });

  it("refuses an episode that has no video for the camera", async () => {
    const root = path.join(dir, "no-camera");
    const attempt = writeVideos(root, structuredClone(ds.info), { key: "observation.images.wrist" }, [{ dataset: ds, episodeIndex: 0 }], () => {});
    await expect(attempt).rejects.toBeInstanceOf(DatasetError);
    await expect(attempt).rejects.toThrow(/episode 0 of .* has no video for 'observation\.images\.wrist'/);
  });
});
