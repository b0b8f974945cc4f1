/**
 * Finding an ffmpeg binary, knowing what it can encode, and running it: shared by the dataset
 * layer (encode, decode, probe) and the hardware layer (camera capture), below both.
 *
 * Order: LEROBOT_FFMPEG (an explicit choice, used alone), then `ffmpeg` on PATH, then the binary
 * shipped in @ffmpeg-installer/ffmpeg. With `requireEncoder`, the first candidate that has that
 * encoder wins; otherwise the first one that runs.
 */
import { execFile, spawn } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, chmod, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { VideoError } from "../errors.js";

export interface FfmpegInfo {
  /** Absolute path of the executable. */
  path: string;
  /** The token after "ffmpeg version", e.g. "5.1.9-0+deb12u1" or "N-47683-g0e8eb07980-static". */
  version: string;
  /** Encoder names as `ffmpeg -encoders` lists them (libx264, libsvtav1, ...). */
  encoders: Set<string>;
  /**
   * Whether this ffmpeg knows `-fps_mode` (5.1+; `-vsync`, its predecessor, was removed in 9.0).
   * Set by findFfmpeg; when absent it is guessed from `version`.
   */
  supportsFpsMode?: boolean;
}

const NOT_FOUND = "ffmpeg not found: install it (apt-get install ffmpeg) or set LEROBOT_FFMPEG";

/** Per process: one probe per binary, one answer per (env, requireEncoder). */
const probeCache = new Map<string, Promise<FfmpegInfo | null>>();
const findCache = new Map<string, Promise<FfmpegInfo>>();

export function findFfmpeg(options: { requireEncoder?: string } = {}): Promise<FfmpegInfo> {
  const envPath = process.env.LEROBOT_FFMPEG ?? "";
  const key = `${envPath}\0${options.requireEncoder ?? ""}`;
  let found = findCache.get(key);
  if (!found) {
    found = locate(envPath, options.requireEncoder);
    // A failure is not cached: the user may install ffmpeg and retry in the same process.
    found.catch(() => findCache.delete(key));
    findCache.set(key, found);
  }
  return found;
}

async function locate(envPath: string, requireEncoder: string | undefined): Promise<FfmpegInfo> {
  if (envPath !== "") {
    const info = await probeBinary(envPath);
    if (!info) throw new VideoError(`LEROBOT_FFMPEG=${envPath} does not run as ffmpeg`, { file: envPath });
    return info;
  }
  let firstWorking: FfmpegInfo | undefined;
  for (const candidate of [await onPath("ffmpeg"), await installerBinary()]) {
    if (candidate === undefined) continue;
    const info = await probeBinary(candidate);
    if (!info) continue;
    if (requireEncoder === undefined || info.encoders.has(requireEncoder)) return info;
    firstWorking ??= info;
  }
  // None has the encoder: hand back one that runs so resolveVideoCodec can say what is missing.
  if (firstWorking) return firstWorking;
  throw new VideoError(NOT_FOUND);
}

function probeBinary(file: string): Promise<FfmpegInfo | null> {
  let probed = probeCache.get(file);
  if (!probed) {
    probed = (async () => {
      try {
        const versionOut = await execText(file, ["-hide_banner", "-version"]);
        const encodersOut = await execText(file, ["-hide_banner", "-encoders"]);
        const version = /ffmpeg version (\S+)/.exec(versionOut)?.[1];
        if (version === undefined) return null;
        const lavu = /libavutil\s+(\d+)\.\s*(\d+)/.exec(versionOut);
        const supportsFpsMode = lavu ? libavutilHasFpsMode(Number(lavu[1]), Number(lavu[2])) : versionHasFpsMode(version);
        return { path: file, version, encoders: parseEncoders(encodersOut), supportsFpsMode };
      } catch {
        return null;
      }
    })();
    // Like findFfmpeg's, a failure is not kept: the binary may be installed at this path later.
    void probed.then((info) => { if (info === null) probeCache.delete(file); });
    probeCache.set(file, probed);
  }
  return probed;
}

/** `-fps_mode` arrived with FFmpeg 5.1, whose libavutil is 57.28. */
function libavutilHasFpsMode(major: number, minor: number): boolean {
  return major > 57 || (major === 57 && minor >= 28);
}

/** Fallback for hand-made FfmpegInfo: release versions "5.1.2", "n6.0"; git builds assumed modern. */
function versionHasFpsMode(version: string): boolean {
  const m = /^n?(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  const major = Number(m[1]);
  return major > 5 || (major === 5 && Number(m[2]) >= 1);
}

/** The output option that keeps every frame with its own timestamp (no dup, no drop). */
export function passthroughArgs(ffmpeg: FfmpegInfo): string[] {
  const modern = ffmpeg.supportsFpsMode ?? versionHasFpsMode(ffmpeg.version);
  return modern ? ["-fps_mode", "passthrough"] : ["-vsync", "passthrough"];
}

function parseEncoders(text: string): Set<string> {
  const names = new Set<string>();
  // Lines look like " V....D libx264   libx264 H.264 ..." after the "------" legend separator.
  for (const line of text.split("\n")) {
    const m = /^\s*[VAS][A-Z.]{5}\s+(\S+)/.exec(line);
    if (m?.[1] !== undefined && m[1] !== "=") names.add(m[1]);
  }
  return names;
}

async function onPath(name: string): Promise<string | undefined> {
  const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE").split(";") : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext.toLowerCase());
      if (await isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

/** The binary from @ffmpeg-installer/ffmpeg; npm may have skipped its chmod, so try to fix it. */
async function installerBinary(): Promise<string | undefined> {
  let file: string;
  try {
    const req = createRequire(import.meta.url);
    file = (req("@ffmpeg-installer/ffmpeg") as { path: string }).path;
  } catch {
    return undefined; // not installed, or no build for this platform (it throws a string)
  }
  if (await isExecutableFile(file)) return file;
  try {
    const mode = (await stat(file)).mode;
    await chmod(file, mode | 0o111);
  } catch {
    return undefined;
  }
  return (await isExecutableFile(file)) ? file : undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function execText(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 15_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
  });
}

/** Keeps only the last `limit` characters of a stream (ffmpeg's stderr), for error messages. */
export class TextTail {
  private text = "";
  constructor(private readonly limit = 4096) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.limit * 2) this.text = this.text.slice(-this.limit);
  }
  toString(): string {
    return this.text.slice(-this.limit).trim();
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

/** Runs ffmpeg to completion with no stdin/stdout, keeping the tail of stderr. */
export function runFfmpeg(ffmpeg: FfmpegInfo, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const tail = new TextTail();
    const child = spawn(ffmpeg.path, args, { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr.on("data", (d: Buffer) => tail.push(d));
    child.on("error", (err) => reject(new VideoError(`could not run ffmpeg at ${ffmpeg.path}: ${err.message}`, { file: ffmpeg.path, cause: err })));
    child.on("close", (code, signal) => resolve({ code, signal, stderrTail: tail.toString() }));
  });
}
