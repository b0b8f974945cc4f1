/**
 * How verify and inspect reach a dataset's files: a folder on disk, or a Hub repository read over
 * HTTP without downloading it. Files are named by absolute paths under `root` in both cases, so
 * the checks build paths from info.json's templates the same way and report them relative to it.
 */
import fs from "node:fs";
import path from "node:path";
import type { RemoteTraffic } from "./read-traffic.js";
import type { ByteSource } from "./byte-source.js";

export type FileKind = "file" | "directory" | "missing" | "other" | "denied";

export interface DirEntry {
  name: string;
  directory: boolean;
  /** A regular file (not a folder, link, socket, ...). */
  file: boolean;
}

export interface DatasetFiles {
  /** Absolute path standing for the dataset folder (for a Hub dataset, a path that is never on disk). */
  readonly root: string;
  /** Where the dataset is, as reports show it: the folder, or hf://datasets/<repo_id>@<revision>. */
  readonly location: string;
  /** What is at a path, without throwing. */
  kind(file: string): FileKind;
  /** Size in bytes of a file, undefined when `kind` is not "file". */
  size(file: string): number | undefined;
  /** A directory's entries (any order); throws when it cannot be listed. */
  list(dir: string): DirEntry[];
  readText(file: string): Promise<string>;
  /** What the parquet and mp4 readers take: a local path (read with fs) or a ranged ByteSource. */
  source(file: string): string | ByteSource;
  /** What reading a remote dataset has cost so far; undefined for a local folder. */
  traffic(): RemoteTraffic | undefined;
}

/** A dataset folder on disk. */
export class LocalDatasetFiles implements DatasetFiles {
  readonly root: string;
  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get location(): string {
    return this.root;
  }

  kind(file: string): FileKind {
    return localFileKind(file);
  }

  size(file: string): number | undefined {
    try {
      const stat = fs.statSync(file);
      return stat.isFile() ? stat.size : undefined;
    } catch {
      return undefined;
    }
  }

  list(dir: string): DirEntry[] {
    return fs.readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, directory: e.isDirectory(), file: e.isFile() }));
  }

  readText(file: string): Promise<string> {
    return fs.promises.readFile(file, "utf8");
  }

  source(file: string): string {
    return file;
  }

  traffic(): undefined {
    return undefined;
  }
}

/** What is at a path on disk, without throwing; a file we may not read counts as `denied`. */
export function localFileKind(file: string): FileKind {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EACCES" ? "denied" : "missing";
  }
  if (stat.isDirectory()) return "directory";
  if (!stat.isFile()) return "other";
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    return "denied";
  }
  return "file";
}
