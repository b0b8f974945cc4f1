/**
 * meta/tasks.parquet: task_index and the task text, written as pandas writes a DataFrame whose
 * index is the task string (Python maps task_index to text by row position).
 */
import * as arrow from "apache-arrow";
import { pythonJsonDumps } from "./schema.js";

/** pandas metadata marking the `task` column as the DataFrame index. */
function pandasMetadata(): string {
  return pythonJsonDumps({
    index_columns: ["task"],
    column_indexes: [
      { name: null, field_name: null, pandas_type: "unicode", numpy_type: "object", metadata: { encoding: "UTF-8" } },
    ],
    columns: [
      { name: "task_index", field_name: "task_index", pandas_type: "int64", numpy_type: "int64", metadata: null },
      { name: "task", field_name: "task", pandas_type: "unicode", numpy_type: "object", metadata: null },
    ],
    attributes: {},
    creator: { library: "lerobot-ts", version: "0.1.0" },
    pandas_version: "2.2.3",
  });
}

/** Tasks in task_index order: tasks[i] has task_index i. */
export function buildTasksTable(tasks: string[]): arrow.Table {
  const schema = new arrow.Schema(
    [new arrow.Field("task_index", new arrow.Int64(), true), new arrow.Field("task", new arrow.Utf8(), true)],
    new Map([["pandas", pandasMetadata()]]),
  );
  const taskIndex = arrow.vectorFromArray(tasks.map((_, i) => BigInt(i)), new arrow.Int64());
  const text = arrow.vectorFromArray(tasks, new arrow.Utf8());
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: tasks.length,
    children: [taskIndex.data[0]!, text.data[0]!],
  });
  return new arrow.Table([new arrow.RecordBatch(schema, data)]);
}

/**
 * Task texts by row (= task_index in a valid file). The text column is the pandas index: `task` in new files,
 * `__index_level_0__` in older ones; the `pandas` metadata names it when present.
 */
export function parseTasksTable(table: arrow.Table, pandasJson: string | undefined): string[] {
  let textColumn: string | undefined;
  if (pandasJson) {
    const meta = JSON.parse(pandasJson) as { index_columns?: unknown[] };
    const first = meta.index_columns?.[0];
    if (typeof first === "string") textColumn = first;
  }
  textColumn ??= ["task", "__index_level_0__"].find((n) => table.getChild(n));
  const texts = textColumn ? table.getChild(textColumn) : null;
  if (!texts) throw new Error("no task text column (expected 'task' or '__index_level_0__')");
  if (!table.getChild("task_index")) throw new Error("missing column 'task_index'");
  // By row position, as Python does; whether rows are sorted is verify's business.
  return Array.from({ length: table.numRows }, (_, row) => String(texts.get(row)));
}
