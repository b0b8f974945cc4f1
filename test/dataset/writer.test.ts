/**
 * The writer's file layout over time: rotation by size, chunk roll-over, resume, re-recording,
 * refusal of bad frames. Every check reads the result back from disk.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FrameValidationError } from "../../src/errors.js";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { AppendedParquetFile } from "../../src/dataset/appended-parquet.js";
import { verifyDataset } from "../../src/verify/index.js";
import { readParquetMetadata } from "../../src/dataset/parquet.js";
import { keepRowGroups } from "../../src/dataset/parquet-append.js";
import { probeMp4 } from "../../src/dataset/video/index.js";
import { readBarcode } from "../helpers/barcode.js";
import { features, makeFrame, stateValue, tempDir, writeSynthetic } from "../helpers/synthetic.js";

let dir: string;
beforeAll(() => { dir = tempDir(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const rel = (root: string, files: string[]) => files.map((f) => path.relative(root, f));

describe("rotation and chunk roll-over", () => {
  it("starts a new data, episodes and video file when the size limit would be passed, 2 files per chunk", async () => {
    const root = path.join(dir, "rotate");
    // Limits far below one episode's size: every episode gets new files.
    const tiny = 1 / 1024 / 1024;
    const writer = await writeSynthetic({
      root, episodes: [5, 6, 7, 5, 4], cameras: ["front"], width: 96, height: 64,
      chunksSize: 2, dataFilesSizeInMb: tiny, videoFilesSizeInMb: tiny,
    });
    await writer.finalize();
    const ds = await openDataset(root);
    const expected = ["chunk-000/file-000", "chunk-000/file-001", "chunk-001/file-000", "chunk-001/file-001", "chunk-002/file-000"];
    expect(rel(root, ds.episodes.map((e) => e.dataFile))).toEqual(expected.map((f) => `data/${f}.parquet`));
    expect(rel(root, ds.episodes.map((e) => e.cameras["observation.images.front"]!.path)))
      .toEqual(expected.map((f) => `videos/observation.images.front/${f}.mp4`));
    expect(ds.episodes.map((e) => [e.metaChunkIndex, e.metaFileIndex])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0]]);
    for (const e of ds.episodes) expect(e.cameras["observation.images.front"]!.fromTimestampS).toBe(0);
    // Everything still reads back in order.
    const state = await ds.readColumn("observation.state");
    let row = 0;
    for (const [e, n] of [5, 6, 7, 5, 4].entries()) {
      for (let k = 0; k < n; k++, row++) expect(state.values[row * 6]).toBe(stateValue(e, k, 0));
    }
    const frame = await ds.decodeFrame("observation.images.front", 3, 4);
    expect(readBarcode(frame.data, frame.width, frame.height, 3)).toEqual([3, 4, 0]);
  });

  it("keeps appending to the same files while they are under the limit", async () => {
    const root = path.join(dir, "no-rotate");
    const writer = await writeSynthetic({ root, episodes: [5, 6, 7], cameras: ["front"], width: 96, height: 64 });
    await writer.finalize();
    const ds = await openDataset(root);
    expect(new Set(ds.episodes.map((e) => e.dataFile)).size).toBe(1);
    // One row group per episode in the data file; the small episodes file stays one row group.
    expect((await readParquetMetadata(ds.episodes[0]!.dataFile)).rowGroupRows).toEqual([5, 6, 7]);
    expect((await readParquetMetadata(path.join(root, "meta/episodes/chunk-000/file-000.parquet"))).rowGroupRows).toEqual([3]);
    expect(ds.episodes.map((e) => e.cameras["observation.images.front"]!.fileIndex)).toEqual([0, 0, 0]);
    expect((await probeMp4(ds.episodes[0]!.cameras["observation.images.front"]!.path)).frameCount).toBe(18);
  });
});

describe("episodes metadata row groups", () => {
  it("seals a row group every 50 episodes and starts the next, every row read back in order", { timeout: 60_000 }, async () => {
    const root = path.join(dir, "meta-groups");
    const writer = await writeSynthetic({ root, episodes: Array.from({ length: 57 }, (_, e) => 1 + (e % 3)), cameras: [] });
    await writer.finalize();
    const file = path.join(root, "meta/episodes/chunk-000/file-000.parquet");
    expect((await readParquetMetadata(file)).rowGroupRows).toEqual([50, 7]);
    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.episodeIndex)).toEqual(Array.from({ length: 57 }, (_, e) => e));
    expect(ds.episodes.map((e) => e.length)).toEqual(Array.from({ length: 57 }, (_, e) => 1 + (e % 3)));
    const state = await ds.readColumn("observation.state");
    const last = ds.episodes[56]!;
    expect(state.values[last.datasetFromIndex * 6]).toBe(stateValue(56, 0, 0));
    expect((await verifyDataset(root)).findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

describe("footer bound", () => {
  it("starts a new data and episodes file once a footer, rewritten by every save, passes its bound", { timeout: 60_000 }, async () => {
    const root = path.join(dir, "footer-bound");
    const limit = 3000;
    AppendedParquetFile.footerLimitBytes = limit;
    try {
      const writer = await writeSynthetic({ root, episodes: [5, 6, 7, 5, 4, 6, 5], cameras: ["front"], width: 96, height: 64 });
      await writer.finalize();
    } finally {
      AppendedParquetFile.footerLimitBytes = 1024 * 1024;
    }
    const ds = await openDataset(root);
    const dataFiles = [...new Set(ds.episodes.map((e) => e.dataFile))];
    expect(dataFiles.length).toBeGreaterThan(1);
    // Every file but the last was left once its footer passed the bound, and not before.
    const footer = (bytes: Uint8Array) => Buffer.from(bytes).readUInt32LE(bytes.length - 8);
    for (const file of dataFiles.slice(0, -1)) {
      const bytes = fs.readFileSync(file);
      expect(footer(bytes)).toBeGreaterThanOrEqual(limit);
      const groups = (await readParquetMetadata(file)).rowGroupRows.length;
      if (groups > 1) expect(footer(keepRowGroups(bytes, groups - 1))).toBeLessThan(limit);
    }
    expect(new Set(ds.episodes.map((e) => `${e.metaChunkIndex}/${e.metaFileIndex}`)).size).toBeGreaterThan(1);
    // Videos have no footer to rewrite: one file.
    expect(new Set(ds.episodes.map((e) => e.cameras["observation.images.front"]!.fileIndex))).toEqual(new Set([0]));
    const state = await ds.readColumn("observation.state");
    let row = 0;
    for (const [e, n] of [5, 6, 7, 5, 4, 6, 5].entries()) {
      for (let k = 0; k < n; k++, row++) expect(state.values[row * 6]).toBe(stateValue(e, k, 0));
    }
    expect((await verifyDataset(root)).findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

describe("resume", () => {
  it("continues with the next episode index in new files, keeping tasks and stats", async () => {
    const root = path.join(dir, "resume");
    const first = await writeSynthetic({ root, episodes: [6, 8], cameras: ["front"], width: 96, height: 64, tasks: () => "task A" });
    await first.finalize();

    const writer = await DatasetWriter.resume(root);
    expect(writer.episodeIndex).toBe(2);
    expect(writer.numFrames).toBe(14);
    for (const [e, n, task] of [[2, 5, "task B"], [3, 4, "task A"]] as const) {
      for (let k = 0; k < n; k++) await writer.addFrame(makeFrame(e, k, ["front"], 96, 64, task));
      await writer.saveEpisode();
    }
    await writer.finalize();

    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual([6, 8, 5, 4]);
    expect(ds.tasks).toEqual(["task A", "task B"]);
    expect(ds.episodes.map((e) => e.datasetFromIndex)).toEqual([0, 6, 14, 19]);
    // LeRobot's resume rule: new episodes go to the next file, old files stay untouched.
    expect(ds.episodes.map((e) => e.dataFileIndex)).toEqual([0, 0, 1, 1]);
    expect(ds.episodes.map((e) => e.cameras["observation.images.front"]!.fileIndex)).toEqual([0, 0, 1, 1]);
    expect(ds.stats!["observation.state"]!.count).toEqual([23]);
    expect(ds.stats!.index!.max).toEqual([22]);
    const table = await ds.readFrames({ episodes: [2], columns: ["task_index", "index"] });
    expect(Number(table.get(0)!.task_index)).toBe(1);
    expect(Number(table.get(0)!.index)).toBe(14);
    const frame = await ds.decodeFrame("observation.images.front", 3, 2);
    expect(readBarcode(frame.data, frame.width, frame.height, 3)).toEqual([3, 2, 0]);
  });

  it("resumes a dataset that was created but never saved", async () => {
    const root = path.join(dir, "resume-empty");
    const created = await DatasetWriter.create({ root, repoId: "t/e", fps: 30, robotType: null, features: features([], 0, 0) });
    await created.finalize();
    const writer = await DatasetWriter.resume(root);
    expect(writer.episodeIndex).toBe(0);
    for (let k = 0; k < 3; k++) await writer.addFrame(makeFrame(0, k, [], 0, 0, "t"));
    await writer.saveEpisode();
    expect((await openDataset(root)).numFrames).toBe(3);
  });
});

describe("re-recording and bad input", () => {
  it("discardEpisode throws the take away: the next take reuses the index and no discarded frame reaches the video", async () => {
    const root = path.join(dir, "discard");
    const writer = await DatasetWriter.create({ root, repoId: "t/d", fps: 30, robotType: "so101_follower", features: features(["front"], 96, 64) });
    for (let k = 0; k < 7; k++) await writer.addFrame(makeFrame(9, 100 + k, ["front"], 96, 64, "t"));
    await writer.discardEpisode();
    for (let k = 0; k < 5; k++) await writer.addFrame(makeFrame(0, k, ["front"], 96, 64, "t"));
    const saved = await writer.saveEpisode();
    expect(saved).toMatchObject({ episodeIndex: 0, length: 5 });
    await writer.finalize();
    const ds = await openDataset(root);
    const cam = ds.episodes[0]!.cameras["observation.images.front"]!;
    expect((await probeMp4(cam.path)).frameCount).toBe(5);
    const first = await ds.decodeFrame("observation.images.front", 0, 0);
    expect(readBarcode(first.data, 96, 64, 3)).toEqual([0, 0, 0]);
  });

  it("refuses bad frames with an error naming the feature and leaves the episode as it was", async () => {
    const root = path.join(dir, "bad-frames");
    const writer = await DatasetWriter.create({
      root, repoId: "t/b", fps: 30, robotType: null,
      features: { ...features(["front"], 96, 64), "observation.count": { dtype: "int64", shape: [1] } },
    });
    const good = (k: number) => ({ ...(makeFrame(0, k, ["front"], 96, 64, "t") as object), "observation.count": k }) as never;
    await writer.addFrame(good(0));
    await writer.addFrame(good(1));
    const bad: [Record<string, unknown>, string, RegExp][] = [
      [{ action: undefined }, "action", /missing/],
      [{ action: [1, 2, 3] }, "action", /shape \[6\].*got 3/],
      [{ "observation.state": ["a", 1, 2, 3, 4, 5] }, "observation.state", /float32 at position 0/],
      [{ "observation.count": 1.5 }, "observation.count", /int64/],
      [{ "observation.images.front": new Uint8Array(10) }, "observation.images.front", /18432 bytes/],
      [{ "observation.images.front": [1, 2, 3] }, "observation.images.front", /Uint8Array/],
      [{ gripper_force: 3 }, "gripper_force", /not a feature/],
      [{ task: "" }, "task", /task/],
    ];
    for (const [patch, feature, message] of bad) {
      const frame = { ...(good(2) as object), ...patch } as Record<string, unknown>;
      if ("action" in patch && patch.action === undefined) delete frame.action;
      const error = await writer.addFrame(frame as never).then(() => undefined, (e: unknown) => e);
      expect(error, feature).toBeInstanceOf(FrameValidationError);
      expect((error as FrameValidationError).feature).toBe(feature);
      expect((error as Error).message).toMatch(message);
      expect(writer.episodeFrames).toBe(2);
    }
    await writer.addFrame(good(2));
    const saved = await writer.saveEpisode();
    expect(saved.length).toBe(3);
    await writer.finalize();
    const ds = await openDataset(root);
    expect((await probeMp4(ds.episodes[0]!.cameras["observation.images.front"]!.path)).frameCount).toBe(3);
    const counts = await ds.readColumn("observation.count");
    expect(Array.from(counts.values, Number)).toEqual([0, 1, 2]);
  });

  it("will not create a dataset over a non-empty folder, nor declare the default features", async () => {
    const root = path.join(dir, "occupied");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, "notes.txt"), "mine");
    await expect(DatasetWriter.create({ root, repoId: "t/o", fps: 30, robotType: null, features: features([], 0, 0) }))
      .rejects.toThrow(/not empty/);
    expect(fs.readFileSync(path.join(root, "notes.txt"), "utf8")).toBe("mine");
    await expect(DatasetWriter.create({ root: path.join(dir, "x"), repoId: "t/x", fps: 30, robotType: null, features: { index: { dtype: "int64", shape: [1] } } }))
      .rejects.toThrow(/index/);
  });
});

describe("a saveEpisode that fails", () => {
  it("takes the appended video back out, refuses to go on until the take is discarded, then continues cleanly", async () => {
    const root = path.join(dir, "failed-save");
    const writer = await DatasetWriter.create({ root, repoId: "t/f", fps: 30, robotType: null, features: features(["front"], 96, 64) });
    const record = async (e: number, n: number) => { for (let k = 0; k < n; k++) await writer.addFrame(makeFrame(e, k, ["front"], 96, 64, "t")); };
    await record(0, 6);
    await writer.saveEpisode();
    const video = path.join(root, "videos/observation.images.front/chunk-000/file-000.mp4");
    const files = [video, path.join(root, "data/chunk-000/file-000.parquet"), path.join(root, "meta/episodes/chunk-000/file-000.parquet"), path.join(root, "meta/stats.json")];
    const before = files.map((f) => fs.readFileSync(f));

    // Block the staged info.json: the save fails after the video, data and metadata were staged.
    const blocker = path.join(root, "meta", `.info.json.${process.pid}.staged`);
    fs.mkdirSync(blocker);
    await record(9, 5);
    await expect(writer.saveEpisode()).rejects.toThrow();
    for (const [i, f] of files.entries()) expect(fs.readFileSync(f).equals(before[i]!), f).toBe(true);
    expect((await openDataset(root)).numEpisodes).toBe(1);
    await expect(writer.addFrame(makeFrame(1, 0, ["front"], 96, 64, "t"))).rejects.toThrow(/discardEpisode/);

    await writer.discardEpisode();
    fs.rmdirSync(blocker);
    await record(1, 4);
    await writer.saveEpisode();
    await writer.finalize();
    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual([6, 4]);
    expect((await probeMp4(video)).frameCount).toBe(10);
    const first = await ds.decodeFrame("observation.images.front", 1, 0);
    expect(readBarcode(first.data, 96, 64, 3)).toEqual([1, 0, 0]);
  });
});

describe("one writer per dataset", () => {
  it("refuses a second writer while the first is open, and takes over a lock whose process is gone", async () => {
    const root = path.join(dir, "locked");
    const first = await DatasetWriter.create({ root, repoId: "t/l", fps: 30, robotType: null, features: features([], 0, 0) });
    await expect(DatasetWriter.resume(root)).rejects.toThrow(/another writer \(pid \d+, this process\)/);
    await first.addFrame(makeFrame(0, 0, [], 0, 0, "t"));
    await first.saveEpisode();
    await first.finalize();
    // A lock left by a process that no longer exists (pid far above any live one here).
    fs.mkdirSync(path.join(root, ".lerobot-ts"), { recursive: true });
    fs.writeFileSync(path.join(root, ".lerobot-ts/lock"), "4194000\n");
    const second = await DatasetWriter.resume(root);
    expect(second.episodeIndex).toBe(1);
    await second.finalize();
    await expect(DatasetWriter.resume(path.join(dir, "nothing-here"))).rejects.toThrow(/no dataset to resume/);
  });
});
