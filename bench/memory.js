/**
 * memory: peak memory while recording one long 2-camera 640x480 30 fps episode with the default
 * codec (10 minutes = 18,000 frames; 1 minute with --quick). The recording runs in a child
 * process (`node bench/memory.js --child`) so nothing else lives in the measured heap.
 *
 *   node bench/memory.js [--quick]
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  JOINTS, fillJoints, fmt, header, line, makeCameraFrames, makeTemp, now, parseFlags, printTable, removeTemp, summary, verdict,
} from "./common.js";

const { quick, child } = parseFlags();
const WIDTH = 640;
const HEIGHT = 480;
const FPS = 30;
const MINUTES = quick ? 1 : 10;
const FRAMES = MINUTES * 60 * FPS;
const SAMPLE_MS = 50;
const TARGET_MB = 400;
const MB = 1024 * 1024;
const CAMERAS = ["observation.images.front", "observation.images.wrist"];

/** kB value of a field of /proc/<pid>/status, in bytes; undefined when unreadable. */
function procStatus(pid, field) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Direct children of a process (the ffmpeg encoders of the child). */
function childPids(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

// ---- the measured process --------------------------------------------------------------------

async function runChild() {
  const { DatasetWriter, openDataset } = await import("../dist/index.js");
  const root = process.env.BENCH_MEMORY_ROOT;
  const frames = CAMERAS.map((_, c) => makeCameraFrames(WIDTH, HEIGHT, 30, c));
  const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  let phasePeak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]);
    phasePeak = Math.max(phasePeak, m.rss);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  sample();
  const baseline = process.memoryUsage();

  const writer = await DatasetWriter.create({
    root, repoId: "bench/memory", fps: FPS, robotType: "so101_follower",
    features: {
      action: { dtype: "float32", shape: [6], names: JOINTS },
      "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
      ...Object.fromEntries(CAMERAS.map((k) => [k, { dtype: "video", shape: [HEIGHT, WIDTH, 3] }])),
    },
  });
  const action = new Float32Array(6);
  const state = new Float32Array(6);
  const timeline = [];
  const t0 = now();
  for (let k = 0; k < FRAMES; k++) {
    const frame = { task: "Pick the cube", action: fillJoints(action, 0, k), "observation.state": fillJoints(state, 0, k, 1) };
    CAMERAS.forEach((key, c) => { frame[key] = frames[c][k % 30]; });
    await writer.addFrame(frame);
    if ((k + 1) % (FRAMES / 10) === 0) timeline.push({ frame: k + 1, rss: process.memoryUsage().rss });
  }
  const loopMs = now() - t0;
  sample();
  const loopPeak = phasePeak;
  phasePeak = 0;
  const t1 = now();
  await writer.saveEpisode();
  const saveMs = now() - t1;
  await writer.finalize();
  sample();
  const savePeak = phasePeak;
  clearInterval(timer);
  const ds = await openDataset(root);
  const result = {
    frames: ds.numFrames, framesBytes: frames.flat().reduce((n, f) => n + f.byteLength, 0), loopMs, saveMs, baseline, peak, loopPeak, savePeak, timeline,
    hwm: procStatus("self", "VmHWM"), pid: process.pid,
  };
  process.send(result, () => process.exit(0));
}

// ---- the parent: starts the child, samples it from outside ---------------------------------

