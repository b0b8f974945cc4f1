/**
 * Where datasets live and how file paths are made from info.json's Python-style templates.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { lerobotHome } from "../system/index.js";

export { lerobotHome };

/** Whether a new dataset cannot go at `folder`: it is a file, or a folder holding anything. */
export function isOccupied(folder: string): boolean {
  return fs.existsSync(folder) && (!fs.statSync(folder).isDirectory() || fs.readdirSync(folder).length > 0);
}

/**
 * Resolve what a user typed to a dataset folder, the way LeRobot does:
 * with `root` given, the dataset is `root/<repo_id>` (as LeRobot's `--root ~/.cache/huggingface/lerobot` in older command lines);
 * an existing path or one that looks like a path (absolute, ./, ../, ~) is used as is;
 * anything else is a repo id under lerobotHome().
 */
export function resolveDatasetRoot(
  rootOrRepoId: string,
  options: { root?: string; exists?: (p: string) => boolean; env?: NodeJS.ProcessEnv } = {},
): string {
  const expanded = expandHome(rootOrRepoId);
  if (options.root !== undefined) return path.resolve(expandHome(options.root), rootOrRepoId);
  const looksLikePath =
    path.isAbsolute(expanded) || /^\.{1,2}([/\\]|$)/.test(rootOrRepoId) || rootOrRepoId.startsWith("~");
  if (looksLikePath || options.exists?.(expanded)) return path.resolve(expanded);
  return path.join(lerobotHome(options.env), rootOrRepoId);
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}

/**
 * Fill a Python str.format template such as `data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet`.
 * Only `{name}` and `{name:0Nd}` occur in LeRobot templates; anything else is refused rather than guessed.
 */
export function formatTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?::(0?)(\d*)d)?\}/g, (whole, name: string, zero: string, width: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template ${template} uses {${name}} which has no value`);
    if (whole.includes(":")) {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new Error(`template ${template}: {${name}} needs an integer, got ${String(value)}`);
      }
      const digits = String(Math.abs(value));
      const padded = width ? digits.padStart(Number(width), zero ? "0" : " ") : digits;
      return (value < 0 ? "-" : "") + padded;
    }
    return String(value);
  });
}

/**
 * Join a template-made relative path to the dataset root, refusing any result that leaves the
 * root (an info.json template like `../../etc/{file_index}` is an attack or a bug, never followed).
 */
export function resolveInside(root: string, relative: string): string {
  if (path.isAbsolute(relative)) throw new Error(`path ${relative} is absolute; dataset paths must be relative`);
  const full = path.resolve(root, relative);
  const rel = path.relative(path.resolve(root), full);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new Error(`path ${relative} escapes the dataset folder ${root}`);
  }
  return full;
}

/** The (chunk, file) pair that follows `(chunk, file)` when chunk folders hold `chunksSize` files. */
export function nextChunkFile(chunk: number, file: number, chunksSize: number): { chunk: number; file: number } {
  return file + 1 >= chunksSize ? { chunk: chunk + 1, file: 0 } : { chunk, file: file + 1 };
}
