/**
 * A save killed at EVERY file operation it makes: a child process resumes a dataset and saves
 * episodes (appending to a data file, to an episodes metadata file and to an mp4, including a new
 * moov zone, a moov at the zone's end and one at its start), and is SIGKILLed before its k-th
 * operation, for every k. After each kill, with nothing run on the dataset:
 *  - verify finds no error; between the save's first switch and info.json (its commit) it warns
 *    of the unfinished save instead, once;
 *  - openDataset reads exactly the episodes, frames, tasks and stats info.json commits;
 *  - read by Python LeRobot v0.6.1's rules (DuckDB as the parquet reader), the first total_frames
 *    rows and first total_episodes episode rows are the committed ones;
 *  - repair (at every other kill point that left an unfinished save) drops the leftovers;
 *  - resume trims everything past info.json and the dataset verifies again, every committed row
 *    and frame where it was; at every 4th kill point (and each that left an unfinished save) it
 *    also records one more episode and verifies with --deep.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { repairDataset } from "../../src/edit/repair.js";
import { verifyDataset } from "../../src/verify/index.js";
import { barcodeFrame, readBarcode } from "../helpers/barcode.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { makeFrame, stateValue, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const here = path.join(import.meta.dirname, ".."); // test/
const built = fs.existsSync(path.join(here, "..", "dist", "index.js"));
if (!built) console.warn("writer-crash-points: skipped, dist/ is missing (run `npm run build`)");

const W = 96;
const H = 64;
const FRAMES = 4;
const BASE = [5, 3];
/** Saves killed at each of their operations, after the resumed writer's first save. */
const SAVES = 3;

let dir: string;
let base: string;
let framesFile: string;
beforeAll(async () => {
  dir = tempDir();
  base = path.join(dir, "base");
  const writer = await writeSynthetic({ root: base, episodes: BASE, cameras: ["front"], width: W, height: H, tasks: () => "even task" });
  await writer.finalize();
  const first = BASE.length;
  const frames: Uint8Array[] = [];
  for (let e = first; e <= first + SAVES + 1; e++) for (let k = 0; k < FRAMES; k++) frames.push(barcodeFrame(W, H, [e, k, 0]));
  framesFile = path.join(dir, "frames.rgb");
  fs.writeFileSync(framesFile, Buffer.concat(frames));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runChild(root: string, crashOp: number): Promise<{ killed: boolean; ops: number; stderr: string }> {
  const args = ["--import", path.join(here, "helpers", "crash-at-op.mjs"), path.join(here, "helpers", "crash-save-child.mjs"), root, framesFile, String(SAVES), String(W), String(H), String(FRAMES)];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CRASH_OP: String(crashOp) } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      const ops = Number(/FSOPS (\d+)/.exec(stdout)?.[1] ?? -1);
      if (signal !== "SIGKILL" && code !== 0) stderr = `exit ${code}: ${stderr}`;
      resolve({ killed: signal === "SIGKILL", ops, stderr });
    });
  });
}

async function findingsOf(root: string, deep = false): Promise<{ errors: string[]; unfinishedSaves: number }> {
  const report = await verifyDataset(root, { deep });
  const errors = report.findings.filter((f) => f.severity === "error").map((f) => `${f.check}: ${f.message}`);
  return { errors, unfinishedSaves: report.countsByCheck["dataset.unfinished_save"] ?? 0 };
}

async function errorsOf(root: string, deep = false): Promise<string[]> {
  return (await findingsOf(root, deep)).errors;
}

interface CommittedInfo { total_episodes: number; total_frames: number; total_tasks: number }

/** openDataset reads the dataset meta/info.json commits: its episodes, frames, tasks, and stats of exactly those frames. */
async function checkOpensCommitted(root: string, info: CommittedInfo, at: string): Promise<void> {
  const ds = await openDataset(root);
  expect([ds.numEpisodes, ds.numFrames, ds.tasks.length], at).toEqual([info.total_episodes, info.total_frames, info.total_tasks]);
  expect(ds.episodes.map((e) => e.episodeIndex), at).toEqual([...Array(info.total_episodes).keys()]);
  expect(ds.stats?.["observation.state"]?.count, at).toEqual([info.total_frames]);
}

/**
 * The dataset as Python LeRobot v0.6.1 loads it: every data/*\/*.parquet in sorted order, rows
 * concatenated (io_utils.py load_nested_dataset), item idx is row idx for idx < info.json's
 * total_frames (lerobot_dataset.py __len__ -> meta.total_frames; dataset_reader.py get_item ->
 * hf_dataset[idx]), and episode i is row i of meta/episodes (get_item -> meta.episodes[ep_idx]).
 * Those rows must be the committed ones, whatever a killed save left after them.
 */
