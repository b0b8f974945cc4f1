/**
 * `lerobot-ts edit`: LeRobot's `lerobot-edit-dataset` command line (scripts/lerobot_edit_dataset.py):
 * `--operation.type=delete_episodes | split | merge | remove_feature | modify_tasks |
 * recompute_stats | reencode_videos | convert_image_to_video` (or the type as the first
 * argument). Unlike LeRobot, the input is never changed unless `--in-place` (or LeRobot's
 * `--operation.overwrite=true`) is given: the output is `--new_root`, else
 * `$HF_LEROBOT_HOME/<new_repo_id>`, else LeRobot's default name for the operation.
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { isOccupied, lerobotHome, openDataset, Mp4LayoutError } from "../../dataset/index.js";
import type { LeRobotDataset } from "../../dataset/index.js";
import type { CopyProgress, CopyResult, TaskChanges, ReencodeResult, EditReport } from "../../edit/index.js";
import { EditError, deleteEpisodes, mergeDatasets, modifyTasks, recomputeStats, removeFeatures, splitDataset, splitEpisodeLists, convertImageToVideo, reencodeVideos, EDIT_REPORT_SCHEMA_ID } from "../../edit/index.js";
import { encoderSettingsFromFlags } from "../encoder-flags.js";
import { parseBoolFlag, parseIntFlag } from "../flags.js";
import type { NoEffectFlag } from "../no-effect.js";
import { addNoEffectOptions, noEffectNotes } from "../no-effect.js";
import { UsageError } from "../errors.js";
import { delayedProgress } from "../delayed-progress.js";
import { parseStringList } from "../no-effect.js";

/** lerobot-edit-dataset flags that tune LeRobot's Python workers: accepted, checked, without effect. */
const EDIT_NO_EFFECT_FLAGS: readonly NoEffectFlag[] = [
  { name: "operation.num_workers", arg: "<n>", description: "worker processes", why: "lerobot-ts encodes one file at a time; ffmpeg uses the cores", check: (v) => void parseIntFlag("operation.num_workers", v, 0) },
  { name: "operation.chunk_size", arg: "<n>", description: "recompute_stats: action chunk size for relative stats", why: "relative action stats are not supported", check: (v) => void parseIntFlag("operation.chunk_size", v, 1) },
  { name: "operation.relative_exclude_joints", arg: "<list>", description: "recompute_stats: joints kept absolute", why: "relative action stats are not supported" },
  { name: "operation.max_episodes_per_batch", arg: "<n>", description: "convert_image_to_video: episodes per batch", why: "lerobot-ts streams frames one episode at a time", check: (v) => void parseIntFlag("operation.max_episodes_per_batch", v, 1) },
  { name: "operation.max_frames_per_batch", arg: "<n>", description: "convert_image_to_video: frames per batch", why: "lerobot-ts streams frames one episode at a time", check: (v) => void parseIntFlag("operation.max_frames_per_batch", v, 1) },
  { name: "operation.concatenate_videos", arg: "<bool>", description: "merge: concatenate video files", why: "merge always concatenates up to the file size limit", check: (v) => void parseBoolFlag("operation.concatenate_videos", v, true) },
  { name: "operation.concatenate_data", arg: "<bool>", description: "merge: concatenate data files", why: "merge always concatenates up to the file size limit", check: (v) => void parseBoolFlag("operation.concatenate_data", v, true) },
];

type EditResult = CopyResult & Partial<Pick<ReencodeResult, "skipped">>;

const OPERATIONS = ["delete_episodes", "split", "merge", "remove_feature", "modify_tasks", "recompute_stats", "reencode_videos", "convert_image_to_video"] as const;
type Operation = (typeof OPERATIONS)[number];

type Flags = Record<string, string | boolean | undefined>;

