/**
 * video: recording 2 cameras at 640x480, 30 fps through DatasetWriter.addFrame, as fast as
 * possible (default codec and libsvtav1) and paced at exactly 30 fps like a real recording.
 *
 *   node bench/video.js [--quick]
 */
import fs from "node:fs";
import path from "node:path";
import { DatasetWriter, openDataset } from "../dist/index.js";
import {
  JOINTS, fillJoints, fmt, header, line, makeCameraFrames, makeTemp, median, now, parseFlags, percentile, printTable,
  removeTemp, sleep, summary, verdict,
} from "./common.js";

const { quick } = parseFlags();
const WIDTH = 640;
const HEIGHT = 480;
const FPS = 30;
const DISTINCT = 30;
const CAMERAS = ["observation.images.front", "observation.images.wrist"];
const SECONDS = quick ? 10 : 60;
const PACED_SECONDS = quick ? 5 : 20;

const FEATURES = {
  action: { dtype: "float32", shape: [6], names: JOINTS },
  "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
  ...Object.fromEntries(CAMERAS.map((k) => [k, { dtype: "video", shape: [HEIGHT, WIDTH, 3], names: ["height", "width", "channels"] }])),
};

const t0 = now();
const cameraFrames = CAMERAS.map((_, c) => makeCameraFrames(WIDTH, HEIGHT, DISTINCT, c));
const genMs = now() - t0;

function frameAt(e, k, action, state) {
  const frame = { task: "Pick the cube", action: fillJoints(action, e, k), "observation.state": fillJoints(state, e, k, 1) };
  CAMERAS.forEach((key, c) => { frame[key] = cameraFrames[c][k % DISTINCT]; });
  return frame;
}

function dirBytes(dir) {
  let n = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    n += entry.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return n;
}

/**
 * Episodes of `frames` frames fed as fast as addFrame accepts them; per episode the wall time of
 * the addFrame loop, every addFrame latency and the saveEpisode time.
 */
async function unpaced({ root, vcodec, frames, episodes }) {
  const writer = await DatasetWriter.create({
    root, repoId: "bench/video", fps: FPS, robotType: "so101_follower", features: FEATURES, ...(vcodec ? { vcodec } : {}),
  });
  const action = new Float32Array(6);
  const state = new Float32Array(6);
  const results = [];
  for (let e = 0; e < episodes; e++) {
    const latencies = new Float64Array(frames);
    const start = now();
    for (let k = 0; k < frames; k++) {
      const t = now();
      await writer.addFrame(frameAt(e, k, action, state));
      latencies[k] = now() - t;
    }
    const loopMs = now() - start;
    const ts = now();
    await writer.saveEpisode();
    const saveMs = now() - ts;
    results.push({ loopMs, saveMs, latencies: Array.from(latencies) });
  }
  const codec = writer.videoCodec;
  await writer.finalize();
  const ds = await openDataset(root);
  if (ds.numFrames !== frames * episodes) throw new Error(`dataset has ${ds.numFrames} frames, expected ${frames * episodes}`);
  const videoBytes = dirBytes(path.join(root, "videos"));
  return { codec, episodes: results, videoBytes, pixFmt: ds.features[CAMERAS[0]].info?.["video.pix_fmt"], stored: ds.features[CAMERAS[0]].info?.["video.codec"] };
}

/**
 * Frames delivered at exactly FPS, each when its tick comes (frame k due at start + k / FPS), as
 * a camera would; measures how long each `await addFrame` took and how late calls started.
 */
async function paced({ root, seconds }) {
  const frames = seconds * FPS;
  const writer = await DatasetWriter.create({ root, repoId: "bench/paced", fps: FPS, robotType: "so101_follower", features: FEATURES });
  const action = new Float32Array(6);
  const state = new Float32Array(6);
  const latencies = [];
  const lateness = [];
  const period = 1000 / FPS;
  const start = now() + 50;
  for (let k = 0; k < frames; k++) {
    const due = start + k * period;
    const wait = due - now();
    if (wait > 1) await sleep(wait - 1);
    while (now() < due) { /* the last millisecond, precisely */ }
    const t = now();
    lateness.push(t - due);
    await writer.addFrame(frameAt(0, k, action, state));
    latencies.push(now() - t);
  }
  const loopMs = now() - start;
  const ts = now();
  await writer.saveEpisode();
  const saveMs = now() - ts;
  await writer.finalize();
  return { frames, loopMs, saveMs, latencies, lateness };
}

function describeLatency(label, values) {
  line(label, `p50 ${median(values).toFixed(1)} / p99 ${percentile(values, 99).toFixed(1)} / max ${Math.max(...values).toFixed(1)} ms`);
}

