/**
 * verify: time `verifyDataset` (no --deep) on a dataset of 1,000 episodes x 300 frames with two
 * cameras (mp4 parsing included), compared with DuckDB scanning the same parquet columns; and
 * verify's peak memory on camera-less datasets of 300,000 and 3,000,000 frames, each verified in
 * a fresh process (`node bench/verify.js --child <root>`), to show memory stays bounded.
 *
 *   node bench/verify.js [--quick]
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { verifyDataset } from "../dist/index.js";
import { fmt, header, line, makeTemp, median, now, parseFlags, removeTemp, summary, verdict } from "./common.js";
import { attachCameras, writeNumericDataset } from "./datasets.js";

const { quick, child } = parseFlags();
const here = path.dirname(fileURLToPath(import.meta.url));
const EPISODE_FRAMES = 300;
const VIDEO_EPISODES = quick ? 100 : 1000;
const MEMORY_FRAMES = quick ? [30_000, 300_000] : [300_000, 3_000_000];
// Long episodes keep the 3M-frame dataset quick to write (each save copies its data file).
const MEMORY_EPISODE_FRAMES = 10_000;
const TARGET_S = 5;
const RUNS = 3;
const CAMERAS = ["observation.images.front", "observation.images.wrist"];

if (child) {
  // One verify in this fresh process; report its time and the process's peak RSS.
  const root = process.argv[process.argv.indexOf("--child") + 1];
  const t0 = now();
  const report = await verifyDataset(root);
  const ms = now() - t0;
  process.stdout.write(JSON.stringify({ ms, errors: report.summary.errors, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

async function duckScan(root) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const sql = `SELECT count(*), min("index"), max("index"), sum(frame_index), sum(episode_index), sum(task_index), max(timestamp),
    min(list_min(action)), max(list_max(action)), min(list_min("observation.state")), max(list_max("observation.state"))
    FROM read_parquet('${root}/data/*/*.parquet')`;
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = now();
    await connection.run(sql);
    times.push(now() - t0);
  }
  connection.closeSync();
  return median(times);
}

function verifyInChild(root) {
  const out = spawnSync(process.execPath, [path.join(here, "verify.js"), "--child", root], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`verify child failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

header(`verify: ${VIDEO_EPISODES} episodes x ${EPISODE_FRAMES} frames, 2 cameras`);
const videoRoot = path.join(makeTemp("verify"), "ds");
let t0 = now();
await writeNumericDataset(videoRoot, { episodes: VIDEO_EPISODES, length: EPISODE_FRAMES });
line("numeric data written in", fmt.ms(now() - t0));
t0 = now();
await attachCameras(videoRoot, CAMERAS);
line("2 mp4s encoded and attached in", fmt.ms(now() - t0));

const warm = [];
let report;
for (let i = 0; i < RUNS; i++) {
  t0 = now();
  report = await verifyDataset(videoRoot);
  warm.push(now() - t0);
}
if (report.summary.errors > 0) throw new Error(`the benchmark dataset is invalid: ${JSON.stringify(report.findings.slice(0, 3))}`);
const cold = verifyInChild(videoRoot);
const warmMs = median(warm);
for (const g of report.groups) if (g.ms !== undefined) line(`  group ${g.group}`, fmt.ms(g.ms));
line("verify, first run in a fresh process", fmt.ms(cold.ms));
line(`verify, median of ${RUNS} runs in one process`, fmt.ms(warmMs));
const duckMs = await duckScan(videoRoot);
const dataMs = report.groups.find((g) => g.group === "data").ms;
line("DuckDB scanning the same data columns (median)", fmt.ms(duckMs));
line("verify (all checks) / DuckDB (data scan only)", fmt.x(warmMs / duckMs));
line("verify's data group / DuckDB", fmt.x(dataMs / duckMs));
removeTemp(path.dirname(videoRoot));

header(`verify memory: camera-less datasets of ${MEMORY_FRAMES.map(fmt.int).join(" and ")} frames`);
const memory = [];
for (const frames of MEMORY_FRAMES) {
  const root = path.join(makeTemp("verify-mem"), "ds");
  t0 = now();
  await writeNumericDataset(root, { episodes: frames / MEMORY_EPISODE_FRAMES, length: MEMORY_EPISODE_FRAMES });
  const written = now() - t0;
  const result = verifyInChild(root);
  if (result.errors > 0) throw new Error("the memory benchmark dataset is invalid");
  memory.push(result);
  line(`${fmt.int(frames)} frames: written in ${fmt.ms(written)}, verified in`, fmt.ms(result.ms));
  line(`${fmt.int(frames)} frames: verify peak RSS`, fmt.mb(result.maxRssBytes));
  removeTemp(path.dirname(root));
}
const memoryRatio = memory[1].maxRssBytes / memory[0].maxRssBytes;
line("peak RSS ratio (10x the frames)", fmt.x(memoryRatio));

summary("verify", [
  [`verify ${VIDEO_EPISODES} eps x ${EPISODE_FRAMES} frames, 2 cams (fresh process)`, fmt.ms(cold.ms), `< ${TARGET_S} s`, verdict(cold.ms < TARGET_S * 1000)],
  [`verify, warm`, fmt.ms(warmMs), "", ""],
  ["verify / DuckDB data scan", fmt.x(warmMs / duckMs), "", ""],
  [`peak RSS, ${fmt.int(MEMORY_FRAMES[0])} frames`, fmt.mb(memory[0].maxRssBytes), "", ""],
  [`peak RSS, ${fmt.int(MEMORY_FRAMES[1])} frames`, fmt.mb(memory[1].maxRssBytes), "", ""],
  ["peak RSS ratio (10x frames)", fmt.x(memoryRatio), "< 10x", verdict(memoryRatio < 10)],
]);
