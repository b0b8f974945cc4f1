/**
 * The worker side of ThreadedDatasetWriter: one DatasetWriter living in a worker thread, so its
 * CPU work (camera stats, pipe writes to the encoders, parquet encoding, mp4 tables) and the
 * 20-50 ms an encoder's spawn blocks its thread never delay the recorder's clock on the main one.
 *
 * Requests run one after another in arrival order, as the main thread would have awaited them.
 */
import os from "node:os";
import { parentPort } from "node:worker_threads";
import { niceThisThread } from "../system/index.js";
import { DatasetWriter } from "./writer.js";
import type { WriterReply, WriterRequest, WriterSnapshot } from "./writer-messages.js";
import { serializeError } from "./writer-messages.js";

if (!parentPort) throw new Error("writer-thread.ts runs as a worker thread (see threaded-writer.ts)");
const port = parentPort;
// Behind the main thread: when both compete for a core, the clock's tick goes first. The
// writer's work waits a moment at most (frames queue; saves run in the reset).
niceThisThread(Math.min(19, os.getPriority() + 5));

let writer: DatasetWriter | undefined;
let queue: Promise<void> = Promise.resolve();

/** The writer's counters; info.json's content only changes on create, resume and save. */
function snapshot(op: WriterRequest["op"]): WriterSnapshot | undefined {
  if (!writer) return undefined;
  const info = op === "addFrame" || op === "prepareEpisode" ? undefined : writer.datasetInfo;
  return { root: writer.root, info, episodeFrames: writer.episodeFrames, videoCodec: writer.videoCodec };
}

async function handle(request: WriterRequest): Promise<unknown> {
  if (request.op === "create") {
    writer = await DatasetWriter.create(request.options);
    return undefined;
  }
  if (request.op === "resume") {
    writer = await DatasetWriter.resume(request.root, request.options);
    return undefined;
  }
  if (!writer) throw new Error(`writer thread: '${request.op}' before create or resume`);
  switch (request.op) {
    case "prepareEpisode": return writer.prepareEpisode(request.options);
    case "setPrestartEncoders": writer.prestartEncoders = request.value; return undefined;
    case "addFrame": return writer.addFrame(request.frame);
    case "saveEpisode": return writer.saveEpisode();
    case "discardEpisode": return writer.discardEpisode();
    case "finalize": return writer.finalize();
  }
}

port.on("message", ({ id, request }: { id: number; request: WriterRequest }) => {
  queue = queue.then(async () => {
    let reply: WriterReply;
    try {
      const value = await handle(request);
      reply = { id, ok: true, value, snapshot: snapshot(request.op) };
    } catch (error) {
      reply = { id, ok: false, error: serializeError(error), snapshot: snapshot(request.op) };
    }
    port.postMessage(reply);
  });
});
