/**
 * meta/tasks.parquet: written as pandas writes a DataFrame indexed by the task text, read by row
 * position from files of any LeRobot version. What we write is read back with DuckDB.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { buildTasksTable, parseTasksTable } from "../../src/dataset/tasks.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";
import { tempDir } from "../helpers/synthetic.js";

let dir: string;
beforeAll(() => { dir = tempDir(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TASKS = ["Pick the cube", "Put it back", "naïve ünïcode ✓"];

describe("buildTasksTable", () => {
  it("writes task_index i beside task text i, as DuckDB reads the file", async () => {
    const file = path.join(dir, "tasks.parquet");
    fs.writeFileSync(file, encodeParquet(buildTasksTable(TASKS)));
    const duck = await openDuck();
    try {
      expect(await duck.columns(`SELECT * FROM read_parquet(${sqlPath(file)})`)).toEqual(["task_index", "task"]);
      const rows = await duck.rows(`SELECT task_index, task FROM read_parquet(${sqlPath(file)})`);
      expect(plain(rows)).toEqual(TASKS.map((task, i) => ({ task_index: i, task })));
      const types = await duck.rows(`SELECT name, type FROM parquet_schema(${sqlPath(file)}) WHERE name IN ('task_index', 'task')`);
      expect(types).toEqual([{ name: "task_index", type: "INT64" }, { name: "task", type: "BYTE_ARRAY" }]);
    } finally {
      duck.close();
    }
  });

  it("marks the task column as the pandas index, so pandas reads the text as the row label", async () => {
    const file = path.join(dir, "tasks-pandas.parquet");
    fs.writeFileSync(file, encodeParquet(buildTasksTable(TASKS)));
    const pandas = JSON.parse((await readParquetMetadata(file)).keyValue.get("pandas")!) as { index_columns: string[]; columns: { name: string; pandas_type: string }[] };
    expect(pandas.index_columns).toEqual(["task"]);
    expect(pandas.columns.map((c) => [c.name, c.pandas_type])).toEqual([["task_index", "int64"], ["task", "unicode"]]);
  });

  it("writes an empty table for no tasks", () => {
    const table = buildTasksTable([]);
    expect([table.numRows, table.schema.fields.map((f) => f.name)]).toEqual([0, ["task_index", "task"]]);
  });
});

describe("parseTasksTable", () => {
  it("reads back what buildTasksTable wrote", async () => {
    const file = path.join(dir, "roundtrip.parquet");
    fs.writeFileSync(file, encodeParquet(buildTasksTable(TASKS)));
    expect(parseTasksTable(await readParquet(file), (await readParquetMetadata(file)).keyValue.get("pandas"))).toEqual(TASKS);
  });

  it("reads a file Python LeRobot wrote, whose text is the pandas index __index_level_0__", async () => {
    const file = path.join(REAL_FIXTURE, "meta/tasks.parquet");
    const pandas = (await readParquetMetadata(file)).keyValue.get("pandas");
    expect(parseTasksTable(await readParquet(file), pandas)).toEqual(["Pick the orange cube and place it in the box"]);
    // Without the pandas metadata it finds the column by its name.
    expect(parseTasksTable(await readParquet(file), undefined)).toEqual(["Pick the orange cube and place it in the box"]);
  });

  it("takes the text column the pandas metadata names, and the rows in file order whatever task_index says", () => {
    const table = new arrow.Table({
      task_index: arrow.vectorFromArray([1n, 0n], new arrow.Int64()),
      label: arrow.vectorFromArray(["second", "first"], new arrow.Utf8()),
      task: arrow.vectorFromArray(["not", "this"], new arrow.Utf8()),
    });
    expect(parseTasksTable(table, JSON.stringify({ index_columns: ["label"] }))).toEqual(["second", "first"]);
  });

  it("refuses a table without a text column or without task_index", () => {
    const noText = new arrow.Table({ task_index: arrow.vectorFromArray([0n], new arrow.Int64()) });
    expect(() => parseTasksTable(noText, undefined)).toThrow(/no task text column/);
    const noIndex = new arrow.Table({ task: arrow.vectorFromArray(["a"], new arrow.Utf8()) });
    expect(() => parseTasksTable(noIndex, undefined)).toThrow(/missing column 'task_index'/);
  });
});
