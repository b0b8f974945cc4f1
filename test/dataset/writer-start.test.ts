/** What create and resume do before a writer exists: option checks, the first info.json, and reading a dataset back for resume. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { CLIP_DIR } from "../../src/dataset/camera-clips.js";
import { checkFeatureSpecs } from "../../src/dataset/feature-specs.js";
import { CODEBASE_VERSION, DEFAULT_DATA_PATH, DEFAULT_VIDEO_PATH, INFO_PATH } from "../../src/dataset/info.js";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import type { DatasetWriterOptions } from "../../src/dataset/writer.js";
import { assertEmptyOrMissing, checkCreateNumbers, newDatasetInfo, readForResume } from "../../src/dataset/writer-start.js";
import { features, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const base: DatasetWriterOptions = { root: "/unused", repoId: "t/s", fps: 30, robotType: null, features: {} };

describe("checkCreateNumbers", () => {
  it("accepts a positive integer fps and positive sizes", () => {
    expect(() => checkCreateNumbers({ ...base, fps: 15, chunksSize: 3, dataFilesSizeInMb: 0.001, videoFilesSizeInMb: 500 })).not.toThrow();
  });

  it("refuses an fps that is not a positive integer, and sizes that are not positive, naming the option", () => {
    for (const fps of [0, -30, 29.97, NaN]) expect(() => checkCreateNumbers({ ...base, fps }), String(fps)).toThrow(DatasetError);
    expect(() => checkCreateNumbers({ ...base, fps: 29.97 })).toThrow(/fps must be a positive integer, got 29.97/);
    expect(() => checkCreateNumbers({ ...base, chunksSize: 0 })).toThrow(/chunksSize must be positive/);
    expect(() => checkCreateNumbers({ ...base, chunksSize: 2.5 })).toThrow(/chunksSize must be an integer/);
    expect(() => checkCreateNumbers({ ...base, dataFilesSizeInMb: -1 })).toThrow(/dataFilesSizeInMb must be positive/);
    expect(() => checkCreateNumbers({ ...base, videoFilesSizeInMb: NaN })).toThrow(/videoFilesSizeInMb must be positive/);
  });
});

describe("newDatasetInfo", () => {
  it("is an empty v3.0 dataset in LeRobot v0.6's key order, with LeRobot's default sizes", () => {
    const info = newDatasetInfo({ ...base, robotType: "so101_follower" }, checkFeatureSpecs(features([], 0, 0), true));
    expect(Object.keys(info)).toEqual([
      "codebase_version", "fps", "features", "total_episodes", "total_frames", "total_tasks", "chunks_size",
      "data_files_size_in_mb", "video_files_size_in_mb", "data_path", "video_path", "robot_type", "splits",
    ]);
    expect(info).toMatchObject({
      codebase_version: CODEBASE_VERSION, fps: 30, total_episodes: 0, total_frames: 0, total_tasks: 0,
      chunks_size: 1000, data_files_size_in_mb: 100, video_files_size_in_mb: 200,
      data_path: DEFAULT_DATA_PATH, video_path: null, robot_type: "so101_follower", splits: {},
    });
  });

  it("has a video_path only with video features, and takes the caller's sizes", () => {
    const info = newDatasetInfo({ ...base, chunksSize: 5, dataFilesSizeInMb: 1, videoFilesSizeInMb: 2 }, checkFeatureSpecs(features(["front"], 96, 64), true));
    expect(info).toMatchObject({ video_path: DEFAULT_VIDEO_PATH, chunks_size: 5, data_files_size_in_mb: 1, video_files_size_in_mb: 2, robot_type: null });
    // Cameras kept as PNG images have no videos.
    expect(newDatasetInfo(base, checkFeatureSpecs(features(["front"], 96, 64), false)).video_path).toBeNull();
  });
});

describe("assertEmptyOrMissing", () => {
  it("lets create start in a missing or empty folder and refuses one with anything in it", async () => {
    await expect(assertEmptyOrMissing(path.join(dir, "missing"))).resolves.toBeUndefined();
    const empty = path.join(dir, "empty");
    fs.mkdirSync(empty);
    await expect(assertEmptyOrMissing(empty)).resolves.toBeUndefined();
    fs.writeFileSync(path.join(empty, ".hidden"), "");
    await expect(assertEmptyOrMissing(empty)).rejects.toThrow(/exists and is not empty/);
  });

  it("refuses a path that is a file, with a DatasetError naming it", async () => {
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "x");
    const error = await assertEmptyOrMissing(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).file).toBe(file);
  });
});

describe("readForResume", () => {
  it("continues every kind of file after the last episode's, rolling over chunks, with tasks and stats", async () => {
    const root = path.join(dir, "resume");
    // Tiny size limits and 2 files per chunk: episodes 0, 1, 2 go to chunk 0 file 0, chunk 0 file 1, chunk 1 file 0.
    const tiny = 1 / 1024 / 1024;
    const writer = await writeSynthetic({
      root, episodes: [3, 2, 4], cameras: ["front"], chunksSize: 2, dataFilesSizeInMb: tiny, videoFilesSizeInMb: tiny,
      tasks: (e) => `task ${e % 2}`,
    });
    await writer.finalize();
    const resumed = await readForResume(root);
    expect(resumed.info.total_episodes).toBe(3);
    expect(resumed.tasks).toEqual(["task 0", "task 1"]);
    expect(resumed.stats!["observation.state"]!.count).toEqual([9]);
    const next = { chunk: 1, file: 1, exists: false };
    expect(resumed.dataCursor).toEqual(next);
    expect(resumed.metaCursor).toEqual(next);
    expect(resumed.cameraCursors).toEqual({ "observation.images.front": next });
  });

  it("starts at the first files of a dataset created but never saved", async () => {
    const root = path.join(dir, "never-saved");
    await (await DatasetWriter.create({ ...base, root, features: features(["front"], 96, 64) })).finalize();
    const resumed = await readForResume(root);
    expect(resumed.info.total_episodes).toBe(0);
    expect(resumed.tasks).toEqual([]);
    expect(resumed.stats).toBeUndefined();
    const first = { chunk: 0, file: 0, exists: false };
    expect(resumed).toMatchObject({ dataCursor: first, metaCursor: first, cameraCursors: { "observation.images.front": first } });
  });

  it("removes what a killed writer left: its clips and the files it staged, nothing else", async () => {
    const root = path.join(dir, "leftovers");
    await (await writeSynthetic({ root, episodes: [3], cameras: [] })).finalize();
    const leftovers = [
      path.join(root, CLIP_DIR, "observation.images.front-1.mp4"),
      path.join(root, "meta", `.info.json.${process.pid}.staged`),
      path.join(root, "data/chunk-000", ".file-000.parquet.99.staged"),
      path.join(root, "videos/observation.images.front/chunk-000", ".file-000.tmp.mp4"),
    ];
    const kept = [path.join(root, "meta", "notes.staged"), path.join(root, "data", ".keep")];
    for (const file of [...leftovers, ...kept]) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, "x");
    }
    await readForResume(root);
    for (const file of leftovers) expect(fs.existsSync(file), file).toBe(false);
    for (const file of kept) expect(fs.existsSync(file), file).toBe(true);
    expect(fs.existsSync(path.join(root, CLIP_DIR))).toBe(false);
  });

  /** A two-episode dataset (2 and 3 frames) whose info.json is then made to count `episodes` of them. */
  async function countedAs(name: string, episodes: number, frames: number): Promise<string> {
    const root = path.join(dir, name);
    await (await writeSynthetic({ root, episodes: [2, 3], cameras: [] })).finalize();
    const info = JSON.parse(fs.readFileSync(path.join(root, INFO_PATH), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(path.join(root, INFO_PATH), JSON.stringify({ ...info, total_episodes: episodes, total_frames: frames, splits: { train: `0:${episodes}` } }));
    return root;
  }

  it("reads the dataset as info.json, the commit point, counts it: an episode a killed save left past it is dropped", async () => {
    const root = await countedAs("past-commit", 1, 2);
    const resumed = await readForResume(root);
    expect(resumed.info.total_episodes).toBe(1);
    expect(resumed.dataCursor).toEqual({ chunk: 0, file: 1, exists: false });
    expect((await openDataset(root)).episodes.map((e) => e.length)).toEqual([2]);
  });

  it("refuses a dataset whose info.json counts more episodes than meta/episodes holds", async () => {
    const root = await countedAs("missing-episode", 3, 9);
    const error = await readForResume(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(/says 3 episodes but meta\/episodes holds 2/);
  });

  it("refuses a dataset whose info.json does not read, rather than starting it over", async () => {
    const root = path.join(dir, "broken");
    await (await writeSynthetic({ root, episodes: [2], cameras: [] })).finalize();
    fs.writeFileSync(path.join(root, INFO_PATH), "{ not json");
    await expect(readForResume(root)).rejects.toThrow();
  });
});