async function runParent() {
  const tmp = makeTemp("memory");
  const root = path.join(tmp, "ds");
  console.log(`memory benchmark${quick ? " (--quick)" : ""}: one ${MINUTES}-minute episode (${fmt.int(FRAMES)} frames), ${CAMERAS.length} cameras ${WIDTH}x${HEIGHT} @ ${FPS} fps, default codec`);
  console.log(`  recorded in a child process; RSS sampled every ${SAMPLE_MS} ms inside it (process.memoryUsage) and from outside (/proc)`);
  const script = fileURLToPath(import.meta.url);
  const proc = fork(script, ["--child", ...(quick ? ["--quick"] : [])], {
    env: { ...process.env, BENCH_MEMORY_ROOT: root }, stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let outsidePeak = 0;
  let ffmpegPeak = 0;
  let measuring = true;
  const sampler = setInterval(() => {
    // Stop once the child has reported: what its exit does is not part of the recording.
    if (!measuring) return;
    const rss = procStatus(proc.pid, "VmRSS");
    if (rss !== undefined) outsidePeak = Math.max(outsidePeak, rss);
    const kids = childPids(proc.pid).map((pid) => procStatus(pid, "VmRSS") ?? 0);
    ffmpegPeak = Math.max(ffmpegPeak, kids.reduce((a, b) => a + b, 0));
  }, SAMPLE_MS);
  const t0 = now();
  const result = await new Promise((resolve, reject) => {
    let got;
    proc.on("message", (m) => { got = m; measuring = false; });
    proc.on("error", reject);
    proc.on("exit", (code) => (got ? resolve(got) : reject(new Error(`the child exited with ${code} and no result`))));
  });
  const wallMs = now() - t0;
  clearInterval(sampler);
  removeTemp(tmp);

  if (result.frames !== FRAMES) throw new Error(`the dataset has ${result.frames} frames, expected ${FRAMES}`);
  const peakRss = Math.max(result.hwm ?? 0, result.peak.rss, outsidePeak);
  header("results");
  line("child wall time (start, record, save, check)", fmt.ms(wallMs));
  line("addFrame loop", fmt.ms(result.loopMs), `${fmt.x((FRAMES / FPS) / (result.loopMs / 1000))} real time`);
  line("saveEpisode", fmt.ms(result.saveMs));
  line("RSS at start (after imports and frame generation)", fmt.mb(result.baseline.rss),
    `includes the benchmark's own 60 pre-generated frames (${fmt.mb(result.framesBytes)})`);
  line("peak RSS, sampled inside (process.memoryUsage)", fmt.mb(result.peak.rss));
  line("peak RSS, sampled outside (/proc VmRSS)", fmt.mb(outsidePeak));
  line("peak RSS, kernel high-water mark (VmHWM)", result.hwm === undefined ? "n/a" : fmt.mb(result.hwm));
  line("peak RSS during the addFrame loop / during saveEpisode", `${fmt.mb(result.loopPeak)} / ${fmt.mb(result.savePeak)}`);
  line("peak heapUsed / external / arrayBuffers", `${fmt.mb(result.peak.heapUsed)} / ${fmt.mb(result.peak.external)} / ${fmt.mb(result.peak.arrayBuffers)}`);
  line("peak RSS of the ffmpeg encoders (sum, not counted above)", ffmpegPeak ? fmt.mb(ffmpegPeak) : "n/a");
  printTable("RSS during the episode", ["frames", "RSS"], result.timeline.map((t) => [fmt.int(t.frame), fmt.mb(t.rss)]));
  // Flat is the goal: the episode's frames stream to ffmpeg, only its numeric rows stay in memory.
  const rssAt = result.timeline.map((t) => t.rss);
  const spread = `${fmt.mb(Math.min(...rssAt))} .. ${fmt.mb(Math.max(...rssAt))}`;
  line("RSS over the episode (samples at 10%, 20%, .. 100%)", spread, `last - first: ${fmt.mb(rssAt.at(-1) - rssAt[0])}`);

  summary("memory", [
    [`peak RSS, ${MINUTES}-min 2-camera episode`, fmt.mb(peakRss), `< ${TARGET_MB} MB`, verdict(peakRss < TARGET_MB * MB)],
    ["peak arrayBuffers", fmt.mb(result.peak.arrayBuffers), "", ""],
    ["RSS over the episode, min .. max of 10 samples", spread, "", ""],
    ["ffmpeg encoders peak RSS (separate processes)", ffmpegPeak ? fmt.mb(ffmpegPeak) : "n/a", "", ""],
  ]);
}

if (child) await runChild();
else await runParent();
