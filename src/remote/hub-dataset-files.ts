/**
 * A Hub dataset repo as DatasetFiles, read in place: one recursive tree listing (names and sizes)
 * at a fixed commit, then byte ranges of the files the checks open. Nothing is downloaded whole
 * but the small JSON files.
 */
import path from "node:path";
import type { ByteSource, DatasetFiles, DirEntry, FileKind, RemoteTraffic } from "../dataset/index.js";
import { hubConfig, loginHint, HubError, describeHubFailure, hubStatus, checkRepoId, repoSnapshot } from "../hub/index.js";
import type { HubConfig } from "../hub/index.js";
import { CachedByteSource } from "./cached-source.js";
import { HubRangeReader } from "./hub-range.js";

export interface OpenHubDatasetFilesOptions {
  /** Branch, tag or commit; default: the version tag LeRobot would read (v3.0), else main. */
  revision?: string;
  env?: NodeJS.ProcessEnv;
  /** One-line remarks (a fallback revision). */
  onNote?: (line: string) => void;
}

/** Files whose cached reads are kept at once (the checks go through files one by one). */
const OPEN_FILES = 8;

export async function openHubDatasetFiles(repoId: string, options: OpenHubDatasetFilesOptions = {}): Promise<HubDatasetFiles> {
  const config = hubConfig(options.env ?? process.env);
  checkRepoId(repoId);
  if (config.offline) throw new HubError(`HF_HUB_OFFLINE is set, so ${repoId} cannot be read from the Hub`);
  try {
    const { revision, commit, files } = await repoSnapshot(repoId, config, { revision: options.revision, onNote: options.onNote });
    const sizes = new Map(files.map((entry) => [entry.path, entry.size]));
    return new HubDatasetFiles(repoId, revision, commit, sizes, new HubRangeReader({ endpoint: config.endpoint, token: config.token, repoId, commit }));
  } catch (error) {
    throw hubReadError(error, repoId, options.revision, config);
  }
}

export class HubDatasetFiles implements DatasetFiles {
  readonly root: string;
  private readonly directories = new Set<string>([""]);
  private readonly sources = new Map<string, CachedByteSource>();

  constructor(
    readonly repoId: string,
    readonly revision: string,
    readonly commit: string,
    /** Size of every file, by posix path in the repo. */
    private readonly sizes: Map<string, number>,
    private readonly reader: HubRangeReader,
  ) {
    // Never on disk: it only gives the checks absolute paths to build and report relative to.
    this.root = path.resolve(path.sep, "hf", "datasets", ...repoId.split("/"));
    for (const file of sizes.keys()) {
      const parts = file.split("/");
      for (let i = 1; i < parts.length; i++) this.directories.add(parts.slice(0, i).join("/"));
    }
  }

  get location(): string {
    return `hf://datasets/${this.repoId}@${this.revision}`;
  }

  kind(file: string): FileKind {
    const rel = this.relative(file);
    if (rel === undefined) return "missing";
    if (this.sizes.has(rel)) return "file";
    return this.directories.has(rel) ? "directory" : "missing";
  }

  size(file: string): number | undefined {
    const rel = this.relative(file);
    return rel === undefined ? undefined : this.sizes.get(rel);
  }

  list(dir: string): DirEntry[] {
    const rel = this.relative(dir);
    if (rel === undefined || !this.directories.has(rel)) throw new Error(`${dir} is not a folder of ${this.location}`);
    const prefix = rel === "" ? "" : `${rel}/`;
    const out = new Map<string, boolean>();
    for (const p of [...this.sizes.keys(), ...this.directories]) {
      if (!p.startsWith(prefix) || p === rel) continue;
      const name = p.slice(prefix.length).split("/")[0]!;
      out.set(name, (out.get(name) ?? false) || this.directories.has(`${prefix}${name}`));
    }
    return [...out].map(([name, directory]) => ({ name, directory, file: !directory }));
  }

  async readText(file: string): Promise<string> {
    const source = this.source(file);
    return Buffer.from(await source.read(0, source.size)).toString("utf8");
  }

  source(file: string): ByteSource {
    const rel = this.relative(file);
    const size = rel === undefined ? undefined : this.sizes.get(rel);
    if (rel === undefined || size === undefined) throw new Error(`${file} is not a file of ${this.location}`);
    let source = this.sources.get(rel);
    if (source) {
      this.sources.delete(rel); // re-inserted below: most recently used last
    } else {
      source = new CachedByteSource(file, size, (start, end) => this.reader.read(rel, start, end));
      if (this.sources.size >= OPEN_FILES) this.sources.delete(this.sources.keys().next().value!);
    }
    this.sources.set(rel, source);
    return source;
  }

  traffic(): RemoteTraffic {
    let datasetBytes = 0;
    for (const size of this.sizes.values()) datasetBytes += size;
    return { repoId: this.repoId, revision: this.revision, commit: this.commit, bytesRead: this.reader.bytesRead, datasetBytes, requests: this.reader.requests };
  }

  /** The repo path of an absolute path under root, or undefined outside it. */
  private relative(file: string): string | undefined {
    const rel = path.relative(this.root, path.resolve(this.root, file));
    if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join("/");
  }
}

/** One line for a Hub call that failed before any file was read. */
function hubReadError(error: unknown, repoId: string, revision: string | undefined, config: HubConfig): Error {
  if (error instanceof HubError) return error;
  const status = hubStatus(error);
  if (status === 401) return new HubError(`the Hub at ${config.endpoint} rejected the token from ${config.tokenSource}: ${loginHint(config)}`, { cause: error });
  if (status === 404 || status === 403) {
    const at = revision === undefined ? "" : ` at revision ${revision}`;
    const hint = config.token ? "" : ` (a private dataset needs a token: ${loginHint(config)})`;
    return new HubError(`no dataset ${repoId}${at} on ${config.endpoint}${hint}`, { cause: error });
  }
  return new HubError(`cannot read ${repoId} from the Hub: ${describeHubFailure(error, config.endpoint)}`, { cause: error });
}
