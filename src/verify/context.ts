/**
 * What the checks share while verify runs: the dataset's files (a folder, or a Hub repo read in
 * place), what has been loaded so far (each check group fills in what later ones need), the
 * findings, and tolerant file access that turns every way a file can be bad into a finding
 * instead of an exception.
 */
import path from "node:path";
import type * as arrow from "apache-arrow";
import type { EpisodeRecord, DatasetFiles, FileKind, DatasetInfo, SaveJournal, ParquetFileMetadata, ReadParquetOptions } from "../dataset/index.js";
import { MissingFooterError, readParquet, readParquetMetadata, formatTemplate, resolveInside } from "../dataset/index.js";
import type { CheckGroup, CheckId } from "./catalog.js";
import { FindingCollector } from "./findings.js";
import type { FindingLocation } from "./findings.js";
import type { EpisodeSignals } from "./signals.js";

/** LeRobot's default tolerance between a queried timestamp and a frame (LeRobotDataset tolerance_s). */
export const TOLERANCE_S = 1e-4;

/** What verify looks at and how much it reports. */
export interface VerifyOptions {
  /** Parent folder of a repo id (LeRobot's --root). */
  root?: string;
  /** Do not look at mp4 files. */
  skipVideos?: boolean;
  /** Decode every video frame and check it against the timestamps LeRobot queries. */
  deep?: boolean;
  /** Check the data and videos of the first N episodes only (metadata is always checked whole). */
  maxEpisodes?: number;
  /** Findings kept per check id (the rest are counted). Default 20. */
  maxFindingsPerCheck?: number;
  /** Called as each group starts and as long groups advance. */
  onProgress?: (progress: VerifyProgress) => void;
}

/** Progress of a verify run: the group running and how far it is (`done` of `total` units of that group). */
export interface VerifyProgress {
  group: CheckGroup;
  done: number;
  total: number;
}

/** The ids of the file-level problems, per group that reads parquet files. */
export interface ParquetCheckIds {
  missing: CheckId;
  unreadable: CheckId;
  noFooter: CheckId;
}

export class VerifyContext {
  readonly root: string;
  readonly findings: FindingCollector;
  info: DatasetInfo | undefined;
  /** Task texts by row of meta/tasks.parquet (= task_index in a valid file). */
  tasks: string[] | undefined;
  /** Every episode row of meta/episodes, in file order. */
  episodes: EpisodeRecord[] | undefined;
  /** Per-episode values seen in the data files (for stats and quality checks). */
  readonly signals = new Map<number, EpisodeSignals>();
  /** task_index values the data rows use. */
  readonly usedTaskIndices = new Set<number>();
  /** Absolute paths of the files the dataset uses; anything else is unreferenced. */
  readonly referenced = new Set<string>();
  /** Groups that did not run, with the reason. */
  readonly skipped = new Map<CheckGroup, string>();
  /**
   * The journal of a save info.json has not committed (dataset/save-journal.ts): the checks
   * leave out exactly what it put past info.json (dataset/committed-view.ts) and say what in
   * `pendingParts`, which checks/unfinished-save.ts reports once.
   */
  pendingSave: SaveJournal | undefined;
  readonly pendingParts: string[] = [];

  constructor(
    readonly files: DatasetFiles,
    readonly options: VerifyOptions,
  ) {
    this.root = files.root;
    this.findings = new FindingCollector(this.root, options.maxFindingsPerCheck);
  }

  add(check: CheckId, message: string, where: FindingLocation = {}): void {
    this.findings.add(check, message, where);
  }

  rel(file: string): string {
    return this.findings.relative(file);
  }

  /** The episodes whose data and videos are checked (all, or the first --max-episodes). */
  get checkedEpisodes(): EpisodeRecord[] {
    const all = this.episodes ?? [];
    return this.options.maxEpisodes === undefined ? all : all.slice(0, this.options.maxEpisodes);
  }

  /** Whether every episode is checked (checks about whole files need that). */
  get checksEverything(): boolean {
    return this.checkedEpisodes.length === (this.episodes?.length ?? 0);
  }

  /** A data file's path from info.json's template, or undefined when the template is unusable. */
  dataFile(chunkIndex: number, fileIndex: number): string | undefined {
    return this.templatePath(this.info?.data_path, { chunk_index: chunkIndex, file_index: fileIndex });
  }

  videoFile(videoKey: string, chunkIndex: number, fileIndex: number): string | undefined {
    return this.templatePath(this.info?.video_path ?? undefined, { video_key: videoKey, chunk_index: chunkIndex, file_index: fileIndex });
  }

  private templatePath(template: string | undefined, values: Record<string, string | number>): string | undefined {
    if (!template) return undefined;
    try {
      return resolveInside(this.root, formatTemplate(template, values));
    } catch {
      return undefined; // info.path_template reports it once
    }
  }

  /**
   * A parquet file's footer, or undefined after reporting why it cannot be had: missing, a
   * directory, unreadable, or never closed.
   */
  async parquetMetadata(file: string, ids: ParquetCheckIds, where: FindingLocation = {}): Promise<ParquetFileMetadata | undefined> {
    const at = { ...where, file };
    const kind = this.files.kind(file);
    if (kind !== "file") {
      this.add(kind === "missing" ? ids.missing : ids.unreadable, `${this.rel(file)} ${KIND_TEXT[kind]}`, at);
      return undefined;
    }
    try {
      return await readParquetMetadata(this.files.source(file));
    } catch (error) {
      if (error instanceof MissingFooterError) {
        this.add(ids.noFooter, `${this.rel(file)} has no parquet footer: it was never closed (a recording that crashed?)`, at);
      } else {
        this.add(ids.unreadable, `${this.rel(file)} cannot be read: ${this.errorText(error, file)}`, at);
      }
      return undefined;
    }
  }

  /** Read a parquet file already known to have a footer; reports and returns undefined on failure. */
  async readTable(file: string, id: CheckId, options: ReadParquetOptions = {}, where: FindingLocation = {}): Promise<arrow.Table | undefined> {
    try {
      return await readParquet(this.files.source(file), options);
    } catch (error) {
      this.add(id, `${this.rel(file)} cannot be read: ${this.errorText(error, file)}`, { ...where, file });
      return undefined;
    }
  }

  /** An error's one line with the file named relative to the dataset, so a folder and its Hub copy read the same. */
  errorText(error: unknown, file: string): string {
    return shortError(error).replaceAll(file, this.rel(file));
  }

  progress(group: CheckGroup, done: number, total: number): void {
    this.options.onProgress?.({ group, done, total });
  }
}

const KIND_TEXT: Record<Exclude<FileKind, "file">, string> = {
  directory: "is a directory, not a file",
  missing: "does not exist",
  other: "is not a regular file",
  denied: "cannot be read (permission denied)",
};

export function describeKind(kind: Exclude<FileKind, "file">): string {
  return KIND_TEXT[kind];
}

/** An error's message on one line, without the file path the finding already names. */
export function shortError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.slice(0, 300);
}

export function relativePosix(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}