async function main() {
  const tmp = makeTemp("video");
  const frames = SECONDS * FPS;
  console.log(`video benchmark${quick ? " (--quick)" : ""}: ${CAMERAS.length} cameras ${WIDTH}x${HEIGHT} @ ${FPS} fps + action/state; temp ${tmp}`);
  console.log(`  ${DISTINCT} distinct frames per camera pre-generated in ${fmt.ms(genMs)} (gradient + moving block + texture + noise), cycled`);

  const runs = [];
  for (const [label, vcodec, episodes] of [["default (auto)", undefined, quick ? 2 : 3], ["libsvtav1", "libsvtav1", 1]]) {
    const root = path.join(tmp, vcodec ?? "default");
    header(`unpaced: ${label}, ${episodes} episode(s) of ${SECONDS} s (${fmt.int(frames)} frames)`);
    let r;
    try {
      r = await unpaced({ root, vcodec, frames, episodes });
    } catch (error) {
      line(`${label}: failed`, "", error.message.split("\n")[0]);
      runs.push({ label, failed: true });
      continue;
    }
    line("encoder", r.codec, `stored as ${r.stored}, ${r.pixFmt}`);
    r.episodes.forEach((ep, i) => {
      const speed = (frames / FPS) / (ep.loopMs / 1000);
      line(`episode ${i}: addFrame loop`, fmt.ms(ep.loopMs), `${fmt.x(speed)} real time, ${fmt.rate((frames / ep.loopMs) * 1000)} per camera`);
      describeLatency(`episode ${i}: addFrame latency`, ep.latencies);
      line(`episode ${i}: saveEpisode after the last frame`, fmt.ms(ep.saveMs), i === 0 ? "(first episode: remux clip + probe)" : "(appends to the existing mp4: concat remux)");
    });
    line("video bytes written (both cameras)", fmt.mb(r.videoBytes), `${fmt.mb(r.videoBytes / (SECONDS * episodes * CAMERAS.length))} per camera-second`);
    if (r.episodes.length > 1) {
      const speeds = r.episodes.map((ep) => (frames / FPS) / (ep.loopMs / 1000));
      line("speed vs real time, median over the episodes", fmt.x(median(speeds)));
    }
    runs.push({ label, ...r });
    removeTemp(root);
  }

  header(`paced: default codec, frames delivered at exactly ${FPS} fps for ${PACED_SECONDS} s`);
  const p = await paced({ root: path.join(tmp, "paced"), seconds: PACED_SECONDS });
  line("first addFrame of the episode (starts the ffmpeg encoders)", fmt.ms(p.latencies[0]));
  describeLatency("await addFrame duration, all frames", p.latencies);
  describeLatency("await addFrame duration, frames 2..n", p.latencies.slice(1));
  describeLatency("lateness of addFrame calls vs their 30 fps tick", p.lateness);
  const lateAfterStart = p.lateness.findIndex((v, i) => i > 0 && v < 1);
  line("frames until calls were back on their tick", `${lateAfterStart}`);
  const missed = p.latencies.filter((v) => v > 1000 / FPS).length;
  line("addFrame calls longer than one frame period (33.3 ms)", `${missed} of ${p.frames}`);
  line("saveEpisode after the last frame", fmt.ms(p.saveMs));
  removeTemp(tmp);

  const rows = [];
  for (const r of runs) {
    if (r.failed) { rows.push([r.label, "failed", "", "", ""]); continue; }
    r.episodes.forEach((ep, i) => rows.push([
      `${r.label} ep ${i}`, fmt.x((frames / FPS) / (ep.loopMs / 1000)), fmt.ms(ep.loopMs), fmt.ms(ep.saveMs), `${percentile(ep.latencies, 99).toFixed(1)} ms`,
    ]));
  }
  rows.push(["paced default", "1.00x (paced)", fmt.ms(p.loopMs), fmt.ms(p.saveMs), `${percentile(p.latencies, 99).toFixed(1)} ms`]);
  printTable("video results", ["run", "speed vs real time", "addFrame loop", "saveEpisode", "addFrame p99"], rows);

  const def = runs[0];
  const av1 = runs[1];
  const defSpeed = def.failed ? 0 : (frames / FPS) / (def.episodes[0].loopMs / 1000);
  const defSave = def.failed ? Infinity : def.episodes[0].saveMs;
  const rowsOut = [
    [`default codec (${def.codec ?? "?"}): speed vs real time`, def.failed ? "failed" : fmt.x(defSpeed), ">= 2x", verdict(defSpeed >= 2)],
    ["default codec: saveEpisode (first episode)", def.failed ? "failed" : fmt.ms(defSave), "<= 1 s", verdict(defSave <= 1000)],
  ];
  if (!def.failed && def.episodes.length > 1) {
    const later = def.episodes.slice(1).map((ep) => ep.saveMs);
    rowsOut.push([`default codec: saveEpisode, appends (eps 1-${later.length})`, later.map((v) => fmt.ms(v)).join(", "), "<= 1 s", verdict(Math.max(...later) <= 1000)]);
  }
  rowsOut.push(
    ["libsvtav1: speed vs real time", av1.failed ? "failed" : fmt.x((frames / FPS) / (av1.episodes[0].loopMs / 1000)), "", ""],
    ["libsvtav1: saveEpisode", av1.failed ? "failed" : fmt.ms(av1.episodes[0].saveMs), "", ""],
    ["paced 30 fps: first addFrame (spawns ffmpeg)", fmt.ms(p.latencies[0]), "", ""],
    ["paced 30 fps: addFrame p99 / max after the 1st", `${percentile(p.latencies.slice(1), 99).toFixed(1)} / ${Math.max(...p.latencies.slice(1)).toFixed(1)} ms`, "< 33 ms", verdict(Math.max(...p.latencies.slice(1)) < 1000 / FPS)],
    ["paced 30 fps: saveEpisode", fmt.ms(p.saveMs), "<= 1 s", verdict(p.saveMs <= 1000)],
  );
  summary("video", rowsOut);
}

await main();
