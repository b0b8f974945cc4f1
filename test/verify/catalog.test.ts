/**
 * The corruption suite: a valid dataset written by DatasetWriter, damaged in one way at a time,
 * must be reported with the expected check id by the built CLI, exit 1 (never 2, never a crash),
 * and print a report that validates against the published schema.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticDataset } from "../../src/dataset/synthetic.js";
import { CHECKS } from "../../src/verify/catalog.js";
import type { CheckId } from "../../src/verify/catalog.js";
import { verifyReportSchema } from "../../src/verify/report.js";
import type { VerifyReport } from "../../src/verify/report.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { DATA_FILE, EPISODES_FILE, editEpisodes, editInfo, editJson, mapNumeric, pickRows, rewriteParquet, shortenEditList, truncate, withColumn } from "../helpers/corrupt.js";
import { reencodeVideo } from "../helpers/reencode.js";
import { tempDir } from "../helpers/synthetic.js";

const bin = path.join(import.meta.dirname, "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("verify-corruptions: skipped, dist/ is missing (npm test builds it; run `npm run build`)");

const FRONT = "videos/observation.images.front/chunk-000/file-000.mp4";
const STATS = "meta/stats.json";
const TASKS = "meta/tasks.parquet";
const EPISODE_FRAMES = 100;
const UNPRIVILEGED_UID = 65534;

interface Corruption {
  name: string;
  expect: CheckId;
  apply: (root: string) => void | Promise<void>;
  args?: string[];
  /** Run the CLI as an unprivileged user (permission tests when the suite runs as root). */
  unprivileged?: boolean;
}

const p = (root: string, rel: string) => path.join(root, rel);

