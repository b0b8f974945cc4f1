/**
 * Download a dataset repo into a local folder the way LeRobot does (LeRobotDataset._download and
 * LeRobotDatasetMetadata._pull_from_repo: huggingface_hub snapshot_download with local_dir):
 * at the revision get_safe_version picks (revision.ts), everything, or with `episodes` only
 * meta/ and then the data and video files those episodes live in.
 *
 * Files land as huggingface_hub's local_dir download leaves them: the file itself, and
 * `.cache/huggingface/download/<path>.metadata` (commit, etag, time) so a later pull, ours or
 * Python's, knows it is current. A file whose bytes already match the Hub's is never downloaded;
 * an interrupted download resumes from its `.incomplete` part with a Range request.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { downloadFile } from "@huggingface/hub";
import type { ListFileEntry } from "@huggingface/hub";
import { lerobotHome, resolveInside, openDataset as openLocalDataset } from "../dataset/index.js";
import { hubConfig, loginHint } from "./config.js";
import type { HubConfig } from "./config.js";
import { HubError, describeHubFailure, hubStatus } from "./errors.js";
import { checkRepoId } from "./repo-id.js";
import { repoSnapshot } from "./snapshot.js";

/** Options of pullDataset: LeRobot's download arguments in camelCase. */
export interface PullOptions {
  /** The dataset folder to fill (default $HF_LEROBOT_HOME/<repo_id>). */
  root?: string;
  /** Branch, tag or commit; default: the version tag LeRobot would read (v3.0), else main. */
  revision?: string;
  /**
   * Only these episodes' data and video files (meta/ is always complete): a list of episode
   * indices, or `{ first: n }` for the first n (all when the dataset has fewer).
   */
  episodes?: EpisodeSelection;
  /** false: no videos/ (LeRobot's download_videos=False). */
  videos?: boolean;
  /** Environment to read HF_ENDPOINT / HF_TOKEN / HF_HOME / HF_HUB_OFFLINE from. */
  env?: NodeJS.ProcessEnv;
  /** Called as files are listed and downloaded. */
  onProgress?: (event: PullProgress) => void;
  /** One-line remarks (a fallback revision). */
  onNote?: (line: string) => void;
}

/** Which episodes to download: indices, or the first n. */
export type EpisodeSelection = number[] | { first: number };

/** A pull's progress: listing the revision's files, then downloading. */
export type PullProgress =
  | { phase: "listing"; revision: string }
  | { phase: "downloading"; filesDone: number; files: number; bytesDone: number; bytes: number };

/** What a pull did. */
export interface PullResult {
  repoId: string;
  /** The local dataset folder. */
  root: string;
  /** The revision read (`v3.0`, `main`, or the one asked for). */
  revision: string;
  /** The commit it pointed to; every file was read at it. */
  commit: string;
  /** Files fetched now, posix paths. */
  downloaded: string[];
  /** Files that were already there with the Hub's content. */
  upToDate: string[];
  /** Bytes fetched now. */
  bytes: number;
}

interface RemoteFile {
  path: string;
  size: number;
  /** What huggingface_hub calls the etag: the LFS sha256, else the git blob oid. */
  etag: string;
  lfs: boolean;
}

const DOWNLOAD_CONCURRENCY = 4;

/**
 * Download a dataset repo into `root` (default $HF_LEROBOT_HOME/<repo_id>) as LeRobot's
 * snapshot_download with local_dir, at the revision LeRobot's get_safe_version picks (the v3.0
 * tag, else the newest v3.x at or below it; main with a note when there is no version tag).
 * Writes the files and huggingface_hub's `.cache/huggingface/download/*.metadata` records; files
 * already current are skipped, interrupted ones resumed.
 * @throws HubError when offline (HF_HUB_OFFLINE), the repo or revision does not exist or holds
 *   only v2.x versions, it is not a LeRobot dataset, a file is missing or arrives damaged, or the Hub is out of reach.
 */
export async function pullDataset(repoId: string, options: PullOptions = {}): Promise<PullResult> {
  const env = options.env ?? process.env;
  const config = hubConfig(env);
  checkRepoId(repoId);
  const root = path.resolve(options.root ?? path.join(lerobotHome(env), repoId));
  if (config.offline) throw new HubError(`${repoId} is not complete in ${root} and HF_HUB_OFFLINE is set, so it cannot be downloaded`);
  try {
    return await pull(repoId, root, config, options);
  } catch (error) {
    throw pullError(error, repoId, root, config);
  }
}

