/**
 * How the CLI ends: exit codes (0 ok, 1 the data is invalid / the check failed, 2 usage or
 * environment error) and one clear line for any error, never a stack trace for bad input.
 */
import { DatasetError, FrameValidationError, VideoError } from "../errors.js";
import { HubError, PushError } from "../hub/index.js";

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** A bad flag, a missing argument, a folder that cannot be used: exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Ends a command with an exit code after it has printed its own output (verify's report for an
 * invalid dataset exits 1 with nothing more to say).
 */
export class QuietExit extends Error {
  override name = "QuietExit";
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function exitCodeFor(error: unknown): number {
  // A push that started and failed is 1 (the command ran, its result is missing: run it again);
  // no token, a refused token, an unknown repo, the Hub out of reach before anything began: 2.
  if (error instanceof PushError) return EXIT_INVALID;
  if (error instanceof HubError) return EXIT_USAGE;
  if (error instanceof UsageError || error instanceof VideoError || error instanceof FrameValidationError) return EXIT_USAGE;
  if (error instanceof DatasetError) return EXIT_INVALID;
  return EXIT_USAGE;
}

/** Print the error as one line (plus the stack only with LEROBOT_DEBUG=1) and return its exit code. */
export function reportError(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lerobot-ts: error: ${message}\n`);
  if (process.env.LEROBOT_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return exitCodeFor(error);
}