export function registerEdit(program: Command): void {
  const command = program
    .command("edit")
    .description("edit a dataset into a new one (LeRobot's lerobot-edit-dataset): delete_episodes, split, merge, remove_feature, modify_tasks, recompute_stats, reencode_videos, convert_image_to_video")
    .argument("[operation]", `the operation (${OPERATIONS.join(", ")}); the same as --operation.type`)
    .option("--repo_id <id>", "the dataset to edit")
    .option("--root <dir>", "its folder (default $HF_LEROBOT_HOME/<repo_id>)")
    .option("--new_repo_id <id>", "the new dataset's repo id (output $HF_LEROBOT_HOME/<new_repo_id>)")
    .option("--new_root <dir>", "the new dataset's folder (split: the folder holding one dataset per split)")
    .option("--in-place", "replace the input with the result (the input is kept as <folder>_old, as LeRobot does)")
    .option("--operation.type <type>", OPERATIONS.join(" | "))
    .option("--operation.splits <json>", "split: '{\"train\": 0.8, \"val\": 0.2}' or '{\"train\": [0, 1, 2], \"val\": [3]}'")
    .option("--operation.repo_ids <list>", "merge: the datasets to merge, in order, e.g. \"['me/a', 'me/b']\"")
    .option("--operation.roots <list>", "merge: their folders, in the same order")
    .option("--operation.feature_names <list>", "remove_feature: the features to remove, e.g. \"['observation.images.wrist']\"")
    .option("--operation.new_task <text>", "modify_tasks: the task of every episode")
    .option("--operation.episode_tasks <json>", "modify_tasks: tasks of chosen episodes, e.g. '{\"0\": \"Task A\"}'")
    .option("--operation.task_replacements <json>", "modify_tasks: old task text to new, e.g. '{\"Pick\": \"Lift\"}'")
    .option("--operation.episode_indices <list>", "delete_episodes: the episodes to delete; convert_image_to_video: the episodes to convert (default all)")
    .option("--operation.output_dir <dir>", "convert_image_to_video: the new dataset's folder (as --new_root)")
    .option("--operation.overwrite <bool>", "recompute_stats, reencode_videos: replace the input (as --in-place)")
    .option("--operation.skip_image_video <bool>", "recompute_stats: keep the camera stats (always: they are carried over)")
    .option("--operation.relative_action <bool>", "recompute_stats: action stats relative to the state (not supported yet)")
    .option("--operation.rgb_encoder.vcodec <codec>", "reencode_videos, convert_image_to_video: h264 | hevc | libsvtav1 (default libsvtav1, as LeRobot)")
    .option("--operation.rgb_encoder.crf <n>", "quality: lower is better")
    .option("--operation.rgb_encoder.g <n>", "keyframe interval in frames (default 2)")
    .option("--operation.rgb_encoder.preset <p>", "speed preset")
    .option("--operation.rgb_encoder.pix_fmt <fmt>", "pixel format (default yuv420p)")
    .option("--operation.rgb_encoder.fast_decode <n>", "fast-decode tuning (0: off)")
    .option("--operation.rgb_encoder.extra_options <json>", "more codec options, e.g. '{\"tune\": \"film\"}'")
    .option("--operation.encoder_threads <n>", "threads per encoder")
    .option("--json", `print one JSON document (schema ${EDIT_REPORT_SCHEMA_ID})`)
    .option("--push_to_hub <bool>", "upload the result (not supported yet)");
  addNoEffectOptions(command, EDIT_NO_EFFECT_FLAGS);
  command.action(async (positional: string | undefined, flags: Flags) => {
      const operation = operationOf(positional, flags["operation.type"] as string | undefined);
      if (flags.push_to_hub !== undefined && String(flags.push_to_hub).toLowerCase() === "true") {
        throw new UsageError("--push_to_hub=true is not supported yet: edit locally, then upload the folder with `huggingface-cli upload`");
      }
      if (flags["operation.relative_action"] !== undefined && parseBoolFlag("operation.relative_action", String(flags["operation.relative_action"]), false)) {
        throw new UsageError("--operation.relative_action=true is not supported yet: lerobot-ts recomputes absolute stats only");
      }
      const notes = noEffectNotes(flags, EDIT_NO_EFFECT_FLAGS);
      const printer = delayedProgress();
      const progress = { update: (label: string, p: CopyProgress) => printer.update(`${label}: ${p.phase} ${p.done}/${p.total}`), done: printer.done };
      try {
        const results = await run(operation, flags, progress.update);
        progress.done();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(editReport(operation, results, notes), null, 2)}\n`);
          return;
        }
        for (const note of notes) process.stderr.write(`${note}\n`);
        for (const [name, r] of Object.entries(results)) process.stdout.write(`${formatResult(name, r)}\n`);
      } catch (error) {
        progress.done();
        // What the user asked cannot be done: exit 2 with its one line.
        if (error instanceof EditError || error instanceof Mp4LayoutError) throw new UsageError(explain(error));
        throw error;
      }
    });
}

/** One line per output dataset. */
function formatResult(name: string, r: EditResult): string {
  const encoded = Object.entries(r.reencoded).filter(([, n]) => n > 0).map(([key, n]) => `${key}: ${n} episode(s) re-encoded`);
  const skipped = Object.entries(r.skipped ?? {}).map(([key, why]) => `${key} left as is (${why})`);
  const extra = [...encoded, ...skipped];
  return `${name ? `${name}: ` : ""}${r.episodes} episode(s), ${r.frames} frames, ${r.tasks.length} task(s) in ${r.root}${extra.length ? `; ${extra.join("; ")}` : ""}`;
}

/** `--json`: one document, schema lerobot-ts/edit@1 (src/edit/report.ts). */
function editReport(operation: string, results: Record<string, EditResult>, notes: string[]): EditReport {
  return {
    schema: EDIT_REPORT_SCHEMA_ID,
    operation,
    outputs: Object.entries(results).map(([split, r]) => ({
      ...(split ? { split } : {}),
      root: r.root, episodes: r.episodes, frames: r.frames, tasks: r.tasks, reencoded: r.reencoded, skipped: r.skipped ?? {},
    })),
    notes,
  };
}

function explain(error: Error): string {
  return error instanceof Mp4LayoutError ? `the videos cannot be copied without re-encoding (${error.message}); re-encode the datasets to the same codec settings first` : error.message;
}

function operationOf(positional: string | undefined, flag: string | undefined): Operation {
  if (positional && flag && positional !== flag) throw new UsageError(`the operation is given twice: '${positional}' and --operation.type=${flag}`);
  const type = positional ?? flag;
  if (!type) throw new UsageError(`give an operation: --operation.type=${OPERATIONS.join(" | ")}`);
  if (!(OPERATIONS as readonly string[]).includes(type)) throw new UsageError(`unknown operation '${type}' (known: ${OPERATIONS.join(", ")})`);
  return type as Operation;
}

async function run(operation: Operation, flags: Flags, onProgress: (label: string, p: CopyProgress) => void): Promise<Record<string, EditResult>> {
  const get = (name: string) => flags[name] as string | undefined;
  if (operation === "merge") {
    const repoIds = listFlag("operation.repo_ids", get("operation.repo_ids"));
    if (!repoIds || repoIds.length < 2) throw new UsageError("merge: give the datasets with --operation.repo_ids=\"['me/a', 'me/b']\"");
    const roots = listFlag("operation.roots", get("operation.roots"));
    if (roots && roots.length !== repoIds.length) throw new UsageError(`merge: --operation.roots has ${roots.length} folders for ${repoIds.length} repo ids`);
    const newRepoId = get("new_repo_id");
    if (!newRepoId && !get("new_root")) throw new UsageError("merge: give the merged dataset's --new_repo_id (or --new_root)");
    const out = outputFolder(get("new_root") ?? path.join(lerobotHome(), newRepoId!));
    const datasets = await Promise.all(repoIds.map((id, i) => open(roots?.[i] ?? path.join(lerobotHome(), id))));
    return { "": await mergeDatasets(datasets, out, (p) => onProgress("merge", p)) };
  }
  const repoId = get("repo_id");
  if (!repoId && !get("root")) throw new UsageError("give the dataset: --repo_id=me/pick_cube (and --root=DIR if it is not under $HF_LEROBOT_HOME)");
  const input = path.resolve(get("root") ?? path.join(lerobotHome(), repoId!));
  const dataset = await open(input);
  if (operation === "split") {
    const lists = splitEpisodeLists(dataset.numEpisodes, parseSplits(get("operation.splits")));
    // LeRobot: <new_root>/<split>, else $HF_LEROBOT_HOME/<repo_id>_<split> (dataset_tools.py split_dataset).
    const base = repoId ?? path.basename(input);
    const roots = Object.fromEntries(Object.keys(lists).map((name) => [name, outputFolder(get("new_root") ? path.join(get("new_root")!, name) : path.join(lerobotHome(), `${base}_${name}`))]));
    return splitDataset(dataset, lists, roots, (name, p) => onProgress(`split ${name}`, p));
  }
  const edit = oneOutputEdit(operation, flags, dataset);
  const progress = (p: CopyProgress) => onProgress(operation, p);
  const overwrite = flags["operation.overwrite"] !== undefined && parseBoolFlag("operation.overwrite", String(flags["operation.overwrite"]), false);
  const newRoot = get("new_root") ?? get("operation.output_dir") ?? (get("new_repo_id") ? path.join(lerobotHome(), get("new_repo_id")!) : undefined);
  // LeRobot's --operation.overwrite=true with --new_repo_id the same as --repo_id means in place.
  const sameAsInput = newRoot !== undefined && path.resolve(newRoot) === input;
  if (flags["in-place"] || flags.inPlace || (overwrite && (sameAsInput || !newRoot))) {
    if (newRoot && !sameAsInput) throw new UsageError("--in-place writes over the input: leave out --new_repo_id / --new_root");
    return { "": await inPlace(input, (tmp) => edit(tmp, progress)) };
  }
  // Where LeRobot writes by default when no output is named (lerobot_edit_dataset.py _resolve_io_paths callers).
  const suffix = DEFAULT_OUTPUT_SUFFIX[operation];
  if (!newRoot && suffix && repoId) return { "": await edit(outputFolder(path.join(lerobotHome(), `${repoId}${suffix}`)), progress) };
  if (!newRoot) throw new UsageError("give the new dataset's --new_repo_id or --new_root (the input is not changed), or --in-place to replace it");
  if (path.resolve(newRoot) === input) throw new UsageError("the output is the input: give another --new_root, or --in-place");
  return { "": await edit(outputFolder(newRoot), progress) };
}

/** LeRobot's default output repo id, the input's plus this, for the operations that have one. */
const DEFAULT_OUTPUT_SUFFIX: Partial<Record<Operation, string>> = {
  recompute_stats: "_recomputed_stats",
  reencode_videos: "_reencoded",
  convert_image_to_video: "_video",
};

/** The edits that make one dataset from one, their flags checked before anything is written. */
function oneOutputEdit(operation: Operation, flags: Flags, dataset: LeRobotDataset): (root: string, progress: (p: CopyProgress) => void) => Promise<EditResult> {
  const get = (name: string) => flags[name] as string | undefined;
  if (operation === "recompute_stats") return (root, progress) => recomputeStats(dataset, root, progress);
  if (operation === "reencode_videos" || operation === "convert_image_to_video") {
    const settings = encoderSettingsFromFlags(flags as Record<string, string | undefined>, "operation");
    if (operation === "reencode_videos") return (root, progress) => reencodeVideos(dataset, settings, root, progress);
    const episodeIndices = intList("operation.episode_indices", get("operation.episode_indices"));
    return (root, onProgress) => convertImageToVideo(dataset, settings, root, { onProgress, ...(episodeIndices ? { episodeIndices } : {}) });
  }
  if (operation === "remove_feature") {
    const names = listFlag("operation.feature_names", get("operation.feature_names"));
    if (!names || names.length === 0) throw new UsageError("remove_feature: give the features with --operation.feature_names=\"['observation.images.wrist']\"");
    return (root, progress) => removeFeatures(dataset, names, root, progress);
  }
  if (operation === "modify_tasks") {
    const changes: TaskChanges = {};
    if (get("operation.new_task") !== undefined) changes.newTask = get("operation.new_task")!;
    const episodeTasks = textMap("operation.episode_tasks", get("operation.episode_tasks"));
    if (episodeTasks) {
      changes.episodeTasks = Object.fromEntries(Object.entries(episodeTasks).map(([k, v]) => {
        if (!/^\d+$/.test(k)) throw new UsageError(`--operation.episode_tasks: '${k}' is not an episode index`);
        return [Number(k), v];
      }));
    }
    const replacements = textMap("operation.task_replacements", get("operation.task_replacements"));
    if (replacements) changes.taskReplacements = replacements;
    return (root, progress) => modifyTasks(dataset, changes, root, progress);
  }
  const indices = intList("operation.episode_indices", get("operation.episode_indices"));
  if (!indices || indices.length === 0) throw new UsageError("delete_episodes: give the episodes with --operation.episode_indices='[0, 2, 5]'");
  return (root, progress) => deleteEpisodes(dataset, indices, root, progress);
}

/** A JSON object of texts, e.g. '{"0": "Task A"}'. */
function textMap(name: string, text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--${name} must be a JSON object of texts such as '{"0": "Task A"}', got '${text}'`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === "string")) {
    throw new UsageError(`--${name} must be a JSON object of texts such as '{"0": "Task A"}', got '${text}'`);
  }
  return parsed as Record<string, string>;
}