const CORRUPTIONS: Corruption[] = [
  // meta/info.json
  { name: "info.json deleted", expect: "info.missing", apply: (r) => fs.rmSync(p(r, "meta/info.json")) },
  { name: "info.json is a directory", expect: "info.unreadable", apply: (r) => { fs.rmSync(p(r, "meta/info.json")); fs.mkdirSync(p(r, "meta/info.json")); } },
  { name: "info.json cut short", expect: "info.json", apply: (r) => truncate(p(r, "meta/info.json"), 200) },
  { name: "a v2.1 dataset", expect: "info.version", apply: (r) => editInfo(r, (i) => { i.codebase_version = "v2.1"; }) },
  { name: "fps is a string", expect: "info.schema", apply: (r) => editInfo(r, (i) => { (i as Record<string, unknown>).fps = "30"; }) },
  { name: "data_path escapes the folder", expect: "info.path_template", apply: (r) => editInfo(r, (i) => { i.data_path = "../../../etc/{chunk_index}/{file_index}.parquet"; }) },
  { name: "video_path is absolute", expect: "info.path_template", apply: (r) => editInfo(r, (i) => { i.video_path = "/tmp/{video_key}/{chunk_index}/{file_index}.mp4"; }) },
  { name: "frame_index feature missing", expect: "info.features", apply: (r) => editInfo(r, (i) => { delete i.features.frame_index; }) },
  { name: "camera fps differs from the dataset's", expect: "info.fps", apply: (r) => editInfo(r, (i) => { i.features["observation.images.front"]!.info!["video.fps"] = 15; }) },
  { name: "total_episodes off by one", expect: "info.total_episodes", apply: (r) => editInfo(r, (i) => { i.total_episodes += 1; }) },
  { name: "total_frames off by one", expect: "info.total_frames", apply: (r) => editInfo(r, (i) => { i.total_frames -= 1; }) },
  { name: "total_tasks off by one", expect: "info.total_tasks", apply: (r) => editInfo(r, (i) => { i.total_tasks = 2; }) },
  { name: "split past the episodes", expect: "info.splits", apply: (r) => editInfo(r, (i) => { i.splits = { train: "0:9" }; }) },

  // meta/tasks.parquet
  { name: "tasks.parquet deleted", expect: "tasks.missing", apply: (r) => fs.rmSync(p(r, TASKS)) },
  { name: "tasks.parquet without footer", expect: "tasks.no_footer", apply: (r) => truncate(p(r, TASKS), -8) },
  { name: "tasks.parquet without pandas index", expect: "tasks.schema", apply: (r) => rewriteParquet(p(r, TASKS), (t) => t, { keepMetadata: false }) },
  { name: "task_index not 0..n-1", expect: "tasks.index", apply: (r) => rewriteParquet(p(r, TASKS), (t) => withColumn(t, "task_index", arrow.vectorFromArray([7n], new arrow.Int64()))) },
  { name: "duplicate task text", expect: "tasks.duplicate", apply: (r) => rewriteParquet(p(r, TASKS), (t) => pickRows(t, [0, 0]).select(["task_index", "task"])) },
  { name: "episode names an unknown task", expect: "tasks.unknown", apply: (r) => editEpisodes(r, (e) => { e[1]!.tasks = ["fly to the moon"]; }) },

  // meta/episodes
  { name: "meta/episodes deleted", expect: "episodes.missing", apply: (r) => fs.rmSync(p(r, "meta/episodes"), { recursive: true }) },
  { name: "episodes parquet without footer", expect: "episodes.no_footer", apply: (r) => truncate(p(r, EPISODES_FILE), -100) },
  { name: "episodes lack the length column", expect: "episodes.columns", apply: (r) => editEpisodes(r, () => {}, (t) => withColumn(t, "length", undefined)) },
  { name: "episodes out of order", expect: "episodes.order", apply: (r) => editEpisodes(r, (e) => { [e[1], e[2]] = [e[2]!, e[1]!]; }) },
  { name: "episode index ranges not contiguous", expect: "episodes.contiguous", apply: (r) => editEpisodes(r, (e) => { e[2]!.datasetFromIndex += 1; }) },
  { name: "episode length disagrees with its range", expect: "episodes.length", apply: (r) => editEpisodes(r, (e) => { e[1]!.length += 1; }) },
  { name: "episode with no task", expect: "episodes.tasks", apply: (r) => editEpisodes(r, (e) => { e[0]!.tasks = []; }) },
  { name: "episode row points at another metadata file", expect: "episodes.meta_location", apply: (r) => editEpisodes(r, (e) => { e[3]!.metaFileIndex = 4; }) },

  // data parquet
  { name: "data file deleted", expect: "data.missing_file", apply: (r) => fs.rmSync(p(r, DATA_FILE)) },
  { name: "data file without footer (crashed recording)", expect: "data.no_footer", apply: (r) => truncate(p(r, DATA_FILE), -8) },
  { name: "data file of zero bytes", expect: "data.unreadable", apply: (r) => fs.writeFileSync(p(r, DATA_FILE), "") },
  { name: "data file is a directory", expect: "data.unreadable", apply: (r) => { fs.rmSync(p(r, DATA_FILE)); fs.mkdirSync(p(r, DATA_FILE)); } },
  { name: "data file not readable", expect: "data.unreadable", unprivileged: true, apply: (r) => fs.chmodSync(p(r, DATA_FILE), 0o000) },
  { name: "action column as float64", expect: "data.schema", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => {
    const v = t.getChild("action")!;
    const values = Float64Array.from(Array.from({ length: t.numRows * 6 }, (_, i) => Number((v.get(Math.floor(i / 6)) as arrow.Vector).get(i % 6))));
    return withColumn(t, "action", arrow.makeVector(arrow.makeData({ type: new arrow.FixedSizeList(6, new arrow.Field("item", new arrow.Float64(), true)), length: t.numRows, child: arrow.makeData({ type: new arrow.Float64(), length: values.length, data: values }) })));
  }) },
  { name: "observation.state column missing", expect: "data.schema", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => withColumn(t, "observation.state", undefined)) },
  { name: "a video stored as a data column", expect: "data.video_column", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => withColumn(t, "observation.images.front", t.getChild("index")!)) },
  { name: "an undeclared column", expect: "data.extra_column", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => withColumn(t, "debug.latency", t.getChild("timestamp")!)) },
  { name: "nulls in a feature column", expect: "data.nulls", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => withColumn(t, "observation.state", arrow.vectorFromArray(Array.from({ length: t.numRows }, (_, i) => (i === 5 ? null : Array.from(t.getChild("observation.state")!.get(i) as arrow.Vector))), t.getChild("observation.state")!.type))) },
  { name: "index gap", expect: "data.index", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "index", (v) => { for (let i = 150; i < v.length; i++) (v as BigInt64Array)[i]! += 1n; })) },
  { name: "duplicated frame", expect: "data.episode_rows", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => pickRows(t, [...Array.from({ length: 31 }, (_, i) => i), 30, ...Array.from({ length: t.numRows - 31 }, (_, i) => i + 31)])) },
  { name: "rows of one episode split apart", expect: "data.episode_rows", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "episode_index", (v) => { (v as BigInt64Array)[150] = 0n; })) },
  { name: "rows past the last episode (crash while saving)", expect: "data.unreferenced_rows", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => {
    const extra = mapNumeric(mapNumeric(pickRows(t, Array.from({ length: 20 }, (_, i) => i)), "episode_index", (v) => (v as BigInt64Array).fill(4n)), "index", (v) => { for (let i = 0; i < v.length; i++) (v as BigInt64Array)[i] = BigInt(4 * EPISODE_FRAMES + i); });
    return t.concat(extra);
  }) },
  { name: "frame_index restarts mid-episode", expect: "data.frame_index", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "frame_index", (v) => { (v as BigInt64Array)[120] = 0n; })) },
  { name: "timestamp jitter of 3 ms", expect: "data.timestamp", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "timestamp", (v) => { (v as Float32Array)[140]! += 0.003; })) },
  { name: "a dropped frame in time", expect: "data.timestamp_gap", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "timestamp", (v) => { for (let i = 250; i < 300; i++) (v as Float32Array)[i]! += 1 / 30; })) },
  { name: "a repeated timestamp", expect: "data.timestamp_repeat", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "timestamp", (v) => { (v as Float32Array)[260] = (v as Float32Array)[259]!; })) },
  { name: "NaN in action", expect: "data.non_finite", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "action", (v) => { (v as Float32Array)[6 * 42 + 3] = NaN; })) },
  { name: "task_index not in tasks.parquet", expect: "data.task_index", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "task_index", (v) => { for (let i = 100; i < 200; i++) (v as BigInt64Array)[i] = 3n; })) },

  // videos
  { name: "mp4 deleted", expect: "videos.missing_file", apply: (r) => fs.rmSync(p(r, FRONT)) },
  { name: "mp4 of zero bytes", expect: "videos.unreadable", apply: (r) => fs.writeFileSync(p(r, FRONT), "") },
  { name: "mp4 cut in half", expect: "videos.unreadable", apply: (r) => truncate(p(r, FRONT), Math.floor(fs.statSync(p(r, FRONT)).size / 2)) },
  { name: "mp4 is a directory", expect: "videos.unreadable", apply: (r) => { fs.rmSync(p(r, FRONT)); fs.mkdirSync(p(r, FRONT)); } },
  { name: "codec not the declared one", expect: "videos.codec", apply: (r) => editInfo(r, (i) => { i.features["observation.images.front"]!.info!["video.codec"] = "av1"; }) },
  { name: "size not the declared one", expect: "videos.size", apply: (r) => editInfo(r, (i) => {
    const f = i.features["observation.images.front"]!;
    f.shape = [96, 128, 3];
    f.info!["video.height"] = 96;
    f.info!["video.width"] = 128;
  }) },
  { name: "mp4 at another frame rate", expect: "videos.fps", apply: (r) => reencodeVideo(r, FRONT, ["-r", "25"]) },
  { name: "edit list hiding the last frames", expect: "videos.edit_list", apply: (r) => {
    shortenEditList(p(r, FRONT));
  } },
  { name: "mp4 with 5 frames fewer", expect: "videos.frame_count", apply: (r) => reencodeVideo(r, FRONT, ["-frames:v", String(4 * EPISODE_FRAMES - 5)]) },
  { name: "from/to timestamps shifted half a frame", expect: "videos.from_timestamp", apply: (r) => editEpisodes(r, (e) => {
    const v = e[2]!.videos["observation.images.front"]!;
    v.fromTimestampS += 0.5 / 30;
    v.toTimestampS += 0.5 / 30;
  }) },
  { name: "episodes overlap in the mp4", expect: "videos.overlap", apply: (r) => editEpisodes(r, (e) => {
    const v = e[1]!.videos["observation.images.front"]!;
    v.fromTimestampS -= 1 / 30;
    v.toTimestampS -= 1 / 30;
  }) },
  { name: "to_timestamp past the end of the file", expect: "videos.past_end", apply: (r) => editEpisodes(r, (e) => { e[3]!.videos["observation.images.front"]!.toTimestampS += 1; }) },
  { name: "to - from disagrees with length", expect: "videos.duration", apply: (r) => editEpisodes(r, (e) => { e[0]!.videos["observation.images.front"]!.toTimestampS -= 0.01; }) },
  { name: "frames between episodes", expect: "videos.gap", apply: async (r) => {
    await reencodeVideo(r, FRONT, ["-vf", "tpad=stop=10:stop_mode=clone"]);
    await editEpisodes(r, (e) => {
      const v = e[3]!.videos["observation.images.front"]!;
      v.fromTimestampS += 10 / 30;
      v.toTimestampS += 10 / 30;
    });
  } },
  { name: "frames after the last episode", expect: "videos.unreferenced_tail", apply: (r) => reencodeVideo(r, FRONT, ["-vf", "tpad=stop=10:stop_mode=clone"]) },

  // stats
  { name: "stats.json deleted", expect: "stats.missing", apply: (r) => fs.rmSync(p(r, STATS)) },
  { name: "stats.json cut short", expect: "stats.unreadable", apply: (r) => truncate(p(r, STATS), 100) },
  { name: "NaN in stats", expect: "stats.non_finite", apply: (r) => fs.writeFileSync(p(r, STATS), fs.readFileSync(p(r, STATS), "utf8").replace(/("mean": \[\s*)(-?[0-9.e+-]+)/, "$1NaN")) },
  { name: "a feature without stats", expect: "stats.feature_missing", apply: (r) => editJson(p(r, STATS), (s) => { delete s.action; }) },
  { name: "stats of the wrong width", expect: "stats.shape", apply: (r) => editJson(p(r, STATS), (s) => { (s.action as Record<string, number[]>).min!.pop(); }) },
  { name: "stats with min above max", expect: "stats.order", apply: (r) => editJson(p(r, STATS), (s) => { (s.action as Record<string, number[]>).min![0] = 1e6; }) },
  { name: "camera stats on a 0..255 scale", expect: "stats.image_range", apply: (r) => editJson(p(r, STATS), (s) => {
    const cam = s["observation.images.front"] as Record<string, number[][][]>;
    for (const k of ["min", "max", "mean", "q01", "q10", "q50", "q90", "q99"]) cam[k] = cam[k]!.map((c) => [[c[0]![0]! * 255]]);
  }) },
  { name: "stats count off", expect: "stats.count", apply: (r) => editJson(p(r, STATS), (s) => { (s.action as Record<string, number[]>).count = [7]; }) },
  { name: "stats.json stale against episode stats", expect: "stats.episode_mismatch", apply: (r) => editJson(p(r, STATS), (s) => { (s.action as Record<string, number[]>).mean![2]! += 0.5; }) },
  { name: "episode stats disagree with its data", expect: "stats.episode_data", apply: (r) => editEpisodes(r, (e) => { (e[1]!.stats.action!.min as number[])[0]! -= 5; }) },
  { name: "episodes without stats columns", expect: "stats.episode_missing", apply: (r) => editEpisodes(r, () => {}, (t) => t.select(t.schema.fields.map((f) => f.name).filter((n) => !n.startsWith("stats/action/")))) },

  // files
  { name: "a data file nothing refers to", expect: "files.unreferenced", apply: (r) => fs.copyFileSync(p(r, DATA_FILE), p(r, "data/chunk-000/file-001.parquet")) },
  { name: "frames left from an unfinished LeRobot recording", expect: "files.leftover_images", apply: (r) => {
    fs.mkdirSync(p(r, "images/observation.images.front/episode-000004"), { recursive: true });
    fs.writeFileSync(p(r, "images/observation.images.front/episode-000004/frame-000000.png"), "");
  } },

  // data quality
  { name: "a one-frame action spike", expect: "quality.action_jump", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "action", (v) => { (v as Float32Array)[6 * 160 + 1]! += 500; })) },
  { name: "gripper clipped at its calibration bound", expect: "quality.clipping", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "observation.state", (v) => { for (let i = 200; i < 240; i++) (v as Float32Array)[6 * i + 5] = 100; })) },
  { name: "a joint that never moves", expect: "quality.static_joint", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "action", (v) => { for (let i = 0; i < t.numRows; i++) (v as Float32Array)[6 * i + 4] = 12 + 0.1 * Math.sin(i); })) },
  { name: "a constant dimension", expect: "quality.zero_variance", apply: (r) => rewriteParquet(p(r, DATA_FILE), (t) => mapNumeric(t, "observation.state", (v) => { for (let i = 0; i < t.numRows; i++) (v as Float32Array)[6 * i + 3] = 7; })) },

  // --deep
  { name: "damaged video bitstream (--deep)", expect: "deep.decode_error", args: ["--deep"], apply: (r) => {
    const file = p(r, FRONT);
    const bytes = fs.readFileSync(file);
    for (let i = Math.floor(bytes.length * 0.3); i < Math.floor(bytes.length * 0.3) + 4000; i++) bytes[i] = (i * 131) & 0xff;
    fs.writeFileSync(file, bytes);
  } },
  { name: "pixel format not the declared one (--deep)", expect: "deep.pix_fmt", args: ["--deep"], apply: (r) => editInfo(r, (i) => { i.features["observation.images.front"]!.info!["video.pix_fmt"] = "yuv444p"; }) },
];

