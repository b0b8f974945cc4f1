/**
 * ThreadedDatasetWriter: DatasetWriter's API, with the writer itself in a worker thread.
 *
 * A recorder's clock runs on the main thread's event loop. Saving an episode costs 100-200 ms of
 * CPU (stats, parquet encoding, mp4 tables), each frame costs its camera stats and pipe writes, and
 * starting an encoder blocks its thread 20-50 ms: on the main thread all of that delays ticks.
 * Here it runs on the writer's own thread; the main thread only copies each frame into a message.
 *
 * Same files, same guarantees: every call is forwarded in order to a DatasetWriter and resolves
 * (or rejects, with the same error classes) when that call has finished there.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DatasetError } from "../errors.js";
import type { DatasetInfo } from "./info.js";
import type { DatasetWriterOptions, Frame, ResumeOptions, SavedEpisode } from "./writer.js";
import type { WriterReply, WriterRequest, WriterSnapshot } from "./writer-messages.js";
import { deserializeError } from "./writer-messages.js";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * DatasetWriter's API with the writer in a worker thread, so saves and encoders never delay the
 * caller's event loop (the record loop's clock). Each method forwards to a DatasetWriter there, in
 * call order, and settles when that call has: same files, same lock, same errors (DatasetError,
 * FrameValidationError, VideoError). If the thread dies, every pending and later call rejects
 * with DatasetError. finalize() ends the thread.
 */
export class ThreadedDatasetWriter {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private snapshot: WriterSnapshot;
  private prestart = true;
  /** Set once the thread has gone (finalized, or died): every later call rejects with it. */
  private gone: Error | undefined;

  private constructor(private readonly worker: Worker) {
    this.snapshot = undefined as unknown as WriterSnapshot;
    worker.on("message", (reply: WriterReply) => this.receive(reply));
    worker.on("error", (error) => this.fail(new DatasetError(`the dataset writer's thread failed: ${error.message}`, { cause: error })));
    worker.on("exit", (code) => this.fail(new DatasetError(`the dataset writer's thread exited (code ${code})`)));
    worker.unref();
  }

  /** Start a new dataset at `options.root`, as DatasetWriter.create. */
  static async create(options: DatasetWriterOptions): Promise<ThreadedDatasetWriter> {
    return ThreadedDatasetWriter.open({ op: "create", options });
  }

  /** Continue a dataset on disk, as DatasetWriter.resume. */
  static async resume(root: string, options: ResumeOptions = {}): Promise<ThreadedDatasetWriter> {
    return ThreadedDatasetWriter.open({ op: "resume", root, options });
  }

  private static async open(request: WriterRequest): Promise<ThreadedDatasetWriter> {
    const writer = new ThreadedDatasetWriter(startWriterThread());
    try {
      await writer.call(request);
    } catch (error) {
      await writer.worker.terminate();
      throw error;
    }
    return writer;
  }

  /** The dataset folder. */
  get root(): string { return this.snapshot.root; }
  /** Episodes saved (info.json total_episodes). */
  get numEpisodes(): number { return this.info.total_episodes; }
  /** Frames saved (info.json total_frames). */
  get numFrames(): number { return this.info.total_frames; }
  /** The dataset's fps. */
  get fps(): number { return this.info.fps; }
  /** Index the episode being recorded will get. */
  get episodeIndex(): number { return this.info.total_episodes; }
  /** Frames the writer has taken of the episode being recorded. */
  get episodeFrames(): number { return this.snapshot.episodeFrames; }
  /** A copy of the current info.json content. */
  get datasetInfo(): DatasetInfo { return structuredClone(this.info); }
  /** The ffmpeg encoder the cameras use (`libx264`, ...), undefined without video features. */
  get videoCodec(): string | undefined { return this.snapshot.videoCodec; }

  /** As DatasetWriter.prestartEncoders (the record loop sets it false and calls prepareEpisode). */
  get prestartEncoders(): boolean { return this.prestart; }
  set prestartEncoders(value: boolean) {
    this.prestart = value;
    this.call({ op: "setPrestartEncoders", value }).catch(() => {});
  }

  /** As DatasetWriter.prepareEpisode: start the next episode's encoders ahead of its first frame. */
  prepareEpisode(options: { oneAtATime?: boolean } = {}): Promise<boolean> {
    return this.call({ op: "prepareEpisode", options }) as Promise<boolean>;
  }

  /**
   * Add one frame (copied into the message at once: the caller may reuse its buffers as soon as
   * this returns). Resolves when the writer has taken it, so a slow encoder still holds the caller back.
   */
  async addFrame(frame: Frame): Promise<void> {
    await this.call({ op: "addFrame", frame });
  }

  /** As DatasetWriter.saveEpisode: the frames since the last save become an episode on disk. */
  saveEpisode(): Promise<SavedEpisode> {
    return this.call({ op: "saveEpisode" }) as Promise<SavedEpisode>;
  }

  /** As DatasetWriter.discardEpisode: drop the frames since the last save. */
  async discardEpisode(): Promise<void> {
    await this.call({ op: "discardEpisode" });
  }

  /** Close the writer (as DatasetWriter.finalize) and end its thread. */
  async finalize(): Promise<{ discardedFrames: number }> {
    if (this.gone) return { discardedFrames: 0 };
    const result = await this.call({ op: "finalize" }) as { discardedFrames: number };
    this.gone = new DatasetError(`the writer of ${this.root} was finalized`);
    await this.worker.terminate();
    return result;
  }

  private get info(): DatasetInfo {
    return this.snapshot.info!;
  }

  private call(request: WriterRequest): Promise<unknown> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    // Only a thread with work in flight keeps the process alive (a plain DatasetWriter holds nothing either).
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, request });
    });
  }

  private receive(reply: WriterReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.snapshot) this.snapshot = { ...reply.snapshot, info: reply.snapshot.info ?? this.snapshot?.info };
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(deserializeError(reply.error));
  }

  private fail(error: Error): void {
    this.gone ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}

/**
 * The worker entry sits beside this module with the same extension: writer-thread.js in the
 * build; writer-thread.ts when the TypeScript sources run directly (the tests), where the worker
 * first registers tsx's loader (Node 20 applies no --import loader to a worker's own entry; the
 * sources only run from the repository, whose node_modules the bare specifier finds).
 */
function startWriterThread(): Worker {
  const extension = path.extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./writer-thread${extension}`, import.meta.url);
  // None of the parent's flags: a worker refuses the process-wide ones (--trace-gc, --input-type, ...).
  const execArgv: string[] = [];
  if (extension !== ".ts") return new Worker(entry, { execArgv });
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv });
}
