/**
 * copyEpisodes, the engine under delete, split and merge: a new dataset made of chosen episodes of
 * several datasets in a given order. Rows are copied with episode_index, index and task_index
 * renumbered (read back with DuckDB), tasks unified by text after any retask, numeric stats
 * recomputed, camera stats carried over, files closed at the size limit, info.json last; the output verifies. An occupied
 * output is refused, a failure removes the partial output, and the inputs are only read.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { openDataset } from "../../src/dataset/reader.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import { copyEpisodes } from "../../src/edit/copy-episodes.js";
import type { CopyProgress } from "../../src/edit/copy-episodes.js";
import { findFfmpeg, probeMp4, resolveEncoderSettings, resolveVideoCodec } from "../../src/dataset/video/index.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { stateValue, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const FRONT = "observation.images.front";

/** Every file's path and bytes, hashed. */
function folderHash(root: string): string {
  const hash = crypto.createHash("sha256");
  for (const rel of fs.readdirSync(root, { recursive: true, encoding: "utf8" }).sort()) {
    hash.update(rel);
    if (fs.statSync(path.join(root, rel)).isFile()) hash.update(fs.readFileSync(path.join(root, rel)));
  }
  return hash.digest("hex");
}

describe("copyEpisodes", () => {
  const dir = tempDir("lerobot-ts-copy-episodes-");
  const rootA = path.join(dir, "a");
  const rootB = path.join(dir, "b");
  let a: LeRobotDataset;
  let b: LeRobotDataset;
  beforeAll(async () => {
    // Episode e carries code e in its values: A's episodes 0..2, B's 0..1 (B1 is told from A1 by its length and task).
    await (await writeSynthetic({ root: rootA, episodes: [4, 5, 3], cameras: [], tasks: (e) => (e === 1 ? "place" : "pick") })).finalize();
    await (await writeSynthetic({ root: rootB, episodes: [2, 6], cameras: [], tasks: () => "stack" })).finalize();
    [a, b] = [await openDataset(rootA), await openDataset(rootB)];
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the chosen episodes in order, renumbered, tasks unified by text after retask", async () => {
    const hashes = [folderHash(rootA), folderHash(rootB)];
    const root = path.join(dir, "out");
    const progress: CopyProgress[] = [];
    const result = await copyEpisodes({
      root, info: structuredClone(a.info), tasks: ["listed first"],
      episodes: [
        { dataset: a, episodeIndex: 2 },
        { dataset: b, episodeIndex: 1, retask: (text) => `${text} the cubes` },
        { dataset: a, episodeIndex: 0 },
      ],
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({ root, episodes: 3, frames: 13, tasks: ["listed first", "pick", "stack the cubes"], reencoded: {} });

    const duck = await openDuck();
    try {
      const rows = (await duck.rows(`SELECT "index", episode_index, frame_index, task_index, "observation.state"[2] AS s1 FROM read_parquet(${sqlPath(path.join(root, "data/chunk-000/file-000.parquet"))})`)).map(plain) as Record<string, number>[];
      const sources = [[2, 3, 1], [1, 6, 2], [0, 4, 1]]; // [source code, length, output task_index] of each output episode
      const expected = sources.flatMap(([code, length, task], e) => Array.from({ length: length! }, (_, k) => ({ episode_index: e, frame_index: k, task_index: task, s1: stateValue(code!, k, 1) })));
      expect(rows.map(({ index: _index, ...rest }) => rest)).toEqual(expected);
      expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 13 }, (_, i) => i));
      expect((await duck.rows(`SELECT task_index, task FROM read_parquet(${sqlPath(path.join(root, "meta/tasks.parquet"))}) ORDER BY task_index`)).map(plain))
        .toEqual([{ task_index: 0, task: "listed first" }, { task_index: 1, task: "pick" }, { task_index: 2, task: "stack the cubes" }]);
    } finally {
      duck.close();
    }

    // Each episode's stats are its output rows': renumbered index, its own episode_index.
    const out = await openDataset(root);
    expect(out.episode(1).stats.index).toMatchObject({ min: [3], max: [8] });
    expect(out.episode(2).stats.episode_index).toMatchObject({ min: [2], max: [2] });
    expect(out.stats!["observation.state"]!.count).toEqual([13]);
    expect(out.episodes.map((e) => e.tasks)).toEqual([["pick"], ["stack the cubes"], ["pick"]]);
    // "listed first" is used by no episode: verify warns about it, and finds nothing else but short episodes.
    const report = await verifyDataset(root);
    expect(report.findings.filter((f) => f.check !== "quality.short_episode").map((f) => f.check)).toEqual(["tasks.unused"]);

    expect(progress.filter((p) => p.phase === "data").map((p) => p.done)).toEqual([1, 2, 3]);
    expect(progress.at(-1)).toEqual({ phase: "metadata", done: 1, total: 1 });
    expect([folderHash(rootA), folderHash(rootB)]).toEqual(hashes);
  });

  it("starts a new data file when the next episode would pass the size limit", async () => {
    const root = path.join(dir, "small-files");
    const result = await copyEpisodes({
      root, info: { ...structuredClone(a.info), data_files_size_in_mb: 0.001, chunks_size: 2 },
      episodes: [0, 1, 2].map((episodeIndex) => ({ dataset: a, episodeIndex })),
    });
    expect(result.frames).toBe(12);
    const out = await openDataset(root);
    // One episode per file, two files per chunk folder.
    expect(out.episodes.map((e) => path.relative(root, e.dataFile))).toEqual([
      "data/chunk-000/file-000.parquet", "data/chunk-000/file-001.parquet", "data/chunk-001/file-000.parquet",
    ]);
    const duck = await openDuck();
    try {
      const files = out.episodes.map((e) => sqlPath(e.dataFile)).join(", ");
      const rows = (await duck.rows(`SELECT "index", episode_index FROM read_parquet([${files}])`)).map(plain) as Record<string, number>[];
      expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(rows.map((r) => r.episode_index)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2]);
    } finally {
      duck.close();
    }
    expect((await verifyDataset(root)).summary.errors).toBe(0);
  });

  it("carries camera stats over, and reads an encoded camera's info block back from the file it wrote", async () => {
    const cameraRoot = path.join(dir, "camera");
    await (await writeSynthetic({ root: cameraRoot, episodes: [5, 4], cameras: ["front"], vcodec: "h264" })).finalize();
    const source = await openDataset(cameraRoot);
    const ffmpeg = await findFfmpeg();
    const encode = { ffmpeg, settings: resolveEncoderSettings(resolveVideoCodec("hevc", ffmpeg), { crf: 20 }) };
    const root = path.join(dir, "camera-out");
    const result = await copyEpisodes({
      root, info: structuredClone(source.info), videos: { [FRONT]: { encode } },
      episodes: [{ dataset: source, episodeIndex: 1 }, { dataset: source, episodeIndex: 0 }],
    });
    expect(result.reencoded).toEqual({ [FRONT]: 2 });
    const out = await openDataset(root);
    expect(out.features[FRONT]!.info).toMatchObject({ "video.codec": "hevc", "video.crf": 20 });
    expect((await probeMp4(out.episode(0).cameras[FRONT]!.path)).codec).toBe("hevc");
    // The frames are the same, so their stats are the source episode's.
    expect(out.episode(0).stats[FRONT]).toEqual(source.episode(1).stats[FRONT]);
    expect(out.episode(1).stats[FRONT]).toEqual(source.episode(0).stats[FRONT]);
    expect((await verifyDataset(root)).summary.errors).toBe(0);
  }, 60_000);

  it("refuses an output folder that holds files, leaving them", async () => {
    const root = path.join(dir, "occupied");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, "notes.txt"), "mine");
    const attempt = copyEpisodes({ root, info: structuredClone(a.info), episodes: [{ dataset: a, episodeIndex: 0 }] });
    await expect(attempt).rejects.toBeInstanceOf(DatasetError);
    await expect(attempt).rejects.toThrow(/already exists: choose a new output folder/);
    expect(fs.readdirSync(root)).toEqual(["notes.txt"]);
  });

  it("removes what it wrote when a source cannot be read", async () => {
    const broken = path.join(dir, "broken");
    fs.cpSync(rootB, broken, { recursive: true });
    const source = await openDataset(broken);
    fs.rmSync(source.episode(1).dataFile);
    const root = path.join(dir, "never");
    await expect(copyEpisodes({ root, info: structuredClone(a.info), episodes: [{ dataset: a, episodeIndex: 0 }, { dataset: source, episodeIndex: 1 }] })).rejects.toThrow();
    expect(fs.existsSync(root)).toBe(false);
  });
});
