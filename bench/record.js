/**
 * record: 60 s of recording at 30 fps (3 episodes of 20 s, 3 s resets) with two synthetic 640x480
 * cameras and simulated arms, through the record process and DatasetWriter, as `lerobot-ts record`
 * runs it. Reports tick start jitter, period jitter, overruns, late frames per camera, CPU use
 * (Node and the ffmpeg children) and the pause between episodes caused by saving.
 * Targets (2 cores): p99 jitter <= 3 ms, zero overruns, zero late frames, save pause <= 1 s.
 *
 *   node bench/record.js [--quick]
 */
import fs from "node:fs";
import path from "node:path";
import { DatasetWriter, openCamera, record, recordFeatures, verifyDataset } from "../dist/index.js";
import { fmt, header, line, makeTemp, percentile, summary, verdict, parseFlags } from "./common.js";

const { quick } = parseFlags();
const FPS = 30;
const EPISODES = quick ? 2 : 3;
const EPISODE_S = quick ? 5 : 20;
const RESET_S = quick ? 1 : 3;
const CAMERAS = { front: { type: "synthetic", width: 640, height: 480, fps: FPS }, wrist: { type: "synthetic", width: 640, height: 480, fps: FPS } };

/** CPU seconds of this process's reaped children (ffmpeg), from /proc (Linux). */
function childrenCpuS() {
  try {
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of stat, in USER_HZ (100 on Linux)
  } catch {
    return NaN;
  }
}

header(`record: ${EPISODES} x ${EPISODE_S} s at ${FPS} fps, 2 synthetic 640x480 cameras, simulated arms`);
const root = path.join(makeTemp("record"), "ds");
const writer = await DatasetWriter.create({ root, repoId: "bench/record", fps: FPS, robotType: "so101_follower", features: recordFeatures(CAMERAS) });
const starts = [];
const lateness = [];
const cpu0 = process.cpuUsage();
const children0 = childrenCpuS();
const wall0 = performance.now();
const job = await record({
  robot: { type: "so101_follower", port: "sim" },
  teleop: { type: "so101_leader", port: "sim" },
  cameras: Object.fromEntries(Object.entries(CAMERAS).map(([n, c]) => [n, openCamera(n, c)])),
  dataset: { fps: FPS, singleTask: "pick the cube", episodeTimeS: EPISODE_S, resetTimeS: RESET_S, numEpisodes: EPISODES },
  sink: writer,
  onTick: (t) => {
    starts.push(t.startedAtMs);
    lateness.push(t.lateMs);
  },
});
job.start();
const result = await job.result;
const wallS = (performance.now() - wall0) / 1000;
const cpu = process.cpuUsage(cpu0);
const nodeCpu = (cpu.user + cpu.system) / 1e6 / wallS;
const ffmpegCpu = (childrenCpuS() - children0) / wallS;
// Period jitter: how far each tick's start is from one period after the previous tick's start.
const periods = [];
for (let i = 1; i < starts.length; i++) periods.push(Math.abs(starts[i] - starts[i - 1] - 1000 / FPS));
const pauses = result.savePausesMs.slice(0, -1);
const report = await verifyDataset(root);

line("ticks", fmt.int(starts.length));
line("frames saved", fmt.int(result.framesSaved));
line("tick start lateness p50 / p99", `${fmt.ms(percentile(lateness, 50))} / ${fmt.ms(percentile(lateness, 99))}`);
line("tick period jitter p50 / p99", `${fmt.ms(percentile(periods, 50))} / ${fmt.ms(percentile(periods, 99))}`);
line("overruns", result.overruns);
line("late frames", JSON.stringify(result.lateFrames));
line("CPU: Node process (share of one core)", `${(nodeCpu * 100).toFixed(0)}%`);
line("CPU: ffmpeg children (cameras + encoders)", `${(ffmpegCpu * 100).toFixed(0)}%`);
line("pause between episodes for saving", pauses.map((p) => fmt.ms(p)).join(", "));
line("save of the last episode", fmt.ms(result.savePausesMs.at(-1)));
line("verify", report.valid ? "valid" : `INVALID ${JSON.stringify(report.findings.slice(0, 2))}`);
// Per episode, first second apart: a short take's start-up cost hides in a long run's p99.
for (const e of result.episodes) {
  line(`episode ${e.episode}: overruns, lateness p99 / max, first second p99 / max`,
    `${e.overruns}, ${fmt.ms(e.latenessMs.p99)} / ${fmt.ms(e.latenessMs.max)}, ${fmt.ms(e.firstSecondLatenessMs.p99)} / ${fmt.ms(e.firstSecondLatenessMs.max)}`);
}
const worstEpisodeP99 = Math.max(0, ...result.episodes.map((e) => Math.max(e.latenessMs.p99, e.firstSecondLatenessMs.p99)));

const p99 = Math.max(percentile(lateness, 99), percentile(periods, 99));
const lateTotal = Object.values(result.lateFrames).reduce((a, b) => a + b, 0);
summary("record", [
  ["tick jitter p99 (start lateness / period)", `${fmt.ms(percentile(lateness, 99))} / ${fmt.ms(percentile(periods, 99))}`, "<= 3 ms", verdict(p99 <= 3)],
  ["worst episode p99 (whole take or its first second)", fmt.ms(worstEpisodeP99), "<= 3 ms", verdict(worstEpisodeP99 <= 3)],
  ["overruns", String(result.overruns), "0", verdict(result.overruns === 0)],
  ["late frames (front, wrist)", `${result.lateFrames.front}, ${result.lateFrames.wrist}`, "0", verdict(lateTotal === 0)],
  ["CPU node / ffmpeg children", `${(nodeCpu * 100).toFixed(0)}% / ${(ffmpegCpu * 100).toFixed(0)}%`, "", ""],
  ["save pause between episodes (max)", pauses.length ? fmt.ms(Math.max(...pauses)) : "n/a", "<= 1 s", verdict(pauses.every((p) => p <= 1000))],
  ["dataset verifies", report.valid ? "yes" : "no", "yes", verdict(report.valid)],
]);
