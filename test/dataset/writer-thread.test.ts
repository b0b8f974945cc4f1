/**
 * The writer thread's side of ThreadedDatasetWriter, spoken to directly: a real worker running
 * writer-thread.ts (through tsx, as threaded-writer.ts starts it from the sources), sent requests
 * as the proxy sends them, its replies read as they come.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker, isMainThread, parentPort } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WriterReply, WriterRequest } from "../../src/dataset/writer-messages.js";
import { features, makeFrame, tempDir } from "../helpers/synthetic.js";

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ENTRY = new URL("../../src/dataset/writer-thread.ts", import.meta.url);

interface Thread {
  send(id: number, request: WriterRequest): void;
  /** The reply to request `id`, once it came. */
  reply(id: number): Promise<WriterReply>;
  /** Reply ids in the order they came. */
  order: number[];
}

function startThread(): Thread & { worker: Worker } {
  // As threaded-writer.ts does for the .ts sources: register tsx's loader, then load the entry.
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(ENTRY.href)}); });`;
  const worker = new Worker(bootstrap, { eval: true, execArgv: [] });
  // One promise per request id, settled by its reply (or by the thread failing): no polling.
  const waiting = new Map<number, { promise: Promise<WriterReply>; resolve: (r: WriterReply) => void; reject: (e: Error) => void }>();
  const slot = (id: number) => {
    let entry = waiting.get(id);
    if (!entry) {
      let resolve!: (r: WriterReply) => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<WriterReply>((res, rej) => { resolve = res; reject = rej; });
      entry = { promise, resolve, reject };
      waiting.set(id, entry);
    }
    return entry;
  };
  const order: number[] = [];
  worker.on("message", (reply: WriterReply) => { order.push(reply.id); slot(reply.id).resolve(reply); });
  worker.on("error", (error) => { for (const entry of waiting.values()) entry.reject(error); });
  worker.on("exit", (code) => { for (const entry of waiting.values()) entry.reject(new Error(`the writer thread exited (code ${code})`)); });
  return {
    worker,
    order,
    send: (id, request) => { slot(id); worker.postMessage({ id, request }); },
    reply: (id) => slot(id).promise,
  };
}

const options = (root: string) => ({ root, repoId: "t/thread", fps: 30, robotType: null, features: features([], 0, 0) });
const frame = (k: number) => makeFrame(0, k, [], 0, 0, "t");

describe("writer-thread outside a worker", () => {
  it("refuses to load on a thread with no parent port", async () => {
    expect(isMainThread && parentPort === null).toBe(true); // vitest's forks pool: tests run on a process's main thread
    await expect(import("../../src/dataset/writer-thread.js")).rejects.toThrow(/runs as a worker thread/);
  });
});

describe("writer-thread requests", () => {
  // One thread for these tests (starting one costs seconds of tsx compiling); they run in order,
  // the first before any create.
  let thread: ReturnType<typeof startThread>;
  let nextId = 0;
  beforeAll(() => { thread = startThread(); });
  afterAll(async () => { await thread.worker.terminate(); });
  /** Send a request; returns its id. */
  const send = (request: WriterRequest) => { const id = nextId++; thread.send(id, request); return id; };

  it("answers a request before create or resume with an error, and no snapshot", async () => {
    const id = send({ op: "addFrame", frame: frame(0) });
    const reply = await thread.reply(id);
    expect(reply).toMatchObject({ id, ok: false, snapshot: undefined });
    expect(reply.ok ? undefined : reply.error.message).toMatch(/'addFrame' before create or resume/);
  });

  it("creates the writer and answers each request with the counters after it, info.json only where it may have changed", async () => {
    const root = path.join(dir, "created");
    const created = await thread.reply(send({ op: "create", options: options(root) }));
    expect(created).toMatchObject({ ok: true, snapshot: { root, episodeFrames: 0, videoCodec: undefined } });
    expect(created.snapshot!.info!.total_episodes).toBe(0);
    expect(fs.existsSync(path.join(root, "meta/info.json"))).toBe(true);

    expect((await thread.reply(send({ op: "addFrame", frame: frame(0) }))).snapshot).toEqual({ root, info: undefined, episodeFrames: 1, videoCodec: undefined });

    const saved = await thread.reply(send({ op: "saveEpisode" }));
    expect(saved).toMatchObject({ ok: true, value: { episodeIndex: 0, length: 1 }, snapshot: { episodeFrames: 0 } });
    expect(saved.snapshot!.info!.total_frames).toBe(1);

    expect(await thread.reply(send({ op: "finalize" }))).toMatchObject({ ok: true, value: { discardedFrames: 0 } });
  });

  it("runs requests sent together one after another, in order, and a refused one does not stop the next", async () => {
    const root = path.join(dir, "queued");
    // Nothing awaited between sends: each must still see the ones before it done.
    const ids = [
      send({ op: "create", options: options(root) }),
      send({ op: "addFrame", frame: frame(0) }),
      send({ op: "addFrame", frame: { ...(frame(1) as object), action: [1, 2] } as never }),
      send({ op: "addFrame", frame: frame(1) }),
      send({ op: "saveEpisode" }),
      send({ op: "finalize" }),
    ];
    const refused = await thread.reply(ids[2]!);
    expect(refused.ok).toBe(false);
    expect(refused.ok ? undefined : refused.error).toMatchObject({ name: "FrameValidationError", feature: "action" });
    expect(refused.snapshot!.episodeFrames).toBe(1);
    expect(await thread.reply(ids[4]!)).toMatchObject({ ok: true, value: { episodeIndex: 0, length: 2 } });
    await thread.reply(ids[5]!);
    expect(thread.order.slice(-ids.length)).toEqual(ids);
  });

  it.runIf(process.platform === "linux")("runs behind the main thread (nice + 5), so a recorder's clock wins a contended core", async () => {
    await thread.reply(send({ op: "finalize" })); // the thread is up and has run its set-up
    const base = os.getPriority();
    const nice = fs.readdirSync("/proc/self/task").map((tid) => Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]));
    expect(nice.filter((n) => n === base + 5)).toHaveLength(1);
  });
});
