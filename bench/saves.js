/**
 * saves: 500 short episodes (1 s, 2 small cameras) into one dataset. Saves must stay flat (each
 * costs the episode, not the files it appends to: the median of the last 50 saves within 10 % of
 * the first 50), and the mp4s must not grow dead space: the final mp4 is compared with a one-pass
 * encode of the same frames. Per step (SavedEpisode.timingsMs) it prints the growth slope, and
 * the medians of 50 saves made in turn into a fresh dataset and the grown one (the same machine
 * load on both, which a shared machine's changing load does not give the first and last 50).
 *
 *   node bench/saves.js [--quick]         (--quick: 60 episodes)
 *   SAVES_TIMINGS_FILE=t.json node bench/saves.js   also writes every save's timings
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DatasetWriter } from "../dist/index.js";
import { EpisodeVideoEncoder, findFfmpeg, resolveEncoderSettings } from "../dist/dataset/video/index.js";
import { topLevelBoxes } from "../dist/dataset/video/mp4-boxes.js";
import { JOINTS, fillJoints, fmt, header, line, linearFit, makeCameraFrames, makeTemp, median, parseFlags, printTable, summary, verdict } from "./common.js";

const { quick } = parseFlags();
const EPISODES = quick ? 60 : 500;
const FPS = 30;
const LENGTH = FPS; // 1 s episodes
const WIDTH = 128;
const HEIGHT = 96;
const DISTINCT = 45;
const CAMERAS = ["observation.images.front", "observation.images.wrist"];
const FEATURES = {
  action: { dtype: "float32", shape: [6], names: JOINTS },
  "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
  ...Object.fromEntries(CAMERAS.map((k) => [k, { dtype: "video", shape: [HEIGHT, WIDTH, 3], names: ["height", "width", "channels"] }])),
};

const cameraFrames = CAMERAS.map((_, c) => makeCameraFrames(WIDTH, HEIGHT, DISTINCT, c));
const frameOf = (c, e, k) => cameraFrames[c][(e * 7 + k) % DISTINCT];

const dir = makeTemp("saves");
const root = path.join(dir, "ds");
const create = (at) => DatasetWriter.create({ root: at, repoId: "bench/saves", fps: FPS, robotType: "so101_follower", features: FEATURES });
const action = new Float32Array(6);
const state = new Float32Array(6);
async function recordEpisode(w, e) {
  for (let k = 0; k < LENGTH; k++) {
    const frame = { task: "Pick the cube", action: fillJoints(action, e, k), "observation.state": fillJoints(state, e, k, 1) };
    CAMERAS.forEach((key, c) => { frame[key] = frameOf(c, e, k); });
    await w.addFrame(frame);
  }
  const saved = await w.saveEpisode();
  return { ...saved.timingsMs, dataBytes: fs.statSync(saved.dataFile).size };
}

const writer = await create(root);
const saves = [];
for (let e = 0; e < EPISODES; e++) saves.push(await recordEpisode(writer, e));
// On a shared machine, load changes over the minutes the loop above takes. Here a fresh dataset
// and the one above save in turn, so whatever the load, it weighs on both alike.
const EDGE = Math.min(50, Math.floor(EPISODES / 5));
const fresh = await create(path.join(dir, "fresh"));
await recordEpisode(fresh, 0); // its first save also fills info.json's video keys
const inTurn = { fresh: [], grown: [] };
for (let i = 0; i < EDGE; i++) {
  inTurn.fresh.push(await recordEpisode(fresh, i + 1));
  inTurn.grown.push(await recordEpisode(writer, EPISODES + i));
}
await fresh.finalize();
await writer.finalize();
const TOTAL = EPISODES + EDGE;

// The same frames of the first camera, encoded in one pass with the writer's settings.
const ffmpeg = await findFfmpeg();
const video = path.join(root, "videos", CAMERAS[0], "chunk-000/file-000.mp4");
const onePass = path.join(dir, "one-pass.mp4");
const encoder = EpisodeVideoEncoder.start({
  ...resolveEncoderSettings(writer.videoCodec, {}), ffmpeg, outPath: onePass, width: WIDTH, height: HEIGHT, fps: FPS,
});
for (let e = 0; e < TOTAL; e++) for (let k = 0; k < LENGTH; k++) await encoder.write(frameOf(0, e, k));
await encoder.finish();

const handle = await fs.promises.open(video, "r");
const size = (await handle.stat()).size;
const boxes = await topLevelBoxes(handle, size);
await handle.close();
const dead = boxes.filter((b) => b.type === "free").reduce((n, b) => n + b.size, 0);
const moov = boxes.find((b) => b.type === "moov").size;
const onePassSize = fs.statSync(onePass).size;
// The same file remuxed by ffmpeg (stream copy): the clips' bytes with no dead space at all.
const remux = path.join(dir, "remux.mp4");
spawnSync(ffmpeg.path, ["-v", "error", "-i", video, "-c", "copy", remux]);
const remuxSize = fs.statSync(remux).size;

// Per step: how save time grows with what the files already hold (slope over the episode index)
// and the median of the first and last episodes (the first save, which also fills info.json's
// video keys and warms the encoders, is left out).
const STEPS = ["encoderFlush", "stats", "videoAppend", "metadata", "commit", "total"];
const timed = saves.map((s, e) => ({ ...s, e })).slice(1);
const first = timed.slice(0, EDGE);
const last = timed.slice(-EDGE);
const perStep = STEPS.map((step) => {
  const fit = linearFit(timed.map((s) => s.e), timed.map((s) => s[step]));
  const m = (list) => median(list.map((s) => s[step]));
  return { step, slope: fit.b * 100, first: m(first), last: m(last), fresh: m(inTurn.fresh), grown: m(inTurn.grown) };
});
header(`${EPISODES} episodes of ${LENGTH} frames, 2 cameras ${WIDTH}x${HEIGHT} (${writer.videoCodec})`);
printTable(`save time per step: median of the first and last ${EDGE} saves, growth slope (least squares), and ${EDGE} saves in turn into a fresh dataset and this one`,
  ["step", `first ${EDGE}`, `last ${EDGE}`, "last / first", "slope (ms per 100 episodes)", "in turn: fresh", `in turn: ${EPISODES}+`, `${EPISODES}+ / fresh`],
  perStep.map((p) => [p.step, fmt.ms(p.first), fmt.ms(p.last), (p.last / p.first).toFixed(2), p.slope.toFixed(2), fmt.ms(p.fresh), fmt.ms(p.grown), (p.grown / p.fresh).toFixed(2)]));
const fit = linearFit(saves.map((s) => s.dataBytes / 2 ** 20), saves.map((s) => s.commit));
line("file writes + commit vs data file size", `${fit.b.toFixed(2)} ms/MB`, `data file ${fmt.mb(saves.at(-1).dataBytes)} at the end`);
line("mp4 size (first camera)", fmt.mb(size), `${boxes.length} boxes, moov ${fmt.int(moov)} B`);
line("dead space (free boxes)", `${fmt.int(dead)} B`, `${((100 * dead) / size).toFixed(2)} % of the file`);
line("one-pass encode of the same frames", fmt.mb(onePassSize));
const ratio = size / onePassSize;
line("mp4 size / one-pass size", ratio.toFixed(4), "(x264 encodes 1 s clips a little differently from one long run)");
line("mp4 size / compact remux of the same file (ffmpeg -c copy)", (size / remuxSize).toFixed(4));
if (process.env.SAVES_TIMINGS_FILE) fs.writeFileSync(process.env.SAVES_TIMINGS_FILE, JSON.stringify(saves));

const total = perStep.find((p) => p.step === "total");
const growth = total.last / total.first;
const inTurnGrowth = total.grown / total.fresh;
summary("saves", [
  [`save time, median first ${EDGE} -> last ${EDGE}`, `${fmt.ms(total.first)} -> ${fmt.ms(total.last)} (${((growth - 1) * 100).toFixed(1)} %)`, "flat: last within 10 % of first", verdict(growth <= 1.1)],
  ["save time slope", `${total.slope.toFixed(2)} ms / 100 episodes`, "", ""],
  [`same, in turn (fresh files vs ${EPISODES}+ episodes)`, `${fmt.ms(total.fresh)} vs ${fmt.ms(total.grown)} (${((inTurnGrowth - 1) * 100).toFixed(1)} %)`, "within 10 %", verdict(inTurnGrowth <= 1.1)],
  ["mp4 dead space", `${((100 * dead) / size).toFixed(2)} %`, "< 2 %", verdict(dead / size < 0.02)],
  ["mp4 size vs one-pass encode", `${((ratio - 1) * 100).toFixed(2)} %`, "<= +2 %", verdict(ratio <= 1.02)],
  ["mp4 size vs compact remux", `${((size / remuxSize - 1) * 100).toFixed(2)} %`, "<= +2 %", verdict(size / remuxSize <= 1.02)],
]);
