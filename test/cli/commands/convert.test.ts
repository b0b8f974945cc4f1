/**
 * `lerobot-ts convert` (LeRobot's convert_dataset_v21_to_v30 command line) run in-process: a
 * v2.1 dataset into <root>_v30 or in place, the input untouched unless --in-place, --json, and
 * one line with exit 2, writing nothing, for what it cannot do.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerConvert } from "../../../src/cli/commands/convert.js";
import { openDataset } from "../../../src/dataset/reader.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { expectEpisodes as expectCodedEpisodes } from "../../helpers/coded-dataset.js";
import { folderHash } from "../../helpers/folder-hash.js";
import { expectPublishedJson } from "../../helpers/published-schema.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";
import { writeV21Dataset } from "../../helpers/v21-dataset.js";

const taskOf = (i: number) => (i % 3 === 1 ? "place the cube" : "pick the cube");
/** Output episode j must be episode j of the source, code `codes[j]`: rows, task and first/last frame of every camera. */
const expectEpisodes = (root: string, codes: number[], lengths: number[]) => expectCodedEpisodes(root, codes, lengths, codes.map((_, j) => taskOf(j)));
const runCli = (args: readonly string[], env: Record<string, string>) => runCommand(registerConvert, [...args], env);
const expectUsageErrors = (cases: readonly (readonly [readonly string[], RegExp])[], env: Record<string, string>) => expectCommandUsageErrors(registerConvert, cases, env);

describe("lerobot-ts convert", () => {
  const dir = tempDir("lerobot-ts-convert-cli-");
  const home = path.join(dir, "home");
  const source = path.join(home, "me", "old");
  const env = { HF_LEROBOT_HOME: home };
  beforeAll(async () => {
    await writeV21Dataset({ root: source, lengths: [6, 9, 7], task: taskOf, chunksSize: 2 });
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("converts LeRobot's command line into <root>_v30 and prints the result with --json", async () => {
    const before = folderHash(source);
    const r = await runCli(["convert", "--repo-id=me/old", "--data-file-size-in-mb=0.009", "--video_file_size_in_mb=0.012", "--push-to-hub=false", "--json"], env);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const out = `${source}_v30`;
    expect(expectPublishedJson("convert-v1.schema.json", r.stdout)).toEqual({
      schema: "lerobot-ts/convert@1", root: out, source, sourceVersion: "v2.1", episodes: 3, frames: 22, tasks: ["pick the cube", "place the cube"],
      computedStats: [], codebaseVersion: "v3.0", backup: null,
    });
    await expectEpisodes(out, [0, 1, 2], [6, 9, 7]);
    expect(folderHash(source)).toBe(before);
  }, 120_000);

  it("replaces the input only with --in-place, keeping the original as <root>_old", async () => {
    const copy = path.join(dir, "inplace");
    fs.cpSync(source, copy, { recursive: true });
    const before = folderHash(copy);
    const r = await runCli(["convert", "--repo_id=x/inplace", `--root=${copy}`, "--in-place"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`the v2.1 original is kept in ${copy}_old`);
    expect((await openDataset(copy)).numEpisodes).toBe(3);
    expect(folderHash(`${copy}_old`)).toBe(before);
    expect(fs.readdirSync(dir).filter((n) => n.includes(".convert-"))).toEqual([]);
  }, 120_000);

  it("exits 2 with one line, writing nothing, for a v3.0 or v1 input, an existing output and bad flags", async () => {
    const v30 = path.join(dir, "v30");
    await (await writeSynthetic({ root: v30, episodes: [3], cameras: [] })).finalize();
    const v1 = path.join(dir, "v1");
    fs.mkdirSync(path.join(v1, "meta"), { recursive: true });
    fs.writeFileSync(path.join(v1, "meta/info.json"), JSON.stringify({ codebase_version: "v1.6", fps: 10 }));
    const occupied = path.join(dir, "occupied");
    fs.mkdirSync(occupied);
    fs.writeFileSync(path.join(occupied, "notes.txt"), "mine");
    const fresh = path.join(dir, "fresh");
    const cases = [
      [["convert", `--root=${v30}`, `--new_root=${fresh}`], /already a v3.0 dataset/],
      [["convert", `--root=${v1}`, `--new_root=${fresh}`], /v1.6 dataset, older than v2.0/],
      [["convert", `--root=${source}`, `--new_root=${occupied}`], /occupied already exists/],
      [["convert", `--root=${path.join(dir, "nothing")}`, `--new_root=${fresh}`], /there is no dataset at/],
      [["convert", `--root=${source}`, `--new_root=${fresh}`, "--data-file-size-in-mb=0"], /--data-file-size-in-mb must be a positive number/],
      [["convert", `--root=${source}`, `--new_root=${fresh}`, "--push-to-hub=true"], /--push-to-hub=true is not supported/],
      [["convert", `--root=${source}`, `--new_root=${fresh}`, "--in-place"], /leave out --new_root/],
      [["convert"], /give the dataset/],
    ] as const;
    await expectUsageErrors(cases, env);
    expect(fs.existsSync(fresh)).toBe(false);
    expect(fs.readdirSync(occupied)).toEqual(["notes.txt"]);
    expect(fs.existsSync(`${v30}_v30`)).toBe(false);
  }, 120_000);

  it("takes either spelling of a flag, and refuses the two spellings with different values", async () => {
    const out = path.join(dir, "spelled");
    const r = await runCli(["convert", `--root=${source}`, `--new-root=${out}`, "--video-file-size-in-mb=1"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`converted ${source} (v2.1) to v3.0: 3 episode(s), 22 frames, 2 task(s) in ${out}\n`);
    const fresh = path.join(dir, "never");
    await expectUsageErrors([
      [["convert", "--repo-id=me/old", "--repo_id=me/other", `--new_root=${fresh}`], /--repo-id is given twice, as 'me\/old' and 'me\/other'/],
      [["convert", `--root=${source}`, `--new_root=${fresh}`, "--new-root=/elsewhere"], /--new_root is given twice/],
      [["convert", `--root=${source}`, `--new_root=${fresh}`, "--push_to_hub=perhaps"], /--push-to-hub must be true or false/],
      [["convert", `--root=${source}`, `--new_root=${source}`], /the output is the input: give another --new_root, or --in-place/],
    ], env);
    expect(fs.existsSync(fresh)).toBe(false);
  }, 120_000);

  it("--in-place refuses while an earlier conversion's <root>_old is still there, touching nothing", async () => {
    const copy = path.join(dir, "again");
    fs.cpSync(source, copy, { recursive: true });
    fs.mkdirSync(`${copy}_old`);
    const before = folderHash(copy);
    await expectUsageErrors([[["convert", `--root=${copy}`, "--in-place"], /again_old already exists \(an earlier conversion's original\?\): move it away first/]], env);
    expect(folderHash(copy)).toBe(before);
  });
});