async function pull(repoId: string, root: string, config: HubConfig, options: PullOptions): Promise<PullResult> {
  const { revision, commit, files } = await repoSnapshot(repoId, config, {
    revision: options.revision, onNote: options.onNote, onRevision: (r) => options.onProgress?.({ phase: "listing", revision: r }),
  });
  const remote = new Map<string, RemoteFile>(files.map((entry) => [entry.path, remoteFile(entry)]));
  if (!remote.has("meta/info.json")) throw new HubError(`${repoId} at ${revision} is not a LeRobot dataset (no meta/info.json)`);

  const videos = options.videos ?? true;
  const fetcher = new Downloader(repoId, root, commit, config, options.onProgress);
  if (options.episodes === undefined) {
    const wanted = [...remote.values()].filter((f) => videos || !f.path.startsWith("videos/"));
    await fetcher.fetchAll(wanted);
  } else {
    await fetcher.fetchAll([...remote.values()].filter((f) => f.path.startsWith("meta/")));
    const needed = await episodeFiles(root, options.episodes, videos, { label: repoId });
    const missing = needed.filter((p) => !remote.has(p));
    if (missing.length > 0) throw new HubError(`${repoId} at ${revision} lacks ${missing[0]}, which its metadata names${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ""}`);
    await fetcher.fetchAll(needed.map((p) => remote.get(p)!));
  }
  return { repoId, root, revision, commit, downloaded: fetcher.downloaded, upToDate: fetcher.upToDate, bytes: fetcher.bytes };
}

/**
 * The data and video files of some episodes, posix paths, from the local meta/ (as LeRobot's
 * DatasetReader.get_episodes_file_paths).
 */
export async function episodeFiles(
  root: string, selection: EpisodeSelection | undefined, videos: boolean, options: { label?: string; skipUnknown?: boolean } = {},
): Promise<string[]> {
  const dataset = await openLocalDataset(root);
  const files = new Set<string>();
  const indices = selection === undefined ? dataset.episodes.map((e) => e.episodeIndex)
    : Array.isArray(selection) ? selection : dataset.episodes.slice(0, selection.first).map((e) => e.episodeIndex);
  for (const index of indices) {
    const episode = dataset.episodes.find((e) => e.episodeIndex === index);
    if (!episode && options.skipUnknown) continue;
    if (!episode) throw new HubError(`episode ${index} is not in ${options.label ?? root} (it has episodes 0..${dataset.numEpisodes - 1})`);
    files.add(toPosix(path.relative(root, episode.dataFile)));
    if (videos) for (const camera of Object.values(episode.cameras)) files.add(toPosix(path.relative(root, camera.path)));
  }
  return [...files].sort();
}

function remoteFile(entry: ListFileEntry): RemoteFile {
  return { path: entry.path, size: entry.size, etag: entry.lfs?.oid ?? entry.oid ?? "", lfs: entry.lfs !== undefined };
}

/** Downloads files into root, skipping those already there, a few at a time, with progress. */
class Downloader {
  readonly downloaded: string[] = [];
  readonly upToDate: string[] = [];
  bytes = 0;
  private bytesDone = 0;
  private bytesTotal = 0;
  private filesDone = 0;
  private filesTotal = 0;

  constructor(
    private readonly repoId: string,
    private readonly root: string,
    private readonly commit: string,
    private readonly config: HubConfig,
    private readonly onProgress: PullOptions["onProgress"],
  ) {}

