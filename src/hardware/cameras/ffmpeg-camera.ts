/**
 * A camera read through ffmpeg: ffmpeg opens the device (v4l2, avfoundation, dshow, or any input
 * args) and writes rgb24 frames to a named pipe read straight into the frame buffers (see
 * frame-fifo.ts), or, where there are no named pipes, to its stdout, cut into frames here.
 *
 * Frame buffers are reused, so no frame allocates. Free-running (the default): a device delivers
 * at its own rate and only the newest complete frame is kept; older ones are dropped, never
 * queued. Reader-paced (`readerPaced`, for sources that are not clocked): frames are read up to
 * READ_AHEAD ahead of the reader and handed out in order; the pipe is paused while they wait.
 */
import { spawn } from "node:child_process";
import type { ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { findFfmpeg, passthroughArgs, TextTail } from "../../system/index.js";
import { CameraError } from "./camera.js";
import type { Camera, CameraFrame } from "./camera.js";
import type { FrameFifo } from "./frame-fifo.js";
import { makeFrameFifo } from "./frame-fifo.js";

/** Options of `new FfmpegCamera(options)`; openCamera builds them from a CameraConfig. */
export interface FfmpegCameraOptions {
  /** The camera's name, for messages and the observation key. */
  name: string;
  /** Size of the frames handed out; ffmpeg scales if the device delivers another size. */
  width: number;
  height: number;
  fps: number;
  /** ffmpeg arguments up to and including `-i <input>`. */
  inputArgs: string[];
  /** What the input is, for messages: "/dev/video0", "lavfi testsrc2". */
  source: string;
  /** ffmpeg filters applied before scaling (e.g. "transpose=clock" for a rotated camera). */
  videoFilter?: string;
  /** "bgr24" for LeRobot's color_mode "bgr". */
  pixelFormat?: "rgb24" | "bgr24";
  /** start() rejects if no frame arrived by then. Default 5000. */
  firstFrameTimeoutMs?: number;
  /** start() keeps reading (and dropping) frames this long after the first one, as LeRobot's warmup_s. */
  warmupMs?: number;
  /** Hand frames out in order, reading at most a couple ahead, instead of keeping only the newest (for unclocked sources). */
  readerPaced?: boolean;
  /** How frames come from ffmpeg: a named pipe where the platform has them (default), or its stdout. */
  frameTransport?: "fifo" | "stdout";
}

const BUSY_HINTS =
  "check it is not used by another program; USB bandwidth: put cameras on different USB buses (lsusb -t), lower fps or resolution, or use input_format mjpeg";

type FfmpegChild = ChildProcessByStdio<null, Readable | null, Readable>;

/** Frames a reader-paced camera reads ahead of its reader. */
const READ_AHEAD = 2;

/**
 * A camera read through an ffmpeg child process (see Camera for the methods). start() runs
 * ffmpeg and resolves at the first frame (after warmupMs); it rejects with CameraError when the
 * camera was already started or no frame comes within firstFrameTimeoutMs, and with VideoError
 * when no ffmpeg is found. A camera lost later is reported once through onError as a CameraError.
 * stop() kills ffmpeg and waits for it to exit.
 */
export class FfmpegCamera implements Camera {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  private readonly options: FfmpegCameraOptions;
  private readonly frameBytes: number;
  private child: FfmpegChild | undefined;
  private fifo: FrameFifo | undefined;
  private readonly stderr = new TextTail();
  private filling: Uint8Array;
  private filled = 0;
  private newest: Uint8Array | undefined;
  private newestAtMs = 0;
  private spare: Uint8Array | undefined;
  private handed: CameraFrame | undefined;
  /** Complete frames received from ffmpeg. */
  private received = 0;
  /** Reader-paced mode: frames read ahead, oldest first, and buffers free for reuse. */
  private readonly ready: { data: Uint8Array; atMs: number }[] = [];
  private readonly pool: Uint8Array[] = [];
  private handedOut = 0;
  private state: "idle" | "starting" | "running" | "failed" | "stopping" | "stopped" = "idle";
  private readonly listeners = new Set<(error: Error) => void>();
  private firstFrame: (() => void) | undefined;
  /** Resolves when ffmpeg has exited and its pipes are closed. */
  private closed: Promise<void> = Promise.resolve();

  constructor(options: FfmpegCameraOptions) {
    this.options = options;
    this.name = options.name;
    this.width = options.width;
    this.height = options.height;
    this.fps = options.fps;
    this.frameBytes = options.width * options.height * 3;
    this.filling = new Uint8Array(this.frameBytes);
  }

  /** ffmpeg's process id while it runs (tests kill it to simulate a lost device). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.state !== "idle") throw new CameraError(`camera '${this.name}' was already started`, this.name);
    this.state = "starting";
    const ffmpeg = await findFfmpeg();
    const o = this.options;
    const args = [
      "-hide_banner", "-nostdin", "-loglevel", "error",
      ...o.inputArgs,
      "-an",
      ...(o.videoFilter !== undefined ? ["-vf", o.videoFilter] : []),
      ...passthroughArgs(ffmpeg),
      "-f", "rawvideo", "-pix_fmt", o.pixelFormat ?? "rgb24", "-s", `${this.width}x${this.height}`,
    ];
    const fifo = o.frameTransport === "stdout" ? undefined : makeFrameFifo(this.name);
    this.fifo = fifo;
    // -y: the FIFO exists already (ffmpeg would otherwise refuse to "overwrite" it).
    const child = spawn(ffmpeg.path, [...args, ...(fifo ? ["-y", fifo.path] : ["pipe:1"])], { stdio: ["ignore", fifo ? "ignore" : "pipe", "pipe"] }) as FfmpegChild;
    this.child = child;
    if (fifo) fifo.read(() => this.filling.subarray(this.filled), (n) => this.landed(n));
    else child.stdout!.on("data", (chunk: Buffer) => this.take(chunk));
    child.stderr.on("data", (chunk: Buffer) => this.stderr.push(chunk));
    // Report an exit only once stderr is drained, so the message has ffmpeg's last words.
    const stderrClosed = new Promise<void>((resolve) => child.stderr.once("close", () => resolve()));
    const exit = new Promise<string>((resolve) => {
      child.once("error", (err) => resolve(`could not run ffmpeg at ${ffmpeg.path}: ${err.message}`));
      child.once("exit", (code, signal) => resolve(signal !== null ? `ffmpeg was killed (${signal})` : `ffmpeg exited with code ${code}`));
    });
    this.closed = new Promise((resolve) => {
      child.once("close", () => resolve());
      child.once("error", () => resolve());
    });
    const ended = Promise.all([exit, stderrClosed]).then(([how]) => this.lastWords(how));

    const timeoutMs = o.firstFrameTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      new Promise<"frame">((resolve) => (this.firstFrame = () => resolve("frame"))),
      ended.then((why) => ({ why })),
      new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.firstFrame = undefined;
    if (outcome !== "frame") {
      const failure =
        outcome === "timeout"
          ? `camera '${this.name}' (${o.source}) delivered no frame in ${timeoutMs / 1000} s: ${BUSY_HINTS}`
          : `camera '${this.name}' (${o.source}) could not start: ${outcome.why}; lerobot-ts find-cameras lists the cameras; ${BUSY_HINTS}`;
      await this.stop();
      throw new CameraError(failure, this.name);
    }
    if (this.state !== "starting") throw new CameraError(`camera '${this.name}' was stopped while starting`, this.name);
    this.state = "running";
    void ended.then((why) => this.fail(`camera '${this.name}' (${o.source}) stopped delivering frames: ${why}`));
    if (o.warmupMs) await new Promise((resolve) => setTimeout(resolve, o.warmupMs));
  }

  latest(): CameraFrame | undefined {
    if (this.options.readerPaced) return this.nextReadAhead();
    const newest = this.newest;
    if (newest === undefined) return this.handed;
    this.newest = undefined;
    if (this.handed) this.spare = this.handed.data;
    this.handed = { data: newest, sequence: this.received - 1, receivedAtMs: this.newestAtMs };
    return this.handed;
  }

  /**
   * Reader-paced: the oldest frame read ahead, in order; ffmpeg reads on while fewer than
   * READ_AHEAD frames wait, so one slow frame (a busy machine) does not make the reader late.
   */
  private nextReadAhead(): CameraFrame | undefined {
    const next = this.ready.shift();
    if (!next) return this.handed;
    if (this.handed) this.pool.push(this.handed.data);
    this.handed = { data: next.data, sequence: this.handedOut++, receivedAtMs: next.atMs };
    if (this.ready.length < READ_AHEAD) {
      if (this.fifo) this.fifo.resume();
      else this.child?.stdout?.resume();
    }
    return this.handed;
  }

  onError(listener: (error: Error) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (this.state === "stopped" || this.state === "idle" || !child) {
      this.state = "stopped";
      return;
    }
    this.state = "stopping";
    // A paused pipe with unread bytes would never close; drop it and end ffmpeg at once.
    child.stdout?.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await this.closed;
    this.fifo?.close();
    this.fifo = undefined;
    this.state = "stopped";
  }

  /**
   * `n` bytes landed in the frame being filled (the FIFO reads into it directly, never past its
   * end). Returns false to pause reading: a reader-paced camera has enough frames waiting.
   */
  private landed(n: number): boolean {
    this.filled += n;
    if (this.filled < this.frameBytes) return true;
    this.completeFrame();
    return !(this.options.readerPaced && this.ready.length >= READ_AHEAD);
  }

  /** Copies a stdout chunk into the frame being filled, completing as many frames as it holds. */
  private take(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.filling.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled < this.frameBytes) return;
      this.completeFrame();
      if (this.options.readerPaced && this.ready.length >= READ_AHEAD) {
        const stdout = this.child?.stdout;
        stdout?.pause();
        // Pause before unshift: a flowing stream would re-emit the rest at once.
        if (offset < chunk.length) stdout?.unshift(chunk.subarray(offset));
        return;
      }
    }
  }

  private completeFrame(): void {
    if (this.options.readerPaced) {
      this.ready.push({ data: this.filling, atMs: performance.now() });
      this.filling = this.pool.pop() ?? new Uint8Array(this.frameBytes);
      this.filled = 0;
      this.received++;
      this.firstFrame?.();
      return;
    }
    const complete = this.filling;
    // The dropped newest frame (free-running) or the spare becomes the next one to fill.
    const next = this.newest ?? this.spare ?? new Uint8Array(this.frameBytes);
    if (next === this.spare) this.spare = undefined;
    this.newest = complete;
    this.newestAtMs = performance.now();
    this.filling = next;
    this.filled = 0;
    this.received++;
    this.firstFrame?.();
  }

  private lastWords(how: string): string {
    const lines = this.stderr.toString().split("\n").filter((line) => line.trim() !== "");
    const last = lines[lines.length - 1];
    return last === undefined ? how : `${how}: ${last.trim()}`;
  }

  private fail(message: string): void {
    if (this.state !== "running") return;
    this.state = "failed";
    const error = new CameraError(message, this.name);
    for (const listener of this.listeners) listener(error);
  }
}
