/**
 * planUnreferenced (files.unreferenced): files nothing in the dataset refers to are only reported
 * unless removal is asked for; then exactly those are removed, provided the metadata is sound and
 * no file it names is missing (the stray file may be that one under another name).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planUnreferenced } from "../../../src/edit/repair/unreferenced.js";
import { verifyDataset } from "../../../src/verify/verify.js";
import { DATA_FILE, editEpisodes } from "../../helpers/corrupt.js";
import { planInputFor } from "../../helpers/repair-plan-input.js";
import { caseCopies } from "../../helpers/case-copies.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const STRAY_COPY = "data/chunk-000/file-001.parquet";
const NOTES = "meta/notes.txt";

/** Every file under the folder, relative, sorted. */
const filesOf = (root: string) => fs.readdirSync(root, { recursive: true, encoding: "utf8" })
  .filter((f) => fs.statSync(path.join(root, f)).isFile()).map((f) => f.split(path.sep).join("/")).sort();

describe("planUnreferenced", () => {
  const dir = tempDir("lerobot-ts-repair-unref-");
  const base = path.join(dir, "base");
  const copy = caseCopies(base, dir);
  /** A copy of the dataset with a stray copy of its data file and a note nothing refers to. */
  const withStrays = () => {
    const root = copy();
    fs.copyFileSync(path.join(root, DATA_FILE), path.join(root, STRAY_COPY));
    fs.writeFileSync(path.join(root, NOTES), "stray");
    return root;
  };
  beforeAll(async () => {
    await (await writeSynthetic({ root: base, episodes: [5, 6], cameras: [] })).finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps them by default, each reported with how to remove it", async () => {
    const plan = planUnreferenced(await planInputFor(withStrays()));
    expect(plan.steps).toEqual([]);
    const why = "kept: nothing refers to it; run with --remove-unreferenced to delete it";
    expect(plan.refused).toEqual([{ check: "files.unreferenced", file: STRAY_COPY, why }, { check: "files.unreferenced", file: NOTES, why }]);
  });

  it("with removal asked for, removes those files and no other", async () => {
    const root = withStrays();
    const before = filesOf(root);
    const plan = planUnreferenced(await planInputFor(root, { removeUnreferenced: true }));
    expect(plan.refused).toEqual([]);
    expect(plan.steps.map((s) => [s.check, s.file, s.what])).toEqual([
      ["files.unreferenced", STRAY_COPY, "removed: nothing in the dataset refers to it"],
      ["files.unreferenced", NOTES, "removed: nothing in the dataset refers to it"],
    ]);
    for (const step of plan.steps) await step.apply();
    expect(filesOf(root)).toEqual(before.filter((f) => f !== STRAY_COPY && f !== NOTES));
    expect((await verifyDataset(root)).countsByCheck["files.unreferenced"]).toBeUndefined();
  });

  it("keeps them when a file the metadata names is missing: the stray one may be it", async () => {
    const root = withStrays();
    fs.rmSync(path.join(root, DATA_FILE));
    const plan = planUnreferenced(await planInputFor(root, { removeUnreferenced: true }));
    expect(plan.steps).toEqual([]);
    expect(plan.refused.map((r) => r.file)).toEqual([STRAY_COPY, NOTES]);
    expect(plan.refused[0]!.why).toBe(`kept: ${DATA_FILE} the metadata names is missing, and this may be it under another name`);
  });

  it("keeps them when the metadata that says what is referenced has errors", async () => {
    const root = withStrays();
    await editEpisodes(root, (records) => { records[0]!.tasks = []; });
    const plan = planUnreferenced(await planInputFor(root, { removeUnreferenced: true }));
    expect(plan.steps).toEqual([]);
    expect(plan.refused[0]!.why).toMatch(/^kept: the metadata itself has errors \(episodes\.tasks\)/);
  });

  it("plans nothing for a dataset without stray files, even with removal asked for", async () => {
    expect(planUnreferenced(await planInputFor(base, { removeUnreferenced: true }))).toEqual({ steps: [], refused: [] });
  });
});
