/**
 * For commands that read a dataset (verify, inspect, view, replay): a repo id the local cache
 * lacks is downloaded first, with progress and a closing line on stderr, so stdout keeps only
 * the command's own output (verify --json stays one JSON document).
 */
import { ensureLocalDataset } from "../hub/index.js";
import type { EnsureLocalOptions } from "../hub/index.js";
import { pullProgress } from "./hub-progress.js";
import { parseIntFlag } from "./flags.js";
import { UsageError } from "./errors.js";

export async function localDataset(target: string, options: Omit<EnsureLocalOptions, "onProgress" | "onNote" | "onPull"> = {}): Promise<string> {
  const progress = pullProgress();
  try {
    return await ensureLocalDataset(target, {
      ...options,
      onProgress: progress.update,
      onNote: (line) => process.stderr.write(`note: ${line}\n`),
      onPull: (result) => {
        progress.done();
        if (result.downloaded.length > 0 || result.upToDate.length > 0) {
          process.stderr.write(`fetched ${result.repoId} at ${result.revision} into ${result.root}: ${result.downloaded.length} file(s), ${(result.bytes / 1024 / 1024).toFixed(1)} MB` +
            `${result.upToDate.length ? ` (${result.upToDate.length} already there)` : ""}\n`);
        }
      },
    });
  } finally {
    progress.done();
  }
}

/** `--episodes 0,2,5` or `[0, 2, 5]`: episode indices to download. */
export function parseEpisodeList(name: string, text: string): number[] {
  const inner = text.trim().replace(/^\[(.*)\]$/, "$1").trim();
  if (inner === "") throw new UsageError(`--${name} must list episode numbers, e.g. 0,2,5, got '${text}'`);
  return [...new Set(inner.split(",").map((part) => parseIntFlag(name, part.trim(), 0)))].sort((a, b) => a - b);
}
