/**
 * planDataTails (data.unreferenced_rows): rows at the end of a data file that no episode claims,
 * as a save that died after appending its row group leaves them, are dropped; the rows before
 * stay as they were (whole row groups byte for byte, a row group holding both kinds re-encoded).
 * Rows that overlap the episodes, or metadata that cannot be trusted, are refused. Rows are read
 * back with DuckDB.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ParquetConcat, appendRowGroups, keepRowGroups } from "../../../src/dataset/parquet-append.js";
import { encodeParquet, readParquet, readParquetMetadata } from "../../../src/dataset/parquet.js";
import { planDataTails } from "../../../src/edit/repair/data-tail.js";
import { DATA_FILE, editEpisodes, pickRows, rewriteParquet } from "../../helpers/corrupt.js";
import { openDuck, plain, sqlPath } from "../../helpers/duckdb.js";
import type { Duck } from "../../helpers/duckdb.js";
import { parquetKeyValue, rowsPast } from "../../helpers/leftover-rows.js";
import { errorChecks, planInputFor } from "../../helpers/repair-plan-input.js";
import { caseCopies } from "../../helpers/case-copies.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const LENGTHS = [5, 6, 4];
const TOTAL = 15;

describe("planDataTails", () => {
  const dir = tempDir("lerobot-ts-repair-tail-");
  const base = path.join(dir, "base");
  let duck: Duck;
  const copy = caseCopies(base, dir);
  /** Every row of a data file in file order, as DuckDB reads it. */
  const rowsOf = async (root: string) => (await duck.rows(
    `SELECT "index", episode_index, frame_index, task_index, "observation.state" AS state, action FROM read_parquet(${sqlPath(path.join(root, DATA_FILE))})`,
  )).map(plain);
  let baseRows: unknown[];
  beforeAll(async () => {
    await (await writeSynthetic({ root: base, episodes: LENGTHS, cameras: [] })).finalize();
    duck = await openDuck();
    baseRows = await rowsOf(base);
  });
  afterAll(() => {
    duck.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("starts from one row group per episode", async () => {
    expect((await readParquetMetadata(path.join(base, DATA_FILE))).rowGroupRows).toEqual(LENGTHS);
    expect(baseRows).toHaveLength(TOTAL);
  });

  it("drops an appended row group no episode claims, keeping the file before it byte for byte", async () => {
    const root = copy();
    const file = path.join(root, DATA_FILE);
    const original = fs.readFileSync(file);
    const leftover = encodeParquet(rowsPast(await readParquet(file), [0, 1, 2], 3, TOTAL), { keyValueMetadata: await parquetKeyValue(file) });
    fs.writeFileSync(file, appendRowGroups(original, leftover));
    const input = await planInputFor(root);
    const plan = await planDataTails(input);
    expect(plan.refused).toEqual([]);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({ check: "data.unreferenced_rows", file: DATA_FILE, settles: ["data.unreferenced_rows"] });
    expect(plan.steps[0]!.what).toBe("dropped rows 15..17 (3 rows of episode_index 3, index 15..17) that no episode claims; the 15 rows before are kept byte for byte");
    expect(input.progressed.at(-1)).toEqual({ phase: "data", done: 1, total: 1 });

    await plan.steps[0]!.apply();
    expect(await rowsOf(root)).toEqual(baseRows);
    const repaired = fs.readFileSync(file);
    // Up to the original footer, the bytes are the original file's.
    const footerStart = original.length - 8 - original.readUInt32LE(original.length - 8);
    expect(repaired.subarray(0, footerStart).equals(original.subarray(0, footerStart))).toBe(true);
    expect((await readParquetMetadata(file)).rowGroupRows).toEqual(LENGTHS);
    expect(await errorChecks(root)).toEqual([]);
  });

  it("re-encodes only a row group holding the last episode and leftover rows", async () => {
    const root = copy();
    const file = path.join(root, DATA_FILE);
    const table = await readParquet(file);
    const last = pickRows(table, [11, 12, 13, 14]);
    const mixed = encodeParquet(last.concat(rowsPast(table, [0, 1], 3, TOTAL)), { keyValueMetadata: await parquetKeyValue(file) });
    const concat = new ParquetConcat();
    const head = keepRowGroups(new Uint8Array(fs.readFileSync(file)), 2);
    fs.writeFileSync(file, Buffer.concat([concat.add(head), concat.add(mixed), concat.finish()]));
    expect((await readParquetMetadata(file)).rowGroupRows).toEqual([5, 6, 6]);

    const plan = await planDataTails(await planInputFor(root));
    expect(plan.steps[0]!.what).toMatch(/^dropped rows 15\.\.16 .*the 15 rows before are kept$/); // not byte for byte: a group was cut
    await plan.steps[0]!.apply();
    expect((await readParquetMetadata(file)).rowGroupRows).toEqual(LENGTHS);
    expect(await rowsOf(root)).toEqual(baseRows);
    // The kept whole row groups are the original's bytes.
    expect(Buffer.from(keepRowGroups(new Uint8Array(fs.readFileSync(file)), 2)).equals(Buffer.from(head))).toBe(true);
    expect(await errorChecks(root)).toEqual([]);
  });

  it("refuses rows whose index overlaps the episodes', and plans nothing for the file", async () => {
    const root = copy();
    await rewriteParquet(path.join(root, DATA_FILE), (t) => t.concat(rowsPast(t, [0, 1], 3, 2)));
    const plan = await planDataTails(await planInputFor(root));
    expect(plan.steps).toEqual([]);
    expect(plan.refused).toEqual([{ check: "data.unreferenced_rows", file: DATA_FILE, why: "row 15 (index 2, episode_index 3) overlaps the dataset's episodes, so it is not a crashed save's leftover" }]);
  });

  it("refuses when the episodes metadata has errors, with the reason", async () => {
    const root = copy();
    await rewriteParquet(path.join(root, DATA_FILE), (t) => t.concat(rowsPast(t, [0], 3, TOTAL)));
    await editEpisodes(root, (records) => { records[1]!.tasks = []; });
    const plan = await planDataTails(await planInputFor(root));
    expect(plan.steps).toEqual([]);
    expect(plan.refused).toHaveLength(1);
    expect(plan.refused[0]!.why).toMatch(/^the metadata itself has errors \(.*episodes\.tasks.*\)/);
  });

  it("plans nothing for a healthy dataset", async () => {
    const input = await planInputFor(base);
    expect(await planDataTails(input)).toEqual({ steps: [], refused: [] });
    expect(input.progressed).toEqual([{ phase: "data", done: 0, total: 0 }]);
  });
});
