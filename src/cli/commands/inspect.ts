/**
 * `lerobot-ts inspect`: describe a parquet file (schema, row groups, sample rows, column stats,
 * rows per episode) or a dataset (info, tasks, features, cameras, files, episodes).
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { resolveDatasetRoot } from "../../dataset/paths.js";
import { inspectDataset } from "../../inspect/dataset.js";
import { formatInspectReport } from "../../inspect/format.js";
import type { RowRange } from "../../inspect/options.js";
import { InspectOptionError } from "../../inspect/options.js";
import { inspectParquetFile } from "../../inspect/parquet-file.js";
import type { InspectReport } from "../../inspect/report.js";
import { UsageError } from "../errors.js";
import { parseIntFlag } from "../flags.js";

interface InspectFlags {
  root?: string;
  head?: string;
  rows?: string;
  columns?: string;
  stats: boolean;
  episodes?: boolean;
  json?: boolean;
}

type Target = { kind: "parquet"; file: string } | { kind: "dataset"; root: string };

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("describe a parquet file (schema, row groups, sample rows, column stats) or a dataset (info, cameras, files, episodes)")
    .argument("<target>", "a .parquet file, a dataset folder, or a repo id")
    .option("--root <dir>", "parent folder of the repo id (LeRobot's --root)")
    .option("--head <n>", "parquet: show the first n rows (default 5)")
    .option("--rows <A:B>", "parquet: show rows A to B-1 instead")
    .option("--columns <a,b>", "parquet: only these columns in sample rows and stats")
    .option("--no-stats", "parquet: skip column stats (they read every row of the chosen columns)")
    .option("--episodes", "dataset: add the per-episode table")
    .option("--json", "print one JSON document (schema lerobot-ts/inspect@1)")
    .action(async (targetArg: string, flags: InspectFlags) => {
      const target = classify(targetArg, flags.root);
      let report: InspectReport;
      if (target.kind === "parquet") {
        if (flags.episodes) throw new UsageError("--episodes applies to a dataset; inspect a parquet file's episode_index without it");
        if (flags.head !== undefined && flags.rows !== undefined) throw new UsageError("use either --head or --rows, not both");
        const columns = flags.columns?.split(",").map((c) => c.trim()).filter(Boolean);
        if (columns !== undefined && columns.length === 0) throw new UsageError("--columns needs at least one column name");
        try {
          report = await inspectParquetFile(target.file, {
            ...(flags.head !== undefined ? { head: parseIntFlag("head", flags.head, 0) } : {}),
            ...(flags.rows !== undefined ? { rows: parseRows(flags.rows) } : {}),
            ...(columns ? { columns } : {}),
            stats: flags.stats,
          });
        } catch (error) {
          if (error instanceof InspectOptionError) throw new UsageError(error.message);
          throw error;
        }
      } else {
        const parquetOnly = [["--head", flags.head], ["--rows", flags.rows], ["--columns", flags.columns]].filter(([, v]) => v !== undefined);
        if (parquetOnly.length > 0 || !flags.stats) {
          const names = [...parquetOnly.map(([n]) => n), ...(flags.stats ? [] : ["--no-stats"])];
          throw new UsageError(`${names.join(", ")} ${names.length === 1 ? "applies" : "apply"} to a parquet file; ${target.root} is a dataset (inspect one of its files for rows)`);
        }
        report = await inspectDataset(target.root, { episodes: flags.episodes ?? false });
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(formatInspectReport(report, { width: process.stdout.isTTY ? process.stdout.columns : 200 }));
    });
}

/** `A:B`, a half-open range of row numbers. */
function parseRows(value: string): RowRange {
  const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(value);
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || end < start) throw new UsageError(`--rows must be A:B with 0 <= A <= B (rows A to B-1), got '${value}'`);
  return { start, end };
}

/** A parquet file, or a dataset folder / repo id resolved as LeRobot does; anything else is a usage error. */
function classify(target: string, root: string | undefined): Target {
  if (root === undefined) {
    const stat = fs.statSync(target, { throwIfNoEntry: false });
    if (stat?.isFile()) {
      if (target.endsWith(".parquet") || startsWithParquetMagic(target)) return { kind: "parquet", file: path.resolve(target) };
      throw new UsageError(`${target} is neither a .parquet file nor a dataset folder`);
    }
    if (!stat && target.endsWith(".parquet")) throw new UsageError(`${target} does not exist`);
  }
  const dir = resolveDatasetRoot(target, { ...(root === undefined ? {} : { root }), exists: (p) => fs.existsSync(p) });
  if (fs.existsSync(path.join(dir, "meta", "info.json"))) return { kind: "dataset", root: dir };
  if (!fs.existsSync(dir)) {
    throw new UsageError(`${target} does not exist${dir === path.resolve(target) ? "" : ` (no dataset at ${dir})`}`);
  }
  throw new UsageError(`${dir} is neither a .parquet file nor a dataset folder (no meta/info.json)`);
}

function startsWithParquetMagic(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, "r");
  try {
    return fs.readSync(fd, head, 0, 4, 0) === 4 && head.toString("latin1") === "PAR1";
  } finally {
    fs.closeSync(fd);
  }
}
