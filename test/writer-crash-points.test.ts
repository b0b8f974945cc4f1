/**
 * A save killed at EVERY file operation it makes: a child process resumes a dataset and saves
 * episodes (appending to a data file, to an episodes metadata file and to an mp4, including a new
 * moov zone, a moov at the zone's end and one at its start), and is SIGKILLed before its k-th
 * operation, for every k. After each kill:
 *  - verify finds no error, or only the ones of the few system calls between the first switch
 *    and info.json (rows or episodes past info.json's totals), which resume rolls back;
 *  - resume trims everything past info.json and the dataset verifies again, every committed row
 *    and frame where it was; at every 4th kill point (and each with errors) it also records one
 *    more episode and verifies with --deep.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../src/dataset/reader.js";
import { DatasetWriter } from "../src/dataset/writer.js";
import { verifyDataset } from "../src/verify/index.js";
import { barcodeFrame, readBarcode } from "./helpers/barcode.js";
import { makeFrame, stateValue, tempDir, writeSynthetic } from "./helpers/synthetic.js";

const here = import.meta.dirname;
const built = fs.existsSync(path.join(here, "..", "dist", "index.js"));
if (!built) console.warn("writer-crash-points: skipped, dist/ is missing (run `npm run build`)");

const W = 96;
const H = 64;
const FRAMES = 4;
const BASE = [5, 3];
/** Saves killed at each of their operations, after the resumed writer's first save. */
const SAVES = 3;
/** Findings of a kill between the first switch (data file) and info.json's rename. */
const BETWEEN_SWITCHES = new Set(["data.unreferenced_rows", "info.total_episodes", "info.total_frames", "info.splits", "info.total_tasks", "stats.count", "stats.episode_mismatch"]);

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

async function errorsOf(root: string, deep = false): Promise<string[]> {
  const report = await verifyDataset(root, { deep });
  return report.findings.filter((f) => f.severity === "error").map((f) => `${f.check}: ${f.message}`);
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

    const betweenSwitches: number[] = [];
    const check = async (k: number) => {
      const root = path.join(dir, `kill-${k}`);
      fs.cpSync(base, root, { recursive: true });
      const run = await runChild(root, k);
      expect(run.stderr, `kill point ${k}`).toBe("");
      // A run with fewer operations than k (they may vary by a few) completes: it must verify too.
      expect(run.killed || run.ops < k, `kill point ${k}: not killed after ${run.ops} operations`).toBe(true);
      const errors = await errorsOf(root);
      const unexpected = errors.filter((e) => !BETWEEN_SWITCHES.has(e.slice(0, e.indexOf(":"))));
      expect(unexpected, `kill point ${k}`).toEqual([]);
      if (errors.length > 0) betweenSwitches.push(k);

      const committed = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")).total_episodes as number;
      const writer = await DatasetWriter.resume(root);
      expect(writer.episodeIndex, `kill point ${k}`).toBe(committed);
      expect(await errorsOf(root), `kill point ${k}, after resume`).toEqual([]);
      // Recording on and decoding every frame (--deep) costs ~2 s: at every 4th kill point and every one with errors.
      if (k % 4 === 0 || errors.length > 0 || k === ops) {
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
    // Each save switches tasks (when it adds one), data, episodes, stats.json and info.json with
    // one system call each: only kills between the first switch and the last may show errors.
    console.log(`writer-crash-points: ${ops} kill points; errors (all rolled back by resume) at ${betweenSwitches.sort((a, b) => a - b).join(", ")}`);
    expect(betweenSwitches.length).toBeLessThanOrEqual(4 * SAVES);
  });
});
