/**
 * `lerobot-ts verify <path | repo_id>`: the dataset doctor. Prints a line per check group, the
 * findings and a verdict (or one JSON document with --json). Exit 0 valid, 1 invalid, 2 usage
 * error or no dataset at that place.
 */
import type { Command } from "commander";
import { NoDatasetError, formatVerifyReport, verifyDataset } from "../../verify/index.js";
import type { VerifyProgress } from "../../verify/index.js";
import { EXIT_INVALID, QuietExit, UsageError } from "../errors.js";
import { parseIntFlag } from "../flags.js";

interface VerifyFlags {
  root?: string;
  json?: boolean;
  strict?: boolean;
  skipVideos?: boolean;
  deep?: boolean;
  maxEpisodes?: string;
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("check a LeRobot v3.0 dataset: structure, metadata, data, videos, stats and data quality")
    .argument("<dataset>", "dataset folder, or a repo id (resolved like LeRobot: --root/<repo_id> or $HF_LEROBOT_HOME/<repo_id>)")
    .option("--root <dir>", "parent folder of the repo id (LeRobot's --root)")
    .option("--json", "print one JSON document (schema lerobot-ts/verify@1)")
    .option("--strict", "warnings make the dataset invalid too")
    .option("--skip-videos", "do not look at the mp4 files")
    .option("--deep", "decode every video frame and check it against the timestamps LeRobot queries")
    .option("--max-episodes <n>", "check the data and videos of the first n episodes only")
    .action(async (dataset: string, flags: VerifyFlags) => {
      const maxEpisodes = flags.maxEpisodes === undefined ? undefined : parseIntFlag("max-episodes", flags.maxEpisodes, 0);
      const progress = !flags.json && process.stderr.isTTY ? progressLine() : undefined;
      let report;
      try {
        report = await verifyDataset(dataset, {
          ...(flags.root !== undefined ? { root: flags.root } : {}),
          strict: !!flags.strict,
          skipVideos: !!flags.skipVideos,
          deep: !!flags.deep,
          ...(maxEpisodes !== undefined ? { maxEpisodes } : {}),
          ...(progress ? { onProgress: progress.update } : {}),
        });
      } catch (error) {
        if (error instanceof NoDatasetError) throw new UsageError(error.message);
        throw error;
      } finally {
        progress?.clear();
      }
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      if (!report.valid) throw new QuietExit(EXIT_INVALID);
    });
}

/** A single self-overwriting status line on a terminal's stderr. */
function progressLine(): { update: (p: VerifyProgress) => void; clear: () => void } {
  let last = 0;
  return {
    update: ({ group, done, total }) => {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      process.stderr.write(`\r\x1b[Kverifying ${group}${total > 1 ? ` ${done}/${total}` : ""}`);
    },
    clear: () => process.stderr.write("\r\x1b[K"),
  };
}
