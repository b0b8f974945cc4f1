/**
 * record: tick timing of the record loop from the first tick, per episode, for short and long
 * takes, with two synthetic 640x480 cameras and simulated arms at 30 fps:
 *   - episodes of 5, 10 and 60 s through the record process and ThreadedDatasetWriter (the
 *     writer on its own thread, as `lerobot-ts record` runs it);
 *   - the 10 s run again with DatasetWriter on the main thread, for the ratio;
 *   - the README's main job itself (`lerobot-ts record`, 2 x 10 s), read from its summary lines.
 * Per episode: overruns and tick start lateness over the take and over its first second.
 * Targets (2 cores): every episode p99 <= 3 ms (take and first second), zero overruns, zero
 * late frames, no pause for saving.
 *
 *   node bench/record.js [--quick]     (--quick: 5 and 10 s only, 2 episodes each)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DatasetWriter, ThreadedDatasetWriter, openCamera, record, recordFeatures, verifyDataset } from "../dist/index.js";
import { fmt, header, line, makeTemp, summary, verdict, parseFlags } from "./common.js";

const { quick } = parseFlags();
const FPS = 30;
const RESET_S = 2;
const CAMERAS = { front: { type: "synthetic", width: 640, height: 480, fps: FPS }, wrist: { type: "synthetic", width: 640, height: 480, fps: FPS } };
const RUNS = quick
  ? [{ episodeS: 5, episodes: 2 }, { episodeS: 10, episodes: 2 }]
  : [{ episodeS: 5, episodes: 3 }, { episodeS: 10, episodes: 3 }, { episodeS: 60, episodes: 2 }];
const here = path.dirname(fileURLToPath(import.meta.url));

/** CPU seconds of this process's reaped children (ffmpeg), from /proc (Linux). */
function childrenCpuS() {
  try {
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of stat, in USER_HZ (100 on Linux)
  } catch {
    return NaN;
  }
}

/** One recording through the library; returns its per-episode timing and run figures. */
async function recordRun({ episodeS, episodes, threaded }) {
  const Writer = threaded ? ThreadedDatasetWriter : DatasetWriter;
  header(`record: ${episodes} x ${episodeS} s, writer ${threaded ? "on its own thread" : "on the main thread"}`);
  const root = path.join(makeTemp("record"), "ds");
  const writer = await Writer.create({ root, repoId: "bench/record", fps: FPS, robotType: "so101_follower", features: recordFeatures(CAMERAS) });
  const cpu0 = process.cpuUsage();
  const children0 = childrenCpuS();
  const wall0 = performance.now();
  const job = await record({
    robot: { type: "so101_follower", port: "sim" },
    teleop: { type: "so101_leader", port: "sim" },
    cameras: Object.fromEntries(Object.entries(CAMERAS).map(([n, c]) => [n, openCamera(n, c)])),
    dataset: { fps: FPS, singleTask: "pick the cube", episodeTimeS: episodeS, resetTimeS: RESET_S, numEpisodes: episodes },
    sink: writer,
  });
  job.start();
  const result = await job.result;
  const wallS = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const report = await verifyDataset(root);
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
  line("CPU: this process (share of one core) / ffmpeg children", `${((cpu.user + cpu.system) / 1e4 / wallS).toFixed(0)}% / ${(((childrenCpuS() - children0) / wallS) * 100).toFixed(0)}%`);
  line("run: overruns, tick lateness p99 / max (resets included)", `${result.overruns}, ${fmt.ms(result.latenessMs.p99)} / ${fmt.ms(result.latenessMs.max)}`);
  line("late frames", JSON.stringify(result.lateFrames));
  line("pause for saving between episodes (max)", fmt.ms(Math.max(0, ...result.savePausesMs.slice(0, -1))));
  line("verify", report.valid ? "valid" : `INVALID ${JSON.stringify(report.findings.slice(0, 2))}`);
  printEpisodes(result.episodes);
  return { label: `${episodes} x ${episodeS} s${threaded ? "" : ", main-thread writer"}`, episodes: result.episodes, result, valid: report.valid };
}

