/**
 * edit: delete_episodes, split and merge without re-encoding, on a dataset of 1,000 episodes x
 * 300 frames with two cameras. Each edit runs in a fresh process (`node bench/edit.js --child
 * <op> ...`), which reports its time and peak RSS; every output is verified.
 *
 *   node bench/edit.js [--quick]
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDataset, verifyDataset } from "../dist/index.js";
import { deleteEpisodes, mergeDatasets, splitDataset } from "../dist/edit/operations.js";
import { fmt, header, line, makeTemp, now, parseFlags, removeTemp, summary, verdict } from "./common.js";
import { attachCameras, writeNumericDataset } from "./datasets.js";

const { quick, child } = parseFlags();
const here = path.dirname(fileURLToPath(import.meta.url));
const EPISODES = quick ? 100 : 1000;
const FRAMES = 300;
const TARGET_S = 30;
const CAMERAS = ["observation.images.front", "observation.images.wrist"];

if (child) {
  const [op, ...args] = process.argv.slice(process.argv.indexOf("--child") + 1);
  const t0 = now();
  let episodes;
  if (op === "delete") {
    const ds = await openDataset(args[0]);
    // Every tenth episode, so that each output file is a patchwork of the input's.
    episodes = (await deleteEpisodes(ds, ds.episodes.filter((e) => e.episodeIndex % 10 === 3).map((e) => e.episodeIndex), args[1])).episodes;
  } else if (op === "split") {
    const ds = await openDataset(args[0]);
    const half = Math.floor(ds.numEpisodes / 2);
    const lists = { a: ds.episodes.slice(0, half).map((e) => e.episodeIndex), b: ds.episodes.slice(half).map((e) => e.episodeIndex) };
    const results = await splitDataset(ds, lists, { a: args[1], b: args[2] });
    episodes = results.a.episodes + results.b.episodes;
  } else {
    episodes = (await mergeDatasets([await openDataset(args[0]), await openDataset(args[1])], args[2])).episodes;
  }
  process.stdout.write(JSON.stringify({ ms: now() - t0, episodes, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

function runChild(...args) {
  return runChildWith([], ...args);
}

/** The child with node flags, e.g. a cap on the JS heap. */
function runChildWith(nodeFlags, ...args) {
  const out = spawnSync(process.execPath, [...nodeFlags, path.join(here, "edit.js"), "--child", ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`edit child failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

async function checkValid(root, label) {
  const report = await verifyDataset(root);
  if (report.summary.errors > 0) throw new Error(`${label} is invalid: ${JSON.stringify(report.findings.slice(0, 3))}`);
}

header(`edit: ${EPISODES} episodes x ${FRAMES} frames, 2 cameras, no re-encoding`);
const dir = makeTemp("edit");
const source = path.join(dir, "source");
let t0 = now();
await writeNumericDataset(source, { episodes: EPISODES, length: FRAMES });
await attachCameras(source, CAMERAS);
line("source dataset made in", fmt.ms(now() - t0));

const deleted = runChild("delete", source, path.join(dir, "deleted"));
await checkValid(path.join(dir, "deleted"), "the delete output");
line(`delete_episodes (${EPISODES - deleted.episodes} of ${EPISODES}): time`, fmt.ms(deleted.ms));
line("delete_episodes: peak RSS", fmt.mb(deleted.maxRssBytes));

// Memory is bounded by the file size limits, not the dataset: the same delete with the JS heap
// capped well below the uncapped peak (V8 grows its heap lazily when it may).
const HEAP_CAP_MB = 160;
const capped = runChildWith([`--max-old-space-size=${HEAP_CAP_MB}`], "delete", source, path.join(dir, "deleted-capped"));
await checkValid(path.join(dir, "deleted-capped"), "the capped delete output");
line(`delete_episodes with a ${HEAP_CAP_MB} MB JS heap: time`, fmt.ms(capped.ms));
line(`delete_episodes with a ${HEAP_CAP_MB} MB JS heap: peak RSS`, fmt.mb(capped.maxRssBytes));

const split = runChild("split", source, path.join(dir, "a"), path.join(dir, "b"));
await checkValid(path.join(dir, "a"), "split a");
line(`split into two halves: time`, fmt.ms(split.ms));
line("split: peak RSS", fmt.mb(split.maxRssBytes));

const merged = runChild("merge", path.join(dir, "a"), path.join(dir, "b"), path.join(dir, "merged"));
await checkValid(path.join(dir, "merged"), "the merge output");
line(`merge of the halves (${merged.episodes} episodes): time`, fmt.ms(merged.ms));
line("merge: peak RSS", fmt.mb(merged.maxRssBytes));
removeTemp(dir);

summary("edit", [
  [`delete_episodes, ${EPISODES} eps x ${FRAMES} frames, 2 cams`, fmt.ms(deleted.ms), `< ${TARGET_S} s`, verdict(deleted.ms < TARGET_S * 1000)],
  [`merge, ${merged.episodes} eps x ${FRAMES} frames, 2 cams`, fmt.ms(merged.ms), `< ${TARGET_S} s`, verdict(merged.ms < TARGET_S * 1000)],
  ["split into two halves", fmt.ms(split.ms), "", ""],
  ["peak RSS (delete / split / merge)", `${fmt.mb(deleted.maxRssBytes)} / ${fmt.mb(split.maxRssBytes)} / ${fmt.mb(merged.maxRssBytes)}`, "", ""],
  [`delete with a ${HEAP_CAP_MB} MB JS heap: time, peak RSS`, `${fmt.ms(capped.ms)}, ${fmt.mb(capped.maxRssBytes)}`, "completes", "yes"],
]);