async function open(root: string): Promise<LeRobotDataset> {
  if (!fs.existsSync(path.join(root, "meta", "info.json"))) throw new UsageError(`there is no dataset at ${root} (no meta/info.json)`);
  return openDataset(root);
}

/** A new folder: refused when it exists and holds anything. */
function outputFolder(folder: string): string {
  const root = path.resolve(folder);
  if (isOccupied(root)) {
    throw new UsageError(`${root} already exists: choose a new output (--new_repo_id / --new_root)`);
  }
  return root;
}

/**
 * Replace `input` crash-safely: the result is written to a sibling folder first; only then is the
 * input moved to <input>_old (as LeRobot's get_output_path) and the result moved into its place.
 */
async function inPlace(input: string, write: (tmp: string) => Promise<EditResult>): Promise<EditResult> {
  const tmp = `${input}.edit-${process.pid}`;
  const backup = `${input}_old`;
  const result = await write(tmp);
  await fs.promises.rm(backup, { recursive: true, force: true });
  await fs.promises.rename(input, backup);
  await fs.promises.rename(tmp, input);
  return { ...result, root: input };
}

function listFlag(name: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  // LeRobot's examples quote list items with single quotes (a Python list): accept that too.
  return parseStringList(name, text.replace(/'/g, '"'));
}

function intList(name: string, text: string | undefined): number[] | undefined {
  const items = listFlag(name, text);
  if (!items) return undefined;
  return items.map((item) => {
    const n = Number(item);
    if (item.trim() === "" || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a list of episode indices such as '[0, 2, 5]', got '${text}'`);
    return n;
  });
}

function parseSplits(text: string | undefined): Record<string, number | number[]> {
  if (text === undefined) throw new UsageError("split: give the splits with --operation.splits='{\"train\": 0.8, \"val\": 0.2}'");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/'/g, '"'));
  } catch {
    throw new UsageError(`--operation.splits must be JSON such as '{"train": 0.8, "val": 0.2}', got '${text}'`);
  }
  const ok = parsed && typeof parsed === "object" && !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => typeof v === "number" || (Array.isArray(v) && v.every((i) => Number.isInteger(i))));
  if (!ok) throw new UsageError(`--operation.splits must map split names to a fraction or a list of episodes, got '${text}'`);
  return parsed as Record<string, number | number[]>;
}