  async fetchAll(files: RemoteFile[]): Promise<void> {
    const todo: RemoteFile[] = [];
    for (const file of files) {
      if (await this.isCurrent(file)) this.upToDate.push(file.path);
      else todo.push(file);
    }
    this.filesTotal += todo.length;
    this.bytesTotal += todo.reduce((sum, f) => sum + f.size, 0);
    this.report();
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      // After a failure no new file is started, and the call returns only once the files in
      // flight are settled, so a retry never races a download still writing.
      while (next < todo.length && !failure) {
        const file = todo[next++]!;
        try {
          await this.download(file);
        } catch (error) {
          failure ??= { error };
          return;
        }
        this.filesDone += 1;
        this.downloaded.push(file.path);
        this.report();
      }
    };
    await Promise.all(Array.from({ length: Math.min(DOWNLOAD_CONCURRENCY, todo.length) }, worker));
    if (failure) throw failure.error;
  }

  /** The local file has the Hub's content: its metadata says so, or its bytes hash to the Hub's id. */
  private async isCurrent(file: RemoteFile): Promise<boolean> {
    const local = resolveInside(this.root, file.path);
    const stat = fs.statSync(local, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size !== file.size) return false;
    const meta = readMetadata(this.root, file.path);
    if (meta?.etag === file.etag) return true;
    const same = (await hashFile(local, file.lfs ? "sha256" : "git")) === file.etag;
    if (same) writeMetadata(this.root, file.path, this.commit, file.etag);
    return same;
  }

  private async download(file: RemoteFile): Promise<void> {
    const local = resolveInside(this.root, file.path);
    const partial = path.join(metadataDir(this.root), `${file.path}.${file.etag}.incomplete`);
    fs.mkdirSync(path.dirname(partial), { recursive: true });
    let have = fs.statSync(partial, { throwIfNoEntry: false })?.size ?? 0;
    if (have > file.size) {
      fs.rmSync(partial);
      have = 0;
    }
    const hash = file.lfs ? createHash("sha256") : gitBlobHash(file.size);
    if (have > 0) for await (const chunk of fs.createReadStream(partial)) hash.update(chunk as Buffer);
    this.bytesDone += have;
    if (have < file.size) {
      const url = `${this.config.endpoint}/datasets/${this.repoId}/resolve/${this.commit}/${file.path.split("/").map(encodeURIComponent).join("/")}`;
      const blob = await downloadFile({
        repo: { type: "dataset", name: this.repoId }, path: file.path, revision: this.commit, hubUrl: this.config.endpoint,
        ...(this.config.token ? { accessToken: this.config.token } : {}),
        // The listing gave size and id already: no probe request per file.
        downloadInfo: { size: file.size, etag: file.etag, url },
      });
      if (!blob) throw new HubError(`${file.path} vanished from ${this.repoId} while downloading`);
      const body = Readable.fromWeb((have > 0 ? blob.slice(have) : blob).stream() as NodeReadableStream<Uint8Array>);
      const out = fs.createWriteStream(partial, { flags: have > 0 ? "a" : "w" });
      try {
        for await (const chunk of body) {
          const bytes = chunk as Buffer;
          hash.update(bytes);
          this.bytes += bytes.length;
          this.bytesDone += bytes.length;
          if (!out.write(bytes)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
          this.report();
        }
      } finally {
        await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      }
    }
    const size = fs.statSync(partial).size;
    const digest = hash.digest("hex");
    if (size !== file.size || digest !== file.etag) {
      fs.rmSync(partial, { force: true });
      throw new HubError(`${file.path} from ${this.repoId} arrived damaged (${size} of ${file.size} bytes, hash ${digest.slice(0, 12)} not ${file.etag.slice(0, 12)}); pull again`);
    }
    fs.mkdirSync(path.dirname(local), { recursive: true });
    fs.renameSync(partial, local);
    writeMetadata(this.root, file.path, this.commit, file.etag);
  }

  private lastReport = 0;
  private report(): void {
    const now = Date.now();
    if (now - this.lastReport < 200 && this.filesDone !== this.filesTotal) return;
    this.lastReport = now;
    this.onProgress?.({ phase: "downloading", filesDone: this.filesDone, files: this.filesTotal, bytesDone: this.bytesDone, bytes: this.bytesTotal });
  }
}

// ---------- huggingface_hub's local_dir bookkeeping (_local_folder.py) ----------

function metadataDir(root: string): string {
  return path.join(root, ".cache", "huggingface", "download");
}

function readMetadata(root: string, file: string): { commit: string; etag: string } | undefined {
  try {
    const [commit, etag] = fs.readFileSync(path.join(metadataDir(root), `${file}.metadata`), "utf8").split("\n");
    return commit && etag ? { commit, etag } : undefined;
  } catch {
    return undefined;
  }
}

function writeMetadata(root: string, file: string, commit: string, etag: string): void {
  const cache = path.join(root, ".cache", "huggingface");
  const target = path.join(metadataDir(root), `${file}.metadata`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // huggingface_hub keeps its cache out of git the same way.
  if (!fs.existsSync(path.join(cache, ".gitignore"))) fs.writeFileSync(path.join(cache, ".gitignore"), "*");
  fs.writeFileSync(target, `${commit}\n${etag}\n${Date.now() / 1000}\n`);
}

/** sha256 (LFS files) or git's blob id (other files) of a local file. */
async function hashFile(file: string, kind: "sha256" | "git"): Promise<string> {
  const hash = kind === "sha256" ? createHash("sha256") : gitBlobHash(fs.statSync(file).size);
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function gitBlobHash(size: number): ReturnType<typeof createHash> {
  return createHash("sha1").update(`blob ${size}\0`);
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

function pullError(error: unknown, repoId: string, root: string, config: HubConfig): Error {
  if (error instanceof HubError) return error;
  const status = hubStatus(error);
  if (status === 401 && config.token) return new HubError(`the Hub at ${config.endpoint} rejected the token from ${config.tokenSource}: ${loginHint(config)}`, { cause: error });
  // Without a token the Hub answers 401 for a repo that is private or missing alike.
  if (status === 401 || status === 404 || status === 403) {
    const hint = config.token ? "" : ` (a private dataset needs a token: ${loginHint(config)})`;
    return new HubError(`no dataset ${repoId} on ${config.endpoint}${hint}, and none at ${root}`, { cause: error });
  }
  return new HubError(`could not download ${repoId}: ${describeHubFailure(error, config.endpoint)} (nothing at ${root} was lost; run it again to resume)`, { cause: error });
}