async function checkAsLeRobotLoads(root: string, info: CommittedInfo, at: string): Promise<void> {
  const sorted = (dir: string) => fs.existsSync(dir)
    ? fs.readdirSync(dir).sort().flatMap((chunk) => fs.readdirSync(path.join(dir, chunk)).filter((f) => f.endsWith(".parquet")).sort().map((f) => path.join(dir, chunk, f)))
    : [];
  const duck = await openDuck();
  try {
    const rows: Record<string, unknown>[] = [];
    for (const file of sorted(path.join(root, "data"))) rows.push(...await duck.rows(`SELECT "index", episode_index, frame_index FROM read_parquet(${sqlPath(file)})`));
    const episodes: Record<string, unknown>[] = [];
    for (const file of sorted(path.join(root, "meta", "episodes"))) episodes.push(...await duck.rows(`SELECT episode_index, dataset_from_index, dataset_to_index FROM read_parquet(${sqlPath(file)})`));
    expect(rows.length, at).toBeGreaterThanOrEqual(info.total_frames);
    expect(episodes.length, at).toBeGreaterThanOrEqual(info.total_episodes);
    for (let e = 0; e < info.total_episodes; e++) {
      const { episode_index, dataset_from_index: from, dataset_to_index: to } = plain(episodes[e]) as Record<string, number>;
      expect(episode_index, at).toBe(e);
      for (let idx = from!; idx < to!; idx++) {
        expect(plain(rows[idx]), `${at}, item ${idx}`).toEqual({ index: idx, episode_index: e, frame_index: idx - from! });
      }
    }
    expect(plain(episodes[info.total_episodes - 1]), at).toMatchObject({ dataset_to_index: info.total_frames });
  } finally {
    duck.close();
  }
}

/** Every committed episode's rows and a frame of it are the ones recorded. */
async function checkContent(root: string, episodes: number): Promise<void> {
  const ds = await openDataset(root);
  expect(ds.numEpisodes).toBe(episodes);
  const state = await ds.readColumn("observation.state");
  let row = 0;
  for (const e of ds.episodes) {
    for (let k = 0; k < e.length; k++, row++) expect(state.values[row * 6]).toBe(stateValue(e.episodeIndex, k, 0));
  }
  for (const e of [BASE.length - 1, episodes - 1].filter((e) => e >= 0)) {
    const k = ds.episodes[e]!.length - 1;
    const frame = await ds.decodeFrame("observation.images.front", e, k);
    expect(readBarcode(frame.data, W, H, 3)).toEqual([e, k, 0]);
  }
}

describe.skipIf(!built)("SIGKILL at every file operation of a save", () => {
  it("leaves a dataset that verifies, and resume trims to info.json and records on", { timeout: 900_000 }, async () => {
    const full = path.join(dir, "full");
    fs.cpSync(base, full, { recursive: true });
    const complete = await runChild(full, 0);
    expect(complete.stderr).toBe("");
    expect(complete.killed).toBe(false);
    expect(await errorsOf(full, true)).toEqual([]);
    const ops = complete.ops;
    expect(ops).toBeGreaterThan(20 * SAVES);

    const unfinished: number[] = [];
    const check = async (k: number) => {
      const root = path.join(dir, `kill-${k}`);
      const at = `kill point ${k}`;
      fs.cpSync(base, root, { recursive: true });
      const run = await runChild(root, k);
      expect(run.stderr, at).toBe("");
      // A run with fewer operations than k (they may vary by a few) completes: it must verify too.
      expect(run.killed || run.ops < k, `${at}: not killed after ${run.ops} operations`).toBe(true);
      const info = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as CommittedInfo;
      const { errors, unfinishedSaves } = await findingsOf(root);
      expect(errors, at).toEqual([]);
      expect(unfinishedSaves, at).toBeLessThanOrEqual(1);
      if (unfinishedSaves > 0) unfinished.push(k);
      await checkOpensCommitted(root, info, at);
      await checkAsLeRobotLoads(root, info, at);

      // Half of the unfinished saves are dropped by repair first (resume then has nothing to trim).
      if (unfinishedSaves > 0 && k % 2 === 1) {
        const repaired = await repairDataset(root);
        expect(repaired.changed.map((c) => c.check), at).toContain("dataset.unfinished_save");
        const afterRepair = await findingsOf(root);
        expect([afterRepair.errors, afterRepair.unfinishedSaves], `${at}, after repair`).toEqual([[], 0]);
        await checkOpensCommitted(root, info, `${at}, after repair`);
      }

      const committed = info.total_episodes;
      const writer = await DatasetWriter.resume(root);
      expect(writer.episodeIndex, at).toBe(committed);
      const afterResume = await findingsOf(root);
      expect([afterResume.errors, afterResume.unfinishedSaves], `${at}, after resume`).toEqual([[], 0]);
      // Recording on and decoding every frame (--deep) costs ~2 s: at every 4th kill point and every one that left an unfinished save.
      if (k % 4 === 0 || unfinishedSaves > 0 || k === ops) {
        for (let f = 0; f < FRAMES; f++) await writer.addFrame(makeFrame(committed, f, ["front"], W, H, "after the crash"));
        await writer.saveEpisode();
        await writer.finalize();
        expect(await errorsOf(root, true), `kill point ${k}, after recording on`).toEqual([]);
        await checkContent(root, committed + 1);
      } else {
        await writer.finalize();
        await checkContent(root, committed);
      }
      fs.rmSync(root, { recursive: true, force: true });
    };
    // Several kill points at a time: each is a separate child and dataset.
    const points = Array.from({ length: ops }, (_, i) => i + 1);
    const workers = Array.from({ length: Math.max(2, Math.min(8, os.availableParallelism() - 1)) }, async () => {
      for (let k = points.shift(); k !== undefined; k = points.shift()) await check(k);
    });
    await Promise.all(workers);
    // Each save switches its journal, tasks (when it adds one), data, stats.json, episodes and
    // info.json with one system call each: a kill before each switch after the journal's (at
    // least 4 per save) leaves an unfinished save, which verify warns of and sees past.
    console.log(`writer-crash-points: ${ops} kill points; an unfinished save (no error; trimmed by resume) at ${unfinished.sort((a, b) => a - b).join(", ")}`);
    expect(unfinished.length).toBeGreaterThanOrEqual(4 * SAVES);
  });
});
