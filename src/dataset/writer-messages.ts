/**
 * What ThreadedDatasetWriter and its worker (writer-thread.ts) say to each other. Every request
 * carries an id; the worker answers each one, in order, with the writer's counters as they are
 * after it, so the proxy's getters never need a round trip.
 */
import { DatasetError, FrameValidationError, VideoError } from "../errors.js";
import type { Frame, ResumeOptions, DatasetWriterOptions } from "./writer.js";
import type { DatasetInfo } from "./info.js";

export type WriterRequest =
  | { op: "create"; options: DatasetWriterOptions }
  | { op: "resume"; root: string; options: ResumeOptions }
  | { op: "prepareEpisode"; options: { oneAtATime?: boolean } }
  | { op: "setPrestartEncoders"; value: boolean }
  | { op: "addFrame"; frame: Frame }
  | { op: "saveEpisode" }
  | { op: "discardEpisode" }
  | { op: "finalize" };

/** The writer's counters after a request, mirrored by the proxy's getters. */
export interface WriterSnapshot {
  root: string;
  /** Left out when it cannot have changed (addFrame, prepareEpisode). */
  info: DatasetInfo | undefined;
  episodeFrames: number;
  videoCodec: string | undefined;
}

export type WriterReply =
  | { id: number; ok: true; value: unknown; snapshot: WriterSnapshot | undefined }
  | { id: number; ok: false; error: SerializedError; snapshot: WriterSnapshot | undefined };

export interface SerializedError {
  name: string;
  message: string;
  file?: string;
  feature?: string;
  /** A system error's code (ENOSPC, EACCES, ...). */
  code?: string;
  stack?: string;
}

/** An error as it crosses the thread boundary: its class is lost, so name and fields travel. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const out: SerializedError = { name: error.name, message: error.message };
  if (error.stack !== undefined) out.stack = error.stack;
  const { file, feature, code } = error as { file?: unknown; feature?: unknown; code?: unknown };
  if (typeof file === "string") out.file = file;
  if (typeof feature === "string") out.feature = feature;
  if (typeof code === "string") out.code = code;
  return out;
}

/** The library's own error classes come back as themselves, so callers' instanceof checks hold. */
export function deserializeError(e: SerializedError): Error {
  let error: Error;
  if (e.name === "FrameValidationError" && e.feature !== undefined) {
    error = new FrameValidationError(e.feature, "");
    error.message = e.message;
  } else if (e.name === "DatasetError") {
    error = new DatasetError(e.message, e.file === undefined ? {} : { file: e.file });
  } else if (e.name === "VideoError") {
    error = new VideoError(e.message, e.file === undefined ? {} : { file: e.file });
  } else {
    error = new Error(e.message);
    if (e.name !== "Error") error.name = e.name;
  }
  if (e.code !== undefined) Object.assign(error, { code: e.code });
  if (e.stack !== undefined) error.stack = e.stack;
  return error;
}
