/**
 * Errors of the Hub layer. Each says in one line what went wrong and what to do; the CLI turns
 * them into exit codes (PushError: 1, the rest: 2).
 */

/** No token, a rejected token, a repo or revision that is not there, the Hub out of reach. */
export class HubError extends Error {
  override name = "HubError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/**
 * An upload that started and did not finish. The local dataset is untouched and what reached the
 * Hub is kept there, so running the same push again resumes it (large files already uploaded are
 * not sent again).
 */
export class PushError extends HubError {
  override name = "PushError";
}

/**
 * One line for a failed Hub call: the Hub's own error text for an HTTP error, the network reason
 * (ECONNREFUSED, ENOTFOUND, ...) when the Hub could not be reached.
 */
export function describeHubFailure(error: unknown, endpoint: string): string {
  if (error instanceof HubError) return error.message;
  const status = (error as { statusCode?: unknown }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === "number") return `the Hub answered ${status}: ${firstLine(message)}`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (message === "fetch failed" || cause?.code) return `cannot reach ${endpoint}: ${cause?.code ?? cause?.message ?? message}`;
  return firstLine(message);
}

/** The HTTP status of a failed Hub call, if it was one. */
export function hubStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.trim();
}
