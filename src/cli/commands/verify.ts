/**
 * `lerobot-ts verify <path | repo_id | hf://datasets/repo_id>`: the dataset doctor. Prints a line
 * per check group, the findings and a verdict (or one JSON document with --json). A Hub dataset
 * (hf://, or a repo id with --remote) is checked in place over range requests, and the bytes read
 * are reported. Exit 0 valid, 1 invalid, 2 usage error or no dataset at that place.
 */
import type { Command } from "commander";
import { NoDatasetError, formatVerifyReport, verifyDataset } from "../../verify/index.js";
import type { VerifyProgress } from "../../verify/index.js";
import { EXIT_INVALID, QuietExit, UsageError } from "../errors.js";
import { parseIntFlag } from "../flags.js";
import { localDataset } from "../hub-dataset.js";
import { parseHubDatasetUrl } from "../../remote/index.js";

interface VerifyFlags {
  root?: string;
  json?: boolean;
  strict?: boolean;
  skipVideos?: boolean;
  deep?: boolean;
  maxEpisodes?: string;
  revision?: string;
  remote?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("check a LeRobot v3.0 dataset: structure, metadata, data, videos, stats and data quality")
    .argument("<dataset>", "dataset folder, a repo id (resolved like LeRobot: --root/<repo_id> or $HF_LEROBOT_HOME/<repo_id>), or hf://datasets/<repo_id>[@<revision>] to check it on the Hub without downloading it")
    .option("--root <dir>", "parent folder of the repo id (LeRobot's --root)")
    .option("--json", "print one JSON document (schema lerobot-ts/verify@1)")
    .option("--strict", "warnings make the dataset invalid too")
    .option("--skip-videos", "do not look at the mp4 files")
    .option("--deep", "decode every video frame and check it against the timestamps LeRobot queries")
    .option("--max-episodes <n>", "check the data and videos of the first n episodes only (a repo id fetches only their files)")
    .option("--revision <rev>", "Hub branch, tag or commit of a repo id fetched or read in place (default: the v3.0 tag, else main)")
    .option("--remote", "check the repo id on the Hub in place (HTTP range requests, nothing downloaded), not a local copy")
    .action(async (dataset: string, flags: VerifyFlags) => {
      const maxEpisodes = flags.maxEpisodes === undefined ? undefined : parseIntFlag("max-episodes", flags.maxEpisodes, 0);
      const progress = !flags.json && process.stderr.isTTY ? progressLine() : undefined;
      let report;
      const remote = !!flags.remote || parseHubDatasetUrl(dataset) !== undefined;
      if (remote && flags.deep) throw new UsageError("--deep decodes every video frame, which means downloading the videos: verify a downloaded copy with --deep");
      // A repo id the local cache lacks comes from the Hub first (only the first n episodes' files with --max-episodes).
      const folder = remote ? dataset : await localDataset(dataset, {
        ...(flags.root !== undefined ? { root: flags.root } : {}),
        ...(flags.revision !== undefined ? { revision: flags.revision } : {}),
        ...(maxEpisodes !== undefined ? { episodes: { first: maxEpisodes } } : {}),
      });
      try {
        report = await verifyDataset(folder, {
          ...(remote ? { remote: true, ...(flags.revision !== undefined ? { revision: flags.revision } : {}), ...(flags.root !== undefined ? { root: flags.root } : {}) } : {}),
          onNote: (line) => process.stderr.write(`note: ${line}\n`),
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
