/**
 * Converting LeRobot v2.1 and v2.0 datasets (written here by the v2.x rules, several chunks) to
 * v3.0, from the library (`lerobot-ts convert` is in test/cli/commands/convert.test.ts): every
 * row keeps its values, every episode's first and last frame of every camera is its own
 * (barcodes), tasks keep their indices, stats have quantiles where they can be computed, the
 * output spans several files and verifies with --deep, and the input is never changed. Bad input
 * is refused, and nothing is written.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import type { EpisodeInfo } from "../../src/dataset/reader.js";
import { convertToV30 } from "../../src/edit/convert-v21.js";
import { expectEpisodes as expectCodedEpisodes } from "../helpers/coded-dataset.js";
import { folderHash } from "../helpers/folder-hash.js";
import { stateValue, tempDir, writeSynthetic } from "../helpers/synthetic.js";
import { writeV21Dataset } from "../helpers/v21-dataset.js";

const LENGTHS = [7, 12, 9, 10, 8, 11];
const taskOf = (i: number) => (i % 3 === 1 ? "place the cube" : "pick the cube");
/** Small limits so the output spans several data and video files and, with chunks_size 2, several chunks. */
const SMALL = { dataFilesSizeInMb: 0.0065, videoFilesSizeInMb: 0.016 };

/** Output episode j must be episode j of the source, code `codes[j]`: rows, task and first/last frame of every camera. */
function expectEpisodes(root: string, codes: number[], lengths: number[]): Promise<void> {
  return expectCodedEpisodes(root, codes, lengths, codes.map((_, j) => taskOf(j)));
}

