/**
 * `lerobot-ts inspect`: describe a parquet file (schema, row groups, sample rows, column stats,
 * rows per episode) or a dataset (info, tasks, features, cameras, files, episodes), also a Hub
 * dataset in place (hf://datasets/<repo_id>, or a repo id with --remote).
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { resolveDatasetRoot } from "../../dataset/index.js";
import { inspectDataset, formatInspectReport, InspectOptionError, inspectParquetFile } from "../../inspect/index.js";
import type { RowRange, InspectReport } from "../../inspect/index.js";
import { UsageError } from "../errors.js";
import { parseIntFlag } from "../flags.js";
import { isRepoId } from "../../hub/index.js";
import { localDataset } from "../hub-dataset.js";
import { parseHubDatasetUrl } from "../../remote/index.js";

interface InspectFlags {
  root?: string;
  head?: string;
  rows?: string;
  columns?: string;
  stats: boolean;
  episodes?: boolean;
  json?: boolean;
  revision?: string;
  remote?: boolean;
}

/** A dataset `remote` is read on the Hub in place: `root` is then what the user typed. */
type Target = { kind: "parquet"; file: string } | { kind: "dataset"; root: string; remote?: boolean };

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("describe a parquet file (schema, row groups, sample rows, column stats) or a dataset (info, cameras, files, episodes)")
    .argument("<target>", "a .parquet file, a dataset folder, a repo id, or hf://datasets/<repo_id>[@<revision>] to describe it on the Hub without downloading it")
    .option("--root <dir>", "parent folder of the repo id (LeRobot's --root)")
    .option("--head <n>", "parquet: show the first n rows (default 5)")
    .option("--rows <A:B>", "parquet: show rows A to B-1 instead")
    .option("--columns <a,b>", "parquet: only these columns in sample rows and stats")
    .option("--no-stats", "parquet: skip column stats (they read every row of the chosen columns)")
    .option("--episodes", "dataset: add the per-episode table")
    .option("--json", "print one JSON document (schema lerobot-ts/inspect@1)")
    .option("--revision <rev>", "Hub branch, tag or commit of a repo id fetched or read in place (default: the v3.0 tag, else main)")
    .option("--remote", "describe the repo id on the Hub in place (HTTP range requests, nothing downloaded), not a local copy")
    .action(async (targetArg: string, flags: InspectFlags) => {
      // hf://datasets/<repo_id> or --remote: read on the Hub in place; else a repo id the local cache lacks comes from the Hub first.
      const target: Target = flags.remote || parseHubDatasetUrl(targetArg) !== undefined
        ? { kind: "dataset", root: targetArg, remote: true }
        : isRepoId(targetArg) && !fs.existsSync(targetArg)
        ? classify(await localDataset(targetArg, { ...(flags.root !== undefined ? { root: flags.root } : {}), ...(flags.revision !== undefined ? { revision: flags.revision } : {}) }), undefined)
        : classify(targetArg, flags.root);
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
        report = await inspectDataset(target.root, {
          episodes: flags.episodes ?? false,
          ...(target.remote ? {
            remote: true,
            ...(flags.revision !== undefined ? { revision: flags.revision } : {}),
            ...(flags.root !== undefined ? { root: flags.root } : {}),
            onNote: (line: string) => process.stderr.write(`note: ${line}\n`),
          } : {}),
        });
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
