/**
 * Streams raw RGB frames of one camera episode into an ffmpeg process that writes an mp4 clip.
 * Frames go through a pipe (no PNG round trip); the clip is later appended to the dataset's file.
 */
import os from "node:os";
import { spawn } from "node:child_process";
import type { ChildProcessByStdio } from "node:child_process";
import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { VideoError } from "../../errors.js";
import { TextTail, passthroughArgs } from "../../system/index.js";
import type { FfmpegInfo } from "../../system/index.js";
import type { VideoEncoderSettings } from "./encoder-settings.js";
import { codecArgs, resolveEncoderSettings } from "./encoder-settings.js";

export interface EncoderOptions extends VideoEncoderSettings {
  ffmpeg: FfmpegInfo;
  outPath: string;
  width: number;
  height: number;
  fps: number;
  /** A resolved ffmpeg encoder name (see resolveVideoCodec). */
  vcodec: string;
}

export function encoderArgs(opts: EncoderOptions): string[] {
  const settings = resolveEncoderSettings(opts.vcodec, opts);
  return [
    "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
    "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${opts.width}x${opts.height}`, "-framerate", String(opts.fps),
    "-i", "pipe:0",
    "-an", "-map", "0:v:0",
    "-c:v", opts.vcodec,
    ...codecArgs(settings),
    "-pix_fmt", settings.pixFmt,
    // Input pts are exactly i/fps; keep them as they are so the clip has one frame per write.
    ...passthroughArgs(opts.ffmpeg),
    "-f", "mp4", opts.outPath,
  ];
}

type EncoderChild = ChildProcessByStdio<Writable, null, Readable>;

export class EpisodeVideoEncoder {
  private readonly frameBytes: number;
  private readonly tail = new TextTail();
  private readonly exited: Promise<void>;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private spawnError: Error | undefined;
  private hasExited = false;
  private written = 0;
  private state: "open" | "finishing" | "done" | "aborted" = "open";

  private constructor(
    private readonly child: EncoderChild,
    private readonly opts: EncoderOptions,
  ) {
    this.frameBytes = opts.width * opts.height * 3;
    child.stderr.on("data", (d: Buffer) => this.tail.push(d));
    // EPIPE after ffmpeg dies surfaces through write callbacks; this only keeps it from crashing us.
    child.stdin.on("error", () => {});
    this.exited = new Promise((resolve) => {
      child.on("error", (err) => {
        this.spawnError = err;
        this.hasExited = true;
        resolve();
      });
      child.on("close", (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.hasExited = true;
        resolve();
      });
    });
  }

  static start(opts: EncoderOptions): EpisodeVideoEncoder {
    for (const [name, v] of [["width", opts.width], ["height", opts.height], ["fps", opts.fps]] as const) {
      if (!(v > 0) || !Number.isFinite(v)) throw new VideoError(`${opts.outPath}: invalid ${name} ${v}`, { file: opts.outPath });
    }
    if ((opts.pixFmt ?? "yuv420p") === "yuv420p" && (opts.width % 2 !== 0 || opts.height % 2 !== 0)) {
      throw new VideoError(`${opts.outPath}: yuv420p needs even width and height, got ${opts.width}x${opts.height}`, { file: opts.outPath });
    }
    mkdirSync(path.dirname(opts.outPath), { recursive: true });
    const child = spawn(opts.ffmpeg.path, encoderArgs(opts), { stdio: ["pipe", "ignore", "pipe"] });
    lowerPriority(child.pid);
    return new EpisodeVideoEncoder(child, opts);
  }

  get framesWritten(): number {
    return this.written;
  }

  /**
   * Whether this encoder keeps the Node process alive. An encoder started ahead of time and
   * still waiting for its first frame should not (a program that saves its last episode and
   * returns must exit); once frames flow it must, or a pending write could be dropped on exit.
   */
  keepAlive(alive: boolean): void {
    const handles = [this.child, this.child.stdin, this.child.stderr] as unknown as { ref?(): void; unref?(): void }[];
    for (const handle of handles) {
      if (alive) handle.ref?.();
      else handle.unref?.();
    }
  }

  /**
   * Queues one rgb24 frame (height*width*3 bytes, row-major). Resolves once the pipe has taken it,
   * so the caller may reuse the buffer afterwards and a fast producer is held back by ffmpeg.
   */
  async write(frame: Uint8Array): Promise<void> {
    if (this.state !== "open") throw new VideoError(`${this.opts.outPath}: write after ${this.state === "aborted" ? "abort" : "finish"}`, { file: this.opts.outPath });
    if (frame.byteLength !== this.frameBytes) {
      throw new VideoError(
        `${this.opts.outPath}: frame has ${frame.byteLength} bytes, expected ${this.frameBytes} (${this.opts.width}x${this.opts.height} rgb24)`,
        { file: this.opts.outPath },
      );
    }
    if (this.hasExited) throw this.diedError();
    const accepted = await new Promise<Error | null | undefined>((resolve) => {
      this.child.stdin.write(frame, resolve);
    });
    if (accepted) {
      // The pipe broke: ffmpeg is gone. Wait for it so the error carries its last words.
      await Promise.race([this.exited, delay(2000)]);
      throw this.diedError(accepted);
    }
    this.written += 1;
  }

  /** Closes the input and waits for ffmpeg to write the file. */
  async finish(): Promise<{ path: string; frames: number }> {
    if (this.state !== "open") throw new VideoError(`${this.opts.outPath}: finish called twice or after abort`, { file: this.opts.outPath });
    this.state = "finishing";
    this.keepAlive(true); // we are about to wait for the process: it must hold the loop
    this.child.stdin.end();
    await this.exited;
    this.state = "done";
    if (this.spawnError !== undefined || this.exitCode !== 0) {
      await rm(this.opts.outPath, { force: true });
      throw this.diedError();
    }
    if (this.written === 0) {
      await rm(this.opts.outPath, { force: true });
      throw new VideoError(`${this.opts.outPath}: no frames were written`, { file: this.opts.outPath });
    }
    return { path: this.opts.outPath, frames: this.written };
  }

  /** Kills ffmpeg and deletes the clip (partial or finished). Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.state === "aborted") return;
    this.state = "aborted";
    this.keepAlive(true); // we wait for the exit below: the process must hold the loop until then
    if (!this.hasExited) this.child.kill("SIGKILL");
    await this.exited;
    await rm(this.opts.outPath, { force: true });
  }

  private diedError(cause?: Error): VideoError {
    const how = this.spawnError
      ? `could not run ${this.opts.ffmpeg.path}: ${this.spawnError.message}`
      : this.hasExited
        ? `ffmpeg exited with ${this.exitSignal ?? `code ${this.exitCode}`}`
        : `ffmpeg stopped reading frames (${cause?.message ?? "pipe closed"})`;
    const tail = this.tail.toString();
    return new VideoError(`encoding ${this.opts.outPath} (${this.opts.vcodec}) failed: ${how}${tail ? `\n${tail}` : ""}`, {
      file: this.opts.outPath,
      cause: cause ?? this.spawnError,
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Encoding is throughput work with a pipe of slack in front of it; a recorder's clock is not.
 * Below normal priority, the encoders never delay the tick that feeds them on a busy machine.
 */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, 10);
  } catch {
    // Not permitted here (some containers): the encoder runs at normal priority.
  }
}
