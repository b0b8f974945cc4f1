/**
 * `repair`, from the library and as `lerobot-ts repair`: datasets written by DatasetWriter are
 * broken the way a crash or a tool breaks them (rows of an unfinished save past the last episode,
 * stats.json deleted, cut short or stale, counts in info.json left behind, an mp4 edit list that
 * hides frames, a stray file); each repair must leave every episode's rows and frames as they were
 * (state values and frame barcodes say which episode and frame they are), verify --deep with no
 * errors, and say what it changed. What cannot be fixed without guessing is left untouched and
 * reported. A dry run writes nothing; a repair killed at any file operation leaves no new error.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { ParquetConcat, appendRowGroups, keepRowGroups } from "../../src/dataset/parquet-append.js";
import { encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { aggregateStats, parseStats, statsToPythonJson } from "../../src/dataset/stats.js";
import type { DatasetStats } from "../../src/dataset/stats.js";
import { repairDataset, repairReportSchema } from "../../src/edit/repair.js";
import type { RepairReport } from "../../src/edit/repair.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { readBarcode } from "../helpers/barcode.js";
import { BIN, runCli } from "../helpers/cli.js";
import { expectPublishedJson } from "../helpers/published-schema.js";
import { DATA_FILE, editEpisodes, editInfo, editJson, pickRows, rewriteParquet, shortenEditList, truncate } from "../helpers/corrupt.js";
import { parquetKeyValue, rowsPast } from "../helpers/leftover-rows.js";
import { caseCopies } from "../helpers/case-copies.js";
import { features, makeFrame, stateValue, tempDir } from "../helpers/synthetic.js";

const W = 96;
const H = 64;
const CAMERAS = ["front", "wrist"];
const LENGTHS = [10, 12, 9, 11];
const TOTAL = LENGTHS.reduce((a, b) => a + b, 0);
const FRONT = "videos/observation.images.front/chunk-000/file-000.mp4";
const STATS = "meta/stats.json";
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("repair: CLI cases skipped, dist/ is missing (npm test builds it; run `npm run build`)");

const p = (root: string, rel: string) => path.join(root, rel);

/** Every file of the folder with its sha256 (the lock folder aside). */
function hashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(p(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out[child] = crypto.createHash("sha256").update(fs.readFileSync(p(root, child))).digest("hex");
    }
  };
  walk("");
  return out;
}

/** Rows and first/last frames of every episode as written, and verify --deep without errors. */
async function expectIntact(root: string, lengths = LENGTHS): Promise<void> {
  const ds = await openDataset(root);
  expect(ds.episodes.map((e) => e.length)).toEqual(lengths);
  const state = await ds.readColumn("observation.state");
  expect(state.numRows).toBe(lengths.reduce((a, b) => a + b, 0));
  let row = 0;
  for (const [e, length] of lengths.entries()) {
    for (let k = 0; k < length; k++, row++) expect(state.values[row * 6 + 2], `episode ${e} frame ${k}`).toBe(stateValue(e, k, 2));
    for (const [c, camera] of CAMERAS.entries()) {
      for (const k of [0, length - 1]) {
        const frame = await ds.decodeFrame(`observation.images.${camera}`, e, k);
        expect(readBarcode(frame.data, W, H, 3), `episode ${e} frame ${k} ${camera}`).toEqual([e, k, c]);
      }
    }
  }
  const report = await verifyDataset(root, { deep: true });
  expect(report.summary.errors, JSON.stringify(report.findings.filter((f) => f.severity === "error"))).toBe(0);
  expect(report.findings.filter((f) => f.check !== "quality.short_episode")).toEqual([]);
}

function closeTo(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= 1e-9 * Math.max(1, Math.abs(x)));
}

/** Two stats equal in every stat of every feature (up to float rounding of the aggregation order). */
function expectSameStats(actual: DatasetStats, expected: DatasetStats): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const [key, stats] of Object.entries(expected)) {
    for (const [name, value] of Object.entries(stats)) {
      const flat = (v: unknown) => (v as unknown[]).flat(3) as number[];
      expect(closeTo(flat((actual[key] as unknown as Record<string, unknown>)[name]), flat(value)), `${key} ${name}`).toBe(true);
    }
  }
}

const readStats = (root: string) => parseStats(JSON.parse(fs.readFileSync(p(root, STATS), "utf8")));