function printEpisodes(episodes) {
  for (const e of episodes) {
    line(`episode ${e.episode}: overruns, lateness p99 / max, first second p99 / max`,
      `${e.overruns}, ${fmt.ms(e.latenessMs.p99)} / ${fmt.ms(e.latenessMs.max)}, ${fmt.ms(e.firstSecondLatenessMs.p99)} / ${fmt.ms(e.firstSecondLatenessMs.max)}`);
  }
}

/** The README's main job through the CLI, its per-episode summary lines parsed. */
async function cliRun() {
  header("record: the README main job (`lerobot-ts record`, 2 x 10 s, 2 synthetic 640x480 cameras)");
  const dir = makeTemp("record-cli");
  const args = [path.join(here, "..", "bin", "lerobot-ts.js"), "record", "--robot.type=so101_follower", "--robot.port=sim", "--robot.cameras=synthetic",
    "--teleop.type=so101_leader", "--teleop.port=sim", "--dataset.repo_id=demo/sim_pick", "--dataset.single_task=Pick the cube",
    "--dataset.num_episodes=2", "--dataset.episode_time_s=10", "--dataset.reset_time_s=3", "--dataset.push_to_hub=false", `--dataset.root=${path.join(dir, "sim_pick")}`];
  const out = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d) => { text += d; });
    child.stderr.on("data", (d) => { text += d; });
    child.on("close", () => resolve(text));
  });
  fs.rmSync(dir, { recursive: true, force: true });
  const num = (s) => Number(s);
  const episodes = [...out.matchAll(/episode (\d+): (\d+) frames, overruns (\d+), tick lateness p99 ([\d.]+) ms, max ([\d.]+) ms; first second p99 ([\d.]+) ms, max ([\d.]+) ms/g)]
    .map((m) => ({ episode: num(m[1]), frames: num(m[2]), overruns: num(m[3]), latenessMs: { p99: num(m[4]), max: num(m[5]) }, firstSecondLatenessMs: { p99: num(m[6]), max: num(m[7]) } }));
  const valid = /verify: VALID/.test(out);
  if (episodes.length === 0) line("output", out.trim().split("\n").slice(-3).join(" | "));
  printEpisodes(episodes);
  line("verify", valid ? "valid" : "INVALID");
  return { label: "README main job (CLI), 2 x 10 s", episodes, valid };
}

const runs = [];
for (const run of RUNS) runs.push(await recordRun({ ...run, threaded: true }));
const mainThread = await recordRun({ ...RUNS[quick ? 0 : 1], threaded: false });
runs.push(await cliRun());

/** An episode meets the target: no overrun, p99 of the take and of its first second <= 3 ms. */
const worstOf = (episodes) => Math.max(0, ...episodes.map((e) => Math.max(e.latenessMs.p99, e.firstSecondLatenessMs.p99)));
const overrunsOf = (episodes) => episodes.reduce((n, e) => n + e.overruns, 0);
const rows = runs.map((r) => {
  const worst = worstOf(r.episodes);
  const overruns = overrunsOf(r.episodes);
  return [`${r.label}: worst episode p99 (take or first second), overruns`, `${fmt.ms(worst)}, ${overruns}`, "<= 3 ms, 0",
    verdict(r.episodes.length > 0 && worst <= 3 && overruns === 0 && r.valid)];
});
const threaded10 = runs[quick ? 0 : 1];
// The main-thread writer's cost shows in the resets, where its saves run: compare the run's max.
rows.push([`main-thread writer (${mainThread.label}): worst episode p99, overruns; run max (resets included)`,
  `${fmt.ms(worstOf(mainThread.episodes))}, ${overrunsOf(mainThread.episodes)}; ${fmt.ms(mainThread.result.latenessMs.max)}`, "(reference)",
  `run max x${(mainThread.result.latenessMs.max / Math.max(0.01, threaded10.result.latenessMs.max)).toFixed(1)} the threaded writer's`]);
const lateTotal = runs.filter((r) => r.result).reduce((n, r) => n + Object.values(r.result.lateFrames).reduce((a, b) => a + b, 0), 0);
rows.push(["late frames (all library runs)", String(lateTotal), "0", verdict(lateTotal === 0)]);
summary("record", rows);
