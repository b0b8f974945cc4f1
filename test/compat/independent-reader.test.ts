/**
 * A dataset we write, read back by readers that share no code with ours: DuckDB for the parquet
 * files (C++), mp4box driven directly for the mp4 boxes. Every value is checked against what was
 * written (test/helpers/synthetic.ts formulas), not against our own reader.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import type { Duck } from "../helpers/duckdb.js";
import { openDuck, sqlPath } from "../helpers/duckdb.js";
import { mp4boxSamples } from "../helpers/mp4box-samples.js";
import { JOINTS, actionValue, stateValue, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const LENGTHS = [9, 14, 6, 11, 8];
const FPS = 30;
const W = 96;
const H = 64;
const CAMERAS = ["observation.images.front", "observation.images.wrist"];
const taskOf = (e: number) => (e === 1 || e === 4 ? "open the drawer" : "stack the blocks");
/** task_index in order of first appearance: episode 0's task is 0, episode 1's is 1. */
const taskIndexOf = (e: number) => (taskOf(e) === "stack the blocks" ? 0 : 1);
const TOTAL = LENGTHS.reduce((a, b) => a + b, 0);
const starts = LENGTHS.map((_, e) => LENGTHS.slice(0, e).reduce((a, b) => a + b, 0));

describe("a written dataset read by DuckDB and mp4box", () => {
  let dir: string;
  let root: string;
  let duck: Duck;
  let ds: LeRobotDataset;
  let episodes: Record<string, unknown>[];

  beforeAll(async () => {
    dir = tempDir("lerobot-ts-independent-");
    root = path.join(dir, "ds");
    const writer = await writeSynthetic({ root, episodes: LENGTHS, cameras: ["front", "wrist"], width: W, height: H, tasks: taskOf });
    await writer.finalize();
    duck = await openDuck();
    ds = await openDataset(root);
    // File order, no ORDER BY: Python takes row i to be episode i.
    episodes = await duck.rows(`SELECT * FROM read_parquet(${sqlPath(path.join(root, "meta/episodes/*/*.parquet"))})`);
  });
  afterAll(() => {
    duck?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("data parquet: DuckDB sees the columns with the types pyarrow's files have", async () => {
    const described = await duck.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(path.join(root, "data/*/*.parquet"))})`);
    expect(described.map((r) => [r.column_name, r.column_type])).toEqual([
      ["action", "FLOAT[]"], ["observation.state", "FLOAT[]"], ["timestamp", "FLOAT"],
      ["frame_index", "BIGINT"], ["episode_index", "BIGINT"], ["index", "BIGINT"], ["task_index", "BIGINT"],
    ]);
  });

  it("data parquet: every value of every row is what was written", async () => {
    const rows = await duck.rows(`SELECT * FROM read_parquet(${sqlPath(path.join(root, "data/*/*.parquet"))}) ORDER BY index`);
    expect(rows).toHaveLength(TOTAL);
    const mismatches: string[] = [];
    const check = (row: number, name: string, got: unknown, want: unknown) => {
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`row ${row} ${name}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    };
    let row = 0;
    for (const [e, length] of LENGTHS.entries()) {
      for (let k = 0; k < length; k++, row++) {
        const r = rows[row]!;
        check(row, "action", (r.action as number[]).map(Math.fround), JOINTS.map((_, j) => Math.fround(actionValue(e, k, j))));
        check(row, "observation.state", (r["observation.state"] as number[]).map(Math.fround), JOINTS.map((_, j) => Math.fround(stateValue(e, k, j))));
        check(row, "timestamp", Math.fround(r.timestamp as number), Math.fround(k / FPS));
        check(row, "frame_index", Number(r.frame_index), k);
        check(row, "episode_index", Number(r.episode_index), e);
        check(row, "index", Number(r.index), row);
        check(row, "task_index", Number(r.task_index), taskIndexOf(e));
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Rows are stored in index order (episodes contiguous), not only sortable into it.
    const stored = await duck.rows(`SELECT index FROM read_parquet(${sqlPath(path.join(root, "data/*/*.parquet"))})`);
    expect(stored.map((r) => Number(r.index))).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
  });

  it("data parquet: DuckDB finds the huggingface key-value metadata, naming every column", async () => {
    const kv = await duck.rows(`SELECT key, value FROM parquet_kv_metadata(${sqlPath(path.join(root, "data/*/*.parquet"))})`);
    const text = (v: unknown) => Buffer.from(v as Uint8Array).toString("utf8");
    const entries = new Map(kv.map((r) => [text(r.key), text(r.value)]));
    expect([...entries.keys()].sort()).toEqual(["ARROW:schema", "huggingface"]);
    const hf = JSON.parse(entries.get("huggingface")!) as { info: { features: Record<string, unknown> } };
    expect(Object.keys(hf.info.features)).toEqual(["action", "observation.state", "timestamp", "frame_index", "episode_index", "index", "task_index"]);
    expect(hf.info.features.timestamp).toEqual({ dtype: "float32", _type: "Value" });
    expect(hf.info.features["observation.state"]).toEqual({ feature: { dtype: "float32", _type: "Value" }, length: 6, _type: "List" });
  });

  it("episodes parquet: one row per episode, in order, with lengths, index ranges and tasks", () => {
    expect(episodes.map((r) => Number(r.episode_index))).toEqual([0, 1, 2, 3, 4]);
    expect(episodes.map((r) => Number(r.length))).toEqual(LENGTHS);
    expect(episodes.map((r) => Number(r.dataset_from_index))).toEqual(starts);
    expect(episodes.map((r) => Number(r.dataset_to_index))).toEqual(starts.map((s, e) => s + LENGTHS[e]!));
    expect(episodes.map((r) => r.tasks)).toEqual(LENGTHS.map((_, e) => [taskOf(e)]));
    for (const r of episodes) {
      expect([r["data/chunk_index"], r["data/file_index"], r["meta/episodes/chunk_index"], r["meta/episodes/file_index"]].map(Number)).toEqual([0, 0, 0, 0]);
    }
    expect(episodes.map((r) => (r["stats/observation.state/count"] as unknown[]).map(Number))).toEqual(LENGTHS.map((n) => [n]));
    expect(episodes.map((r) => (r["stats/index/min"] as unknown[]).map(Number))).toEqual(starts.map((s) => [s]));
    expect((episodes[3]!["stats/observation.state/max"] as number[])).toEqual(JOINTS.map((_, j) => stateValue(3, LENGTHS[3]! - 1, j)));
  });

  it("episodes parquet: video timestamps back to back, as openDataset reports them", () => {
    for (const key of CAMERAS) {
      let previousTo = 0;
      for (const [e, r] of episodes.entries()) {
        const from = r[`videos/${key}/from_timestamp`] as number;
        const to = r[`videos/${key}/to_timestamp`] as number;
        expect(from, `${key} episode ${e} from`).toBe(previousTo);
        expect((to - from) * FPS).toBeCloseTo(LENGTHS[e]!, 6);
        previousTo = to;
        const cam = ds.episodes[e]!.cameras[key]!;
        expect([cam.fromTimestampS, cam.toTimestampS]).toEqual([from, to]);
        expect([cam.chunkIndex, cam.fileIndex]).toEqual([Number(r[`videos/${key}/chunk_index`]), Number(r[`videos/${key}/file_index`])]);
      }
    }
  });

  it("tasks.parquet: task_index by row position, with the text", async () => {
    const rows = await duck.rows(`SELECT * FROM read_parquet(${sqlPath(path.join(root, "meta/tasks.parquet"))})`);
    expect(rows.map((r) => [Number(r.task_index), r.task])).toEqual([[0, "stack the blocks"], [1, "open the drawer"]]);
    const kv = await duck.rows(`SELECT key FROM parquet_kv_metadata(${sqlPath(path.join(root, "meta/tasks.parquet"))})`);
    expect(kv.map((r) => Buffer.from(r.key as Uint8Array).toString("utf8"))).toContain("pandas");
  });

  it("mp4 files: mp4box counts exactly the frames the episodes claim, and their spans add up", () => {
    for (const key of CAMERAS) {
      const byFile = new Map<string, Record<string, unknown>[]>();
      for (const r of episodes) {
        const file = path.join(root, "videos", key,
          `chunk-${String(r[`videos/${key}/chunk_index`]).padStart(3, "0")}`,
          `file-${String(r[`videos/${key}/file_index`]).padStart(3, "0")}.mp4`);
        byFile.set(file, [...(byFile.get(file) ?? []), r]);
      }
      const onDisk = fs.readdirSync(path.join(root, "videos", key), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".mp4")).map((f) => path.join(root, "videos", key, f));
      expect(onDisk.sort()).toEqual([...byFile.keys()].sort());
      for (const [file, rows] of byFile) {
        const { movie } = mp4boxSamples(file);
        expect(movie.videoTracks).toHaveLength(1);
        expect(movie.audioTracks).toHaveLength(0);
        const track = movie.videoTracks[0]!;
        expect([track.video?.width, track.video?.height]).toEqual([W, H]);
        const frames = rows.reduce((n, r) => n + Number(r.length), 0);
        expect(track.nb_samples, file).toBe(frames);
        const spanFrames = rows.reduce((s, r) => s + ((r[`videos/${key}/to_timestamp`] as number) - (r[`videos/${key}/from_timestamp`] as number)) * FPS, 0);
        expect(Math.abs(spanFrames - track.nb_samples), file).toBeLessThan(1e-6);
        // The last episode ends where the track ends.
        expect(rows.at(-1)![`videos/${key}/to_timestamp`] as number).toBeCloseTo(track.samples_duration / track.timescale, 9);
      }
    }
  });
});