describe("convert v2.1 / v2.0 to v3.0", () => {
  const dir = tempDir("lerobot-ts-convert-");
  const v21 = path.join(dir, "v21");
  const v20 = path.join(dir, "v20");
  beforeAll(async () => {
    await writeV21Dataset({ root: v21, lengths: LENGTHS, task: taskOf, chunksSize: 2 });
    await writeV21Dataset({ root: v20, version: "v2.0", lengths: LENGTHS, codes: LENGTHS.map((_, i) => 50 + i), task: taskOf, chunksSize: 4 });
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the v2.1 source by the v2.1 rules: one file per episode in several chunks", () => {
    expect(fs.readdirSync(path.join(v21, "data"))).toEqual(["chunk-000", "chunk-001", "chunk-002"]);
    expect(fs.readdirSync(path.join(v21, "data/chunk-001"))).toEqual(["episode_000002.parquet", "episode_000003.parquet"]);
    expect(fs.existsSync(path.join(v21, "videos/chunk-002/observation.images.wrist/episode_000005.mp4"))).toBe(true);
    expect(fs.existsSync(path.join(v21, "meta/episodes_stats.jsonl"))).toBe(true);
    expect(fs.existsSync(path.join(v20, "meta/episodes_stats.jsonl"))).toBe(false);
  });

  it("converts v2.1: every row and frame in its episode, LeRobot's layout and info, stats, input untouched", async () => {
    const before = folderHash(v21);
    const out = path.join(dir, "v21-out");
    const result = await convertToV30(v21, out, SMALL);
    expect(result).toMatchObject({ root: out, sourceVersion: "v2.1", episodes: 6, frames: 57, tasks: ["pick the cube", "place the cube"], computedStats: [] });
    await expectEpisodes(out, LENGTHS.map((_, i) => i), LENGTHS);
    expect(folderHash(v21)).toBe(before);

    // Concatenated by size: several episodes per file, several files, chunk folders of chunks_size (2) files.
    const ds = await openDataset(out);
    for (const fileOf of [(e: EpisodeInfo) => e.dataFile, (e: EpisodeInfo) => e.cameras["observation.images.front"]!.path]) {
      const perFile = [...ds.episodes.reduce((m, e) => m.set(fileOf(e), (m.get(fileOf(e)) ?? 0) + 1), new Map<string, number>()).values()];
      expect(perFile.length, String(perFile)).toBeGreaterThan(1);
      expect(Math.max(...perFile), String(perFile)).toBeGreaterThan(1);
    }
    expect(fs.readdirSync(path.join(out, "data")).length).toBeGreaterThan(1);
    for (const e of ds.episodes.slice(1)) {
      const prev = ds.episode(e.episodeIndex - 1);
      const here = e.cameras["observation.images.front"]!;
      const there = prev.cameras["observation.images.front"]!;
      // Episode k of a file starts where episode k-1 ended; a new file starts at 0.
      expect(here.fromTimestampS).toBeCloseTo(here.path === there.path ? there.toTimestampS : 0, 6);
      expect(here.toTimestampS - here.fromTimestampS).toBeCloseTo(e.length / 30, 6);
    }

    // info.json as convert_info makes it.
    const info = JSON.parse(fs.readFileSync(path.join(out, "meta/info.json"), "utf8")) as Record<string, unknown> & { features: Record<string, Record<string, unknown>> };
    expect(info).toMatchObject({
      codebase_version: "v3.0", fps: 30, total_episodes: 6, total_frames: 57, total_tasks: 2, chunks_size: 2,
      data_files_size_in_mb: 0.0065, video_files_size_in_mb: 0.016, robot_type: "so100", splits: { train: "0:6" },
      data_path: "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
      video_path: "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
    });
    expect(info).not.toHaveProperty("total_chunks");
    expect(info).not.toHaveProperty("total_videos");
    expect(info.features["observation.state"]!.fps).toBe(30);
    expect(info.features.index!.fps).toBe(30);
    expect(info.features["observation.images.front"]).not.toHaveProperty("fps");
    expect((info.features["observation.images.front"]!.info as Record<string, unknown>)["video.codec"]).toBe("h264");

    // Stats: numeric ones recomputed with quantiles, camera ones carried from v2.1 without.
    const stats = JSON.parse(fs.readFileSync(path.join(out, "meta/stats.json"), "utf8")) as Record<string, Record<string, number[]>>;
    for (const key of ["action", "observation.state", "timestamp", "index"]) {
      expect(Object.keys(stats[key]!), key).toEqual(["min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"]);
      expect(stats[key]!.count).toEqual([57]);
    }
    expect(stats["observation.state"]!.min![2]).toBe(stateValue(0, 0, 2));
    expect(stats["observation.state"]!.max![2]).toBe(stateValue(5, 10, 2));
    expect(Object.keys(stats["observation.images.front"]!)).toEqual(["min", "max", "mean", "std", "count"]);
    expect(stats["observation.images.front"]!.count).toEqual([57]);
    expect(ds.episode(3).stats["observation.state"]!.q50).toBeDefined();
    expect(ds.episode(3).stats["observation.images.wrist"]!.q50).toBeUndefined();
    expect(ds.episode(3).stats["observation.images.wrist"]!.count).toEqual([10]);
    // The carried camera stats are the v2.1 file's.
    const v21Stats = fs.readFileSync(path.join(v21, "meta/episodes_stats.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { stats: Record<string, { mean: unknown }> });
    expect(ds.episode(3).stats["observation.images.wrist"]!.mean).toEqual(v21Stats[3]!.stats["observation.images.wrist"]!.mean);
  }, 180_000);

  it("converts v2.0: per-episode camera stats computed from sampled frames, with quantiles", async () => {
    const before = folderHash(v20);
    const out = path.join(dir, "v20-out");
    const progress: string[] = [];
    const result = await convertToV30(v20, out, { ...SMALL, onProgress: (p) => progress.push(p.phase) });
    expect(result).toMatchObject({ sourceVersion: "v2.0", episodes: 6, frames: 57, computedStats: ["observation.images.front", "observation.images.wrist"] });
    expect(progress).toContain("stats");
    await expectEpisodes(out, LENGTHS.map((_, i) => 50 + i), LENGTHS);
    expect(folderHash(v20)).toBe(before);
    const ds = await openDataset(out);
    const camera = ds.episode(1).stats["observation.images.front"]!;
    // Episodes under 100 frames: every frame is sampled.
    expect(camera.count).toEqual([12]);
    expect(camera.q01).toBeDefined();
    expect(ds.stats!["observation.images.front"]!.count).toEqual([57]);
    expect(ds.stats!["observation.images.front"]!.q99).toBeDefined();
  }, 180_000);

  it("refuses a v3.0 dataset, an older one, an output that exists or lies inside the input", async () => {
    const v30 = path.join(dir, "v30");
    await (await writeSynthetic({ root: v30, episodes: [3], cameras: [] })).finalize();
    await expect(convertToV30(v30, path.join(dir, "never"))).rejects.toThrow(/already a v3.0 dataset/);
    const v16 = path.join(dir, "v16");
    fs.mkdirSync(path.join(v16, "meta"), { recursive: true });
    fs.writeFileSync(path.join(v16, "meta/info.json"), JSON.stringify({ codebase_version: "v1.6", fps: 30 }));
    await expect(convertToV30(v16, path.join(dir, "never"))).rejects.toThrow(/older than v2.0/);
    await expect(convertToV30(v21, v30)).rejects.toThrow(/already exists/);
    await expect(convertToV30(v21, path.join(v21, "out"))).rejects.toThrow(/inside the dataset being converted/);
    expect(fs.existsSync(path.join(dir, "never"))).toBe(false);
    expect(fs.existsSync(path.join(v21, "out"))).toBe(false);
  }, 60_000);
});