interface CliResult { status: number | null; stdout: string; stderr: string }

function runCli(args: string[], options: { uid?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"], ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const isRoot = process.getuid?.() === 0;

describe.skipIf(!built)("verify: the corruption suite", () => {
  const dir = tempDir("lerobot-ts-verify-");
  const base = path.join(dir, "base");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    await writeSyntheticDataset({ root: base, episodes: 4, frames: EPISODE_FRAMES, cameras: ["front", "wrist"], width: 64, height: 48 });
  }, 120_000);

  it("has at least 40 distinct corruptions, each named once", () => {
    expect(CORRUPTIONS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CORRUPTIONS.map((c) => c.name)).size).toBe(CORRUPTIONS.length);
  });

  it("passes the undamaged dataset with no findings at all, --deep included", async () => {
    const report = await verifyDataset(base, { deep: true });
    expect(report.findings).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.groups.every((g) => g.status === "pass")).toBe(true);
  });

  // Each case is its own copy and its own CLI process: run them side by side.
  it.concurrent.for(CORRUPTIONS.map((c) => [c.name, c] as const))("%s", { timeout: 60_000 }, async ([, corruption], { expect }) => {
    const root = path.join(dir, corruption.name.replace(/[^a-z0-9]+/gi, "-"));
    fs.cpSync(base, root, { recursive: true });
    await corruption.apply(root);
    let uid: number | undefined;
    if (corruption.unprivileged) {
      if (isRoot) {
        // root reads anything: run the CLI as nobody, who may read everything but the damaged file.
        for (const d of [dir, root]) fs.chmodSync(d, 0o755);
        uid = UNPRIVILEGED_UID;
      }
    }
    // A warning fails the dataset only with --strict.
    const strict = CHECKS[corruption.expect].severity === "warning" ? ["--strict"] : [];
    const result = await runCli(["verify", root, "--json", ...strict, ...(corruption.args ?? [])], uid !== undefined ? { uid } : {});
    expect(result.stderr, "no crash, no usage error").toBe("");
    expect(result.status).toBe(1);
    const report = verifyReportSchema.parse(JSON.parse(result.stdout)) as VerifyReport;
    expect(Object.keys(report.countsByCheck), JSON.stringify(report.findings.map((f) => f.message))).toContain(corruption.expect);
    const finding = report.findings.find((f) => f.check === corruption.expect)!;
    expect(finding.message.length).toBeGreaterThan(10);
    expect(finding.message).not.toMatch(/\n/);
    expect(report.valid).toBe(false);
  });
});
