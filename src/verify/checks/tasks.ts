/** meta/tasks.parquet: readable, the pandas index LeRobot relies on, task_index 0..n-1, unique texts. */
import path from "node:path";
import { committedTasks, TASKS_PATH } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";

export async function checkTasks(ctx: VerifyContext): Promise<void> {
  const file = path.join(ctx.root, TASKS_PATH);
  ctx.referenced.add(file);
  const meta = await ctx.parquetMetadata(file, { missing: "tasks.missing", unreadable: "tasks.unreadable", noFooter: "tasks.no_footer" });
  if (!meta) return;
  const table = await ctx.readTable(file, "tasks.unreadable");
  if (!table) return;

  // LeRobot reads the file with pandas: the text is the DataFrame index, named by the pandas metadata.
  let indexColumn: string | undefined;
  const pandas = meta.keyValue.get("pandas");
  if (pandas) {
    try {
      const first = (JSON.parse(pandas) as { index_columns?: unknown[] }).index_columns?.[0];
      if (typeof first === "string") indexColumn = first;
    } catch {
      ctx.add("tasks.schema", `${TASKS_PATH}: the pandas metadata is not valid JSON`, { file });
    }
  }
  if (!indexColumn) {
    ctx.add("tasks.schema", `${TASKS_PATH} has no pandas index: pandas will not use the task text as the index`, { file });
  }
  const textColumn = indexColumn ?? ["task", "__index_level_0__"].find((n) => table.getChild(n));
  const texts = textColumn ? table.getChild(textColumn) : null;
  const taskIndex = table.getChild("task_index");
  if (!texts) {
    ctx.add("tasks.schema", `${TASKS_PATH} has no task text column ('task' or '__index_level_0__')`, { file });
    return;
  }
  if (!taskIndex) {
    ctx.add("tasks.schema", `${TASKS_PATH} has no 'task_index' column`, { file, column: "task_index" });
    return;
  }

  const tasks: string[] = [];
  const rowOf = new Map<string, number>();
  for (let row = 0; row < table.numRows; row++) {
    const text = texts.get(row) as string | null;
    const index = Number(taskIndex.get(row));
    if (text === null || text === "") ctx.add("tasks.schema", `${TASKS_PATH} row ${row} has an empty task text`, { file, row });
    if (index !== row) {
      ctx.add("tasks.index", `${TASKS_PATH} row ${row} has task_index ${index}; Python reads row ${row} as task ${row}`, { file, row });
    }
    const t = String(text ?? "");
    const earlier = rowOf.get(t);
    if (earlier !== undefined) ctx.add("tasks.duplicate", `task '${t}' is both task_index ${earlier} and ${row}`, { file, row });
    else rowOf.set(t, row);
    tasks.push(t);
  }
  const committed = committedTasks(tasks, ctx.pendingSave);
  if (committed.pending > 0) ctx.pendingParts.push(`${committed.pending} task${committed.pending > 1 ? "s" : ""} in ${TASKS_PATH}`);
  ctx.tasks = committed.tasks;
}

/** After the data pass: tasks no episode uses. */
export function checkUnusedTasks(ctx: VerifyContext): void {
  if (!ctx.tasks || !ctx.episodes || !ctx.checksEverything) return;
  const named = new Set(ctx.episodes.flatMap((e) => e.tasks));
  const file = path.join(ctx.root, TASKS_PATH);
  ctx.tasks.forEach((text, index) => {
    if (!named.has(text) && !ctx.usedTaskIndices.has(index)) {
      ctx.add("tasks.unused", `task ${index} '${text}' is used by no episode`, { file, row: index });
    }
  });
}
