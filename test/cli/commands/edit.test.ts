/**
 * `lerobot-ts edit` (LeRobot's lerobot-edit-dataset command line) run in-process: the operations
 * into new datasets, --in-place, where outputs go by default, --json, notes for flags without
 * effect, and one line with exit 2 for what it cannot do, writing nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerEdit } from "../../../src/cli/commands/edit.js";
import { openDataset } from "../../../src/dataset/reader.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { expectEpisodes, writeCoded } from "../../helpers/coded-dataset.js";
import { expectPublishedJson } from "../../helpers/published-schema.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const edit = (args: readonly string[], env: Record<string, string>) => runCommand(registerEdit, ["edit", ...args], env);
/** stderr without the progress lines (`delete_episodes: data 1/2`) an edit prints once it has run for a second. */
const withoutProgress = (stderr: string) => stderr.split("\n").filter((l) => !/^[\w ]+: \w+ \d+\/\d+$/.test(l)).join("\n");
const usageErrors = (cases: readonly (readonly [readonly string[], RegExp])[], env: Record<string, string>) =>
  expectCommandUsageErrors(registerEdit, cases.map(([args, message]) => [["edit", ...args], message] as const), env);

describe("lerobot-ts edit", () => {
  const dir = tempDir("lerobot-ts-edit-cli-");
  const source = path.join(dir, "src");
  beforeAll(async () => {
    await writeCoded(source, [0, 1, 2, 3], [6, 8, 7, 9], () => "pick");
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { HF_LEROBOT_HOME: path.join(dir, "home") };

  it("runs LeRobot's delete_episodes, split and merge command lines into new datasets", async () => {
    const del = await edit(["--repo_id=t/src", `--root=${source}`, "--new_repo_id=t/del", "--operation.type=delete_episodes", "--operation.episode_indices=[0, 2]"], env);
    // Nothing on stderr but progress lines, which show once an edit takes over a second (a busy machine).
    expect(withoutProgress(del.stderr)).toBe("");
    expect(del.code).toBe(0);
    expect(del.stdout).toContain(`2 episode(s), 17 frames, 1 task(s) in ${path.join(env.HF_LEROBOT_HOME, "t/del")}`);
    const split = await edit(["split", "--repo_id=t/src", `--root=${source}`, `--operation.splits={"train": 0.75, "val": 0.25}`], env);
    expect(split.code).toBe(0);
    expect(split.stdout).toMatch(/^train: 3 episode\(s\)/m);
    expect(fs.existsSync(path.join(env.HF_LEROBOT_HOME, "t/src_val/meta/info.json"))).toBe(true);
    const merge = await edit(["--operation.type=merge", "--operation.repo_ids=['t/src_train', 't/src_val']", "--new_repo_id=t/again"], env);
    expect(merge.code).toBe(0);
    await expectEpisodes(path.join(env.HF_LEROBOT_HOME, "t/again"), [0, 1, 2, 3], [6, 8, 7, 9]);
    const retask = await edit(["modify_tasks", "--repo_id=t/again", "--new_repo_id=t/retask", "--operation.task_replacements={\"pick\": \"lift\"}"], env);
    expect(retask.code).toBe(0);
    expect((await openDataset(path.join(env.HF_LEROBOT_HOME, "t/retask"))).tasks).toEqual(["lift"]);
    const removed = await edit(["remove_feature", "--repo_id=t/retask", "--new_repo_id=t/nowrist", "--operation.feature_names=['observation.images.wrist']"], env);
    expect(removed.code).toBe(0);
    expect(Object.keys((await openDataset(path.join(env.HF_LEROBOT_HOME, "t/nowrist"))).features)).not.toContain("observation.images.wrist");
  }, 120_000);

  it("replaces the input only with --in-place, keeping it as <folder>_old", async () => {
    const copy = path.join(dir, "inplace");
    fs.cpSync(source, copy, { recursive: true });
    const refused = await edit(["delete_episodes", `--root=${copy}`, "--operation.episode_indices=[1]"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--new_repo_id or --new_root.*or --in-place/);
    const r = await edit(["delete_episodes", `--root=${copy}`, "--operation.episode_indices=[1]", "--in-place"], env);
    expect(r.code).toBe(0);
    expect((await openDataset(copy)).numEpisodes).toBe(3);
    expect((await openDataset(`${copy}_old`)).numEpisodes).toBe(4);
  }, 60_000);

  it("exits 2 with one line for unknown episodes, an unknown operation, an existing output, and bad JSON", async () => {
    const occupied = path.join(dir, "occupied");
    fs.mkdirSync(occupied, { recursive: true });
    fs.writeFileSync(path.join(occupied, "notes.txt"), "mine");
    const cases = [
      [["delete_episodes", `--root=${source}`, "--new_root=" + path.join(dir, "x1"), "--operation.episode_indices=[9]"], /episode\(s\) 9 are not in/],
      [["shuffle", `--root=${source}`], /unknown operation 'shuffle'/],
      [["delete_episodes", `--root=${source}`, `--new_root=${occupied}`, "--operation.episode_indices=[1]"], /occupied already exists/],
      [["delete_episodes", `--root=${source}`, `--new_root=${source}`, "--operation.episode_indices=[1]"], /the output is the input/],
      [["split", `--root=${source}`, "--operation.splits={train: oops}"], /--operation.splits must be JSON/],
      [["remove_feature", `--root=${source}`, "--new_root=" + path.join(dir, "x1"), "--operation.feature_names=['index']"], /cannot be removed/],
      [["modify_tasks", `--root=${source}`, "--new_root=" + path.join(dir, "x1"), "--operation.episode_tasks={\"7\": \"x\"}"], /episode\(s\) 7 are not in/],
    ] as const;
    await usageErrors(cases, env);
    expect(fs.existsSync(path.join(dir, "x1"))).toBe(false);
    expect(fs.readdirSync(occupied)).toEqual(["notes.txt"]);
  }, 60_000);
});

describe("lerobot-ts edit: encoding operations", () => {
  const dir = tempDir("lerobot-ts-edit-video-cli-");
  const home = path.join(dir, "home");
  const env = { HF_LEROBOT_HOME: home };
  beforeAll(async () => {
    await writeCoded(path.join(home, "t/src"), [0, 1, 2], [6, 8, 7], () => "pick");
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reencode_videos writes <repo_id>_reencoded by default and reports in --json", async () => {
    const r = await edit(["--repo_id=t/src", "--operation.type=reencode_videos", "--operation.rgb_encoder.vcodec=hevc", "--operation.rgb_encoder.crf=20", "--operation.num_workers=4", "--json"], env);
    expect(r.code).toBe(0);
    // With --json the notes are in the document, not on stderr (where progress may be).
    expect(r.stderr).not.toContain("note:");
    const report = expectPublishedJson("edit-v1.schema.json", r.stdout);
    expect(report).toEqual({
      schema: "lerobot-ts/edit@1", operation: "reencode_videos",
      outputs: [{ root: path.join(home, "t/src_reencoded"), episodes: 3, frames: 21, tasks: ["pick"], reencoded: { "observation.images.front": 3, "observation.images.wrist": 3 }, skipped: {} }],
      notes: ["note: --operation.num_workers has no effect: lerobot-ts encodes one file at a time; ffmpeg uses the cores"],
    });
    await expectEpisodes(path.join(home, "t/src_reencoded"), [0, 1, 2], [6, 8, 7]);
  }, 120_000);

  it("recompute_stats with --operation.overwrite=true replaces the input, keeping <folder>_old", async () => {
    const r = await edit(["recompute_stats", "--repo_id=t/src", "--operation.overwrite=true"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`3 episode(s), 21 frames, 1 task(s) in ${path.join(home, "t/src")}`);
    expect(fs.existsSync(path.join(home, "t/src_old/meta/info.json"))).toBe(true);
  }, 60_000);

  it("exits 2 with one line for what it cannot do", async () => {
    const cases = [
      [["recompute_stats", "--repo_id=t/src", "--operation.relative_action=true"], /relative_action=true is not supported/],
      [["reencode_videos", "--repo_id=t/src", "--new_repo_id=t/x", "--operation.rgb_encoder.vcodec=mpeg2"], /--operation.rgb_encoder.vcodec: 'mpeg2' is not a codec/],
      [["convert_image_to_video", "--repo_id=t/src", "--new_repo_id=t/x"], /has no image features/],
    ] as const;
    await usageErrors(cases, env);
    expect(fs.existsSync(path.join(home, "t/x"))).toBe(false);
  }, 60_000);
});

describe("lerobot-ts edit: outputs, notes and flags", () => {
  const dir = tempDir("lerobot-ts-edit-flags-cli-");
  const home = path.join(dir, "home");
  const env = { HF_LEROBOT_HOME: home };
  // No cameras: these cases are about where outputs go and what is said, not about video.
  beforeAll(async () => {
    await (await writeSynthetic({ root: path.join(home, "t/plain"), episodes: [3, 4, 5], cameras: [] })).finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes recompute_stats to <repo_id>_recomputed_stats by default, as LeRobot does", async () => {
    const r = await edit(["recompute_stats", "--repo_id=t/plain"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`3 episode(s), 12 frames, 1 task(s) in ${path.join(home, "t/plain_recomputed_stats")}\n`);
  });

  it("puts split outputs in --new_root/<split>", async () => {
    const out = path.join(dir, "splits");
    const r = await edit(["split", "--repo_id=t/plain", `--new_root=${out}`, "--operation.splits={'a': [0, 2], 'b': [1]}"], env);
    expect(r.code, r.stderr).toBe(0);
    expect((await openDataset(path.join(out, "a"))).episodes.map((e) => e.length)).toEqual([3, 5]);
    expect((await openDataset(path.join(out, "b"))).episodes.map((e) => e.length)).toEqual([4]);
  });

  it("prints a note on stderr for each LeRobot flag without effect, after checking its value", async () => {
    const r = await edit(["delete_episodes", "--repo_id=t/plain", "--new_repo_id=t/noted", "--operation.episode_indices=[0]", "--operation.num_workers=2", "--operation.concatenate_data=false"], env);
    expect(r.code).toBe(0);
    expect(withoutProgress(r.stderr)).toBe([
      "note: --operation.num_workers has no effect: lerobot-ts encodes one file at a time; ffmpeg uses the cores",
      "note: --operation.concatenate_data has no effect: merge always concatenates up to the file size limit",
      "",
    ].join("\n"));
  });

  it("exits 2 with one line, writing nothing, for an operation it cannot run as given", async () => {
    const x = path.join(dir, "x");
    await usageErrors([
      [["--repo_id=t/plain"], /give an operation: --operation\.type=delete_episodes \| split/],
      [["split", "--operation.type=merge", "--repo_id=t/plain"], /the operation is given twice: 'split' and --operation\.type=merge/],
      [["delete_episodes", "--repo_id=t/plain", `--new_root=${x}`, "--push_to_hub=True"], /--push_to_hub=true is not supported yet/],
      [["delete_episodes", "--repo_id=t/plain", `--new_root=${x}`], /delete_episodes: give the episodes with --operation\.episode_indices/],
      [["delete_episodes", "--repo_id=t/plain", `--new_root=${x}`, "--operation.episode_indices=[0, -1]"], /--operation\.episode_indices must be a list of episode indices/],
      [["delete_episodes", "--repo_id=t/plain", `--new_root=${x}`, "--operation.episode_indices=[0]", "--operation.num_workers=-1"], /--operation\.num_workers must be an integer >= 0/],
      [["delete_episodes", "--repo_id=t/plain", "--new_root=" + x, "--operation.episode_indices=[0]", "--in-place"], /--in-place writes over the input: leave out --new_repo_id \/ --new_root/],
      [["delete_episodes", "--operation.episode_indices=[0]"], /give the dataset: --repo_id=me\/pick_cube/],
      [["delete_episodes", "--repo_id=t/none", `--new_root=${x}`, "--operation.episode_indices=[0]"], /there is no dataset at .*t\/none \(no meta\/info\.json\)/],
      [["modify_tasks", "--repo_id=t/plain", `--new_root=${x}`, "--operation.episode_tasks={\"first\": \"x\"}"], /--operation\.episode_tasks: 'first' is not an episode index/],
      [["modify_tasks", "--repo_id=t/plain", `--new_root=${x}`, "--operation.task_replacements=[\"x\"]"], /--operation\.task_replacements must be a JSON object of texts/],
      [["remove_feature", "--repo_id=t/plain", `--new_root=${x}`], /remove_feature: give the features with --operation\.feature_names/],
      [["split", "--repo_id=t/plain", `--new_root=${x}`], /split: give the splits with --operation\.splits/],
      [["split", "--repo_id=t/plain", `--new_root=${x}`, "--operation.splits={\"a\": \"half\"}"], /--operation\.splits must map split names to a fraction or a list of episodes/],
      [["merge", "--operation.repo_ids=['t/plain']", "--new_repo_id=t/m"], /merge: give the datasets with --operation\.repo_ids/],
      [["merge", "--operation.repo_ids=['t/plain', 't/plain']", "--operation.roots=['/a']", "--new_repo_id=t/m"], /merge: --operation\.roots has 1 folders for 2 repo ids/],
      [["merge", "--operation.repo_ids=['t/plain', 't/plain']"], /merge: give the merged dataset's --new_repo_id \(or --new_root\)/],
      [["recompute_stats", "--repo_id=t/plain", `--new_root=${x}`, "--operation.relative_action=maybe"], /--operation\.relative_action must be true or false/],
    ], env);
    expect(fs.existsSync(x)).toBe(false);
    expect(fs.existsSync(path.join(home, "t/m"))).toBe(false);
  });
});