describe("repair", () => {
  const dir = tempDir("lerobot-ts-repair-");
  const base = path.join(dir, "base");
  let baseStats: DatasetStats;
  const copy = caseCopies(base, dir);

  beforeAll(async () => {
    const writer = await DatasetWriter.create({ root: base, repoId: "t/repair", fps: 30, robotType: "so_follower", features: features(CAMERAS, W, H), vcodec: "h264" });
    for (const [e, length] of LENGTHS.entries()) {
      for (let k = 0; k < length; k++) await writer.addFrame(makeFrame(e, k, CAMERAS, W, H, e % 2 ? "place" : "pick"));
      await writer.saveEpisode();
    }
    await writer.finalize();
    baseStats = readStats(base);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("starts from a dataset with one row group per episode that verifies clean", async () => {
    expect((await readParquetMetadata(p(base, DATA_FILE))).rowGroupRows).toEqual(LENGTHS);
    await expectIntact(base);
  });

  it("leaves a clean dataset as it is and says so", async () => {
    const root = copy();
    const before = hashes(root);
    const report = await repairDataset(root);
    expect(report.changed).toEqual([]);
    expect(report.unfixed.map((u) => u.check).every((c) => c === "quality.short_episode")).toBe(true);
    expect(report.valid).toBe(true);
    expect(hashes(root)).toEqual(before);
  });

  describe("rows past the last episode (a save that died before its metadata)", () => {
    it("drops an appended row group and keeps the row groups before it byte for byte", async () => {
      const root = copy();
      const file = p(root, DATA_FILE);
      const original = fs.readFileSync(file);
      const table = await readParquet(file);
      const extra = encodeParquet(rowsPast(table, [0, 1, 2, 3, 4, 5, 6], 4, TOTAL), { keyValueMetadata: await parquetKeyValue(file) });
      fs.writeFileSync(file, appendRowGroups(original, extra));
      expect((await verifyDataset(root)).countsByCheck["data.unreferenced_rows"]).toBe(1);

      const report = await repairDataset(root);
      expect(report.changed).toEqual([expect.objectContaining({ check: "data.unreferenced_rows", file: DATA_FILE })]);
      expect(report.changed[0]!.what).toMatch(/rows 42\.\.48 .*byte for byte/);
      const repaired = fs.readFileSync(file);
      // Everything up to the original footer is the original file's.
      const footerStart = original.length - 8 - original.readUInt32LE(original.length - 8);
      expect(repaired.subarray(0, footerStart).equals(original.subarray(0, footerStart))).toBe(true);
      expect((await readParquetMetadata(file)).rowGroupRows).toEqual(LENGTHS);
      expect(report.valid).toBe(true);
      await expectIntact(root);
    });

    it("cuts a row group that holds the last episode and the leftover rows, re-encoding only that one", async () => {
      const root = copy();
      const file = p(root, DATA_FILE);
      const original = fs.readFileSync(file);
      const table = await readParquet(file);
      const last = pickRows(table, Array.from({ length: LENGTHS[3]! }, (_, i) => TOTAL - LENGTHS[3]! + i));
      const mixed = encodeParquet(last.concat(rowsPast(table, [0, 1, 2], 4, TOTAL)), { keyValueMetadata: await parquetKeyValue(file) });
      const concat = new ParquetConcat();
      fs.writeFileSync(file, Buffer.concat([concat.add(keepRowGroups(new Uint8Array(original), 3)), concat.add(mixed), concat.finish()]));
      expect((await readParquetMetadata(file)).rowGroupRows).toEqual([10, 12, 9, 14]);

      const report = await repairDataset(root);
      expect(report.changed.map((c) => c.check)).toEqual(["data.unreferenced_rows"]);
      expect((await readParquetMetadata(file)).rowGroupRows).toEqual(LENGTHS);
      await expectIntact(root);
    });

    it("drops them from a file written as one row group (verify's corruption suite)", async () => {
      const root = copy();
      await rewriteParquet(p(root, DATA_FILE), (t) => t.concat(rowsPast(t, [0, 1, 2, 3, 4], 4, TOTAL)));
      const report = await repairDataset(root);
      expect(report.changed.map((c) => c.check)).toEqual(["data.unreferenced_rows"]);
      expect(report.valid).toBe(true);
      await expectIntact(root);
    });

    it("refuses rows that overlap the episodes' indices, and changes nothing", async () => {
      const root = copy();
      await rewriteParquet(p(root, DATA_FILE), (t) => t.concat(rowsPast(t, [0, 1, 2], 7, 5)));
      const before = hashes(root);
      const report = await repairDataset(root);
      expect(report.changed).toEqual([]);
      const refused = report.unfixed.find((u) => u.check === "data.unreferenced_rows")!;
      expect(refused.file).toBe(DATA_FILE);
      expect(refused.why).toMatch(/overlaps the dataset's episodes/);
      expect(report.valid).toBe(false);
      expect(hashes(root)).toEqual(before);
    });
  });

  describe("meta/stats.json", () => {
    it("rebuilds a deleted stats.json from the episodes' stats", async () => {
      const root = copy();
      fs.rmSync(p(root, STATS));
      const report = await repairDataset(root);
      expect(report.changed).toEqual([expect.objectContaining({ check: "stats.missing", file: STATS })]);
      expectSameStats(readStats(root), baseStats);
      await expectIntact(root);
    });

    it("rebuilds one cut short, and one that is stale", async () => {
      for (const [expected, damage] of [
        ["stats.unreadable", (r: string) => truncate(p(r, STATS), 100)],
        ["stats.episode_mismatch", (r: string) => editJson(p(r, STATS), (s) => { (s.action as Record<string, number[]>).mean![2]! += 0.5; })],
        ["stats.count", (r: string) => editJson(p(r, STATS), (s) => { (s.action as Record<string, number[]>).count = [7]; })],
      ] as const) {
        const root = copy();
        damage(root);
        const report = await repairDataset(root);
        expect(report.changed.map((c) => c.check), expected).toEqual([expected]);
        expectSameStats(readStats(root), baseStats);
        expect(report.valid).toBe(true);
      }
    });

    it("computes a numeric feature's stats from the data where the episodes have none", async () => {
      const root = copy();
      await editEpisodes(root, () => {}, (t) => t.select(t.schema.fields.map((f) => f.name).filter((n) => !n.startsWith("stats/action/"))));
      fs.rmSync(p(root, STATS));
      const report = await repairDataset(root);
      expect(report.changed[0]!.what).toMatch(/'action' computed from the data/);
      expectSameStats(readStats(root), baseStats);
      // The episodes still lack their own action stats: a warning repair reports and leaves.
      expect(report.unfixed.map((u) => u.check)).toContain("stats.episode_missing");
      expect(report.after.errors).toBe(0);
    });

    it("refuses when a camera's episode stats are missing: no stats.json is better than one without that camera", async () => {
      const root = copy();
      await editEpisodes(root, () => {}, (t) => t.select(t.schema.fields.map((f) => f.name).filter((n) => !n.startsWith("stats/observation.images.front/"))));
      fs.rmSync(p(root, STATS));
      const report = await repairDataset(root);
      expect(report.changed).toEqual([]);
      expect(report.unfixed.find((u) => u.check === "stats.missing")!.why).toMatch(/does not decode frames/);
      expect(fs.existsSync(p(root, STATS))).toBe(false);
    });
  });

  it("rolls info.json's counts and stats.json forward to the metadata of a save that died before committing them", async () => {
    const root = copy();
    // The state after a crash between writing the last episode's metadata and info.json.
    const ds = await openDataset(root);
    editInfo(root, (i) => {
      i.total_episodes = 3;
      i.total_frames = TOTAL - LENGTHS[3]!;
      i.splits = { train: "0:3" };
    });
    fs.writeFileSync(p(root, STATS), statsToPythonJson(aggregateStats(ds.episodes.slice(0, 3).map((e) => e.stats))));
    const report = await repairDataset(root);
    expect(report.changed.map((c) => c.file).sort()).toEqual(["meta/info.json", STATS]);
    expect(report.changed.find((c) => c.file === "meta/info.json")!.what).toMatch(/total_episodes 3 -> 4, total_frames 31 -> 42.*splits.train 0:3 -> 0:4/);
    const info = JSON.parse(fs.readFileSync(p(root, "meta/info.json"), "utf8")) as Record<string, unknown>;
    expect([info.total_episodes, info.total_frames, info.splits]).toEqual([4, TOTAL, { train: "0:4" }]);
    expectSameStats(readStats(root), baseStats);
    await expectIntact(root);
  });

  it("lengthens an edit list that hides the last frames, moving no frame", async () => {
    const root = copy();
    const file = p(root, FRONT);
    shortenEditList(file);
    const size = fs.statSync(file).size;
    const hidden = await verifyDataset(root);
    expect(hidden.countsByCheck["videos.edit_list"]).toBe(1);
    const report = await repairDataset(root);
    expect(report.changed).toEqual([expect.objectContaining({ check: "videos.edit_list", file: FRONT })]);
    expect(report.changed[0]!.what).toMatch(/so its last \d+ frame\(s\) show/);
    expect(fs.statSync(file).size).toBe(size);
    await expectIntact(root);
  });

  describe("files nothing refers to", () => {
    it("reports them, and removes them (only them) with removeUnreferenced", async () => {
      const root = copy();
      fs.copyFileSync(p(root, DATA_FILE), p(root, "data/chunk-000/file-001.parquet"));
      fs.writeFileSync(p(root, "meta/notes.txt"), "stray");
      const kept = await repairDataset(root);
      expect(kept.changed).toEqual([]);
      expect(kept.unfixed.filter((u) => u.check === "files.unreferenced").map((u) => [u.file, u.why.slice(0, 5)])).toEqual([
        ["data/chunk-000/file-001.parquet", "kept:"], ["meta/notes.txt", "kept:"],
      ]);
      expect(kept.valid).toBe(true); // warnings only

      const before = hashes(root);
      const removed = await repairDataset(root, { removeUnreferenced: true });
      expect(removed.changed.map((c) => c.file)).toEqual(["data/chunk-000/file-001.parquet", "meta/notes.txt"]);
      const after = hashes(root);
      delete before["data/chunk-000/file-001.parquet"];
      delete before["meta/notes.txt"];
      expect(after).toEqual(before);
    });

    it("keeps them when a file the metadata names is missing (the stray one may be it)", async () => {
      const root = copy();
      fs.renameSync(p(root, FRONT), p(root, "videos/observation.images.front/chunk-000/file-007.mp4"));
      const report = await repairDataset(root, { removeUnreferenced: true });
      expect(report.changed).toEqual([]);
      expect(report.unfixed.find((u) => u.check === "files.unreferenced")!.why).toMatch(/may be it under another name/);
      expect(fs.existsSync(p(root, "videos/observation.images.front/chunk-000/file-007.mp4"))).toBe(true);
    });
  });

  /** Every repairable damage at once, plus what repair must leave alone. */
  async function damageEverything(root: string): Promise<void> {
    const file = p(root, DATA_FILE);
    const table = await readParquet(file);
    fs.writeFileSync(file, appendRowGroups(fs.readFileSync(file), encodeParquet(rowsPast(table, [0, 1, 2], 4, TOTAL), { keyValueMetadata: await parquetKeyValue(file) })));
    fs.rmSync(p(root, STATS));
    shortenEditList(p(root, FRONT));
    fs.writeFileSync(p(root, "stray.bin"), "left over");
  }

  it("in a dry run says what it would do and writes nothing", async () => {
    const root = copy();
    await damageEverything(root);
    const before = hashes(root);
    const report = await repairDataset(root, { dryRun: true, removeUnreferenced: true });
    expect(hashes(root)).toEqual(before);
    expect(fs.existsSync(p(root, ".lerobot-ts"))).toBe(false);
    expect(report.options.dryRun).toBe(true);
    expect(report.changed.map((c) => c.check)).toEqual(["data.unreferenced_rows", "videos.edit_list", "stats.missing", "files.unreferenced"]);
    expect(report.unfixed.map((u) => u.check).every((c) => c === "quality.short_episode")).toBe(true);
    expect(report.before).toEqual(report.after);
    expect(report.valid).toBe(false);
  });

  describe.skipIf(!built)("lerobot-ts repair", () => {
    it("repairs everything, prints a versioned JSON report, exits 0 and leaves no lock", async () => {
      const root = copy();
      await damageEverything(root);
      const run = await runCli(["repair", root, "--json", "--remove-unreferenced"]);
      expect(run.stderr).not.toMatch(/error/);
      expect(run.code).toBe(0);
      const report = repairReportSchema.parse(expectPublishedJson("repair-v1.schema.json", run.stdout)) as RepairReport;
      expect(report.schema).toBe("lerobot-ts/repair@1");
      expect(report.changed.map((c) => c.check)).toEqual(["data.unreferenced_rows", "videos.edit_list", "stats.missing", "files.unreferenced"]);
      expect(report.before.errors).toBeGreaterThanOrEqual(3);
      expect(report.after.errors).toBe(0);
      expect(fs.existsSync(p(root, "stray.bin"))).toBe(false);
      expect(fs.existsSync(p(root, ".lerobot-ts"))).toBe(false);
      await expectIntact(root);
    });

    it("prints what changed and what it could not fix, and exits 1 while errors remain", async () => {
      const root = copy();
      fs.rmSync(p(root, STATS));
      editInfo(root, (i) => { i.features["observation.images.front"]!.info!["video.codec"] = "av1"; });
      const run = await runCli(["repair", root]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/changed:\n {2}meta\/stats\.json {2}\(stats\.missing\)/);
      expect(run.stdout).toMatch(/could not fix:\n(.*\n)* {2}videos\/observation\.images\.front\/chunk-000\/file-000\.mp4 {2}\(videos\.codec\)/);
      expect(run.stdout).toMatch(/after repair INVALID: 1 error/);
      expect(fs.existsSync(p(root, STATS))).toBe(true);
    });

    it("--dry-run writes nothing and exits by the dataset as it is", async () => {
      const root = copy();
      fs.rmSync(p(root, STATS));
      const before = hashes(root);
      const run = await runCli(["repair", root, "--dry-run"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/dry run: nothing written/);
      expect(run.stdout).toMatch(/would change:\n {2}meta\/stats\.json/);
      expect(hashes(root)).toEqual(before);
    });

    it("resolves a repo id under $HF_LEROBOT_HOME", async () => {
      const home = path.join(dir, "home");
      fs.cpSync(base, path.join(home, "me", "pick"), { recursive: true });
      fs.rmSync(path.join(home, "me", "pick", STATS));
      const run = await runCli(["repair", "me/pick"], { HF_LEROBOT_HOME: home });
      expect(run.code).toBe(0);
      expect(fs.existsSync(path.join(home, "me", "pick", STATS))).toBe(true);
    });

    it("exits 2 with one line when there is no dataset, or a recording holds it", async () => {
      const none = await runCli(["repair", path.join(dir, "nothing-here")]);
      expect(none.code).toBe(2);
      expect(none.stderr.trim().split("\n")).toHaveLength(1);
      expect(none.stderr).toMatch(/no dataset at/);

      const root = copy();
      fs.mkdirSync(p(root, ".lerobot-ts"));
      fs.writeFileSync(p(root, ".lerobot-ts/lock"), `${process.pid}\n`); // this test process: alive
      const before = hashes(root);
      const busy = await runCli(["repair", root]);
      expect(busy.code).toBe(2);
      expect(busy.stderr.trim().split("\n")).toHaveLength(1);
      expect(busy.stderr).toMatch(/another writer/);
      expect(hashes(root)).toEqual(before);

      const usage = await runCli(["repair"]);
      expect(usage.code).toBe(2);
    });

    it("killed at any file operation, leaves no error the dataset did not have, and a rerun finishes the job", { timeout: 180_000 }, async () => {
      const damaged = copy();
      await damageEverything(damaged);
      const errorsOf = async (root: string) => new Set((await verifyDataset(root)).findings.filter((f) => f.severity === "error").map((f) => `${f.check} ${f.file}`));
      const original = await errorsOf(damaged);
      const crashAt = path.join(import.meta.dirname, "..", "helpers", "crash-at.mjs");
      // Every rename (a file replaced) and rm (a file removed, the lock released), just before and just after it.
      const points = [1, 2, 3, 4].flatMap((n) => [`rename:${n}:before`, `rename:${n}:after`]).concat(["rm:1:before", "rm:1:after", "rm:2:before"]);
      let crashed = 0;
      for (const point of points) {
        const root = path.join(dir, `crash-${point.replace(/:/g, "-")}`);
        fs.cpSync(damaged, root, { recursive: true });
        const child = spawn(process.execPath, ["--import", crashAt, BIN, "repair", root, "--remove-unreferenced"], { stdio: "ignore", env: { ...process.env, CRASH_AT: point } });
        const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once("close", (c, s) => resolve([c, s])));
        if (signal === "SIGKILL") crashed++;
        else expect(code, point).toBe(0); // fewer operations than that: it finished
        for (const error of await errorsOf(root)) expect(original, `crash at ${point}`).toContain(error);
        if (point === "rename:2:before") {
          // Half done, with a staged file left: a rerun (the stale lock taken over) finishes the job.
          expect((await runCli(["repair", root, "--remove-unreferenced"])).code).toBe(0);
          await expectIntact(root);
        }
      }
      expect(crashed).toBeGreaterThanOrEqual(8);
    });
  });
});
