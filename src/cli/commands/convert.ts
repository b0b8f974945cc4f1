/**
 * `lerobot-ts convert`: LeRobot's `python -m lerobot.scripts.convert_dataset_v21_to_v30` for a
 * local v2.1 (or v2.0) dataset: `--repo-id`, `--root` (the dataset folder itself, as LeRobot's v2
 * path semantics), `--data-file-size-in-mb`, `--video-file-size-in-mb`. Unlike LeRobot, which
 * converts in place and keeps the original as `<root>_old`, the input is left as it is: the result
 * goes to `--new_root`, by default the sibling `<root>_v30` (the folder LeRobot builds it in).
 * `--in-place` does what LeRobot does, crash-safely: the result is complete before anything moves.
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { DatasetError } from "../../errors.js";
import { isOccupied, lerobotHome, Mp4LayoutError } from "../../dataset/index.js";
import type { ConvertProgress, ConvertResult, ConvertReport } from "../../edit/index.js";
import { convertToV30, CONVERT_REPORT_SCHEMA_ID } from "../../edit/index.js";
import { UsageError } from "../errors.js";
import { delayedProgress } from "../delayed-progress.js";
import { parseBoolFlag } from "../flags.js";

type Flags = Record<string, string | boolean | undefined>;

export function registerConvert(program: Command): void {
  program
    .command("convert")
    .description("convert a LeRobot v2.1 or v2.0 dataset to v3.0 (LeRobot's convert_dataset_v21_to_v30), videos copied without re-encoding")
    .option("--repo-id <id>", "the dataset (its folder is $HF_LEROBOT_HOME/<repo_id> unless --root is given)")
    .option("--repo_id <id>", "the same as --repo-id")
    .option("--root <dir>", "the v2.x dataset folder itself (the one holding meta/, data/, videos/)")
    .option("--new_root <dir>", "the v3.0 dataset's folder (default: <root>_v30 beside the input)")
    .option("--new-root <dir>", "the same as --new_root")
    .option("--in-place", "replace the input with the result, keeping the input as <root>_old (as LeRobot does)")
    .option("--data-file-size-in-mb <mb>", "data files grow to this size before the next starts (default 100)")
    .option("--data_file_size_in_mb <mb>", "the same as --data-file-size-in-mb")
    .option("--video-file-size-in-mb <mb>", "video files grow to this size before the next starts (default 200)")
    .option("--video_file_size_in_mb <mb>", "the same as --video-file-size-in-mb")
    .option("--push-to-hub <bool>", "upload the result (only false is supported; LeRobot's default is true)")
    .option("--push_to_hub <bool>", "the same as --push-to-hub")
    .option("--json", `print one JSON document (schema ${CONVERT_REPORT_SCHEMA_ID})`)
    .action(async (flags: Flags) => {
      const repoId = either(flags, "repoId", "repo_id", "--repo-id");
      const root = flags.root as string | undefined;
      if (!repoId && !root) throw new UsageError("give the dataset: --repo-id=me/pick_cube (and --root=DIR if it is not $HF_LEROBOT_HOME/me/pick_cube)");
      const input = path.resolve(root ?? path.join(lerobotHome(), repoId!));
      if (parseBoolFlag("push-to-hub", either(flags, "pushToHub", "push_to_hub", "--push-to-hub"), false)) {
        throw new UsageError("--push-to-hub=true is not supported: convert locally, then upload the folder with `huggingface-cli upload`");
      }
      const dataFilesSizeInMb = sizeFlag("data-file-size-in-mb", either(flags, "dataFileSizeInMb", "data_file_size_in_mb", "--data-file-size-in-mb"));
      const videoFilesSizeInMb = sizeFlag("video-file-size-in-mb", either(flags, "videoFileSizeInMb", "video_file_size_in_mb", "--video-file-size-in-mb"));
      const newRoot = either(flags, "new_root", "newRoot", "--new_root");
      const inPlace = !!flags.inPlace;
      if (inPlace && newRoot) throw new UsageError("--in-place replaces the input: leave out --new_root");
      if (!fs.existsSync(input)) throw new UsageError(`there is no dataset at ${input}`);

      const progress = delayedProgress();
      const convert = (out: string) => convertToV30(input, out, {
        ...(dataFilesSizeInMb !== undefined ? { dataFilesSizeInMb } : {}),
        ...(videoFilesSizeInMb !== undefined ? { videoFilesSizeInMb } : {}),
        onProgress: (p: ConvertProgress) => progress.update(`convert: ${p.phase === "stats" ? "camera stats" : p.phase} ${p.done}/${p.total}`, p.done === p.total),
      });
      let result: ConvertResult;
      let backup: string | null = null;
      try {
        if (inPlace) {
          backup = `${input}_old`;
          result = await replaceInPlace(input, backup, convert);
        } else {
          const out = path.resolve(newRoot ?? `${input}_v30`);
          if (out === input) throw new UsageError("the output is the input: give another --new_root, or --in-place");
          result = await convert(out);
        }
      } catch (error) {
        // The input cannot be converted as it is, or the output cannot go where asked: one line, exit 2.
        if (error instanceof DatasetError || error instanceof Mp4LayoutError) throw new UsageError(explain(error));
        throw error;
      } finally {
        progress.done();
      }
      if (flags.json) {
        const report: ConvertReport = { schema: CONVERT_REPORT_SCHEMA_ID, ...result, codebaseVersion: "v3.0", backup };
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      process.stdout.write(`converted ${result.source} (${result.sourceVersion}) to v3.0: ${result.episodes} episode(s), ${result.frames} frames, ${result.tasks.length} task(s) in ${result.root}\n`);
      if (result.computedStats.length > 0) process.stdout.write(`camera stats computed from the frames (${result.sourceVersion} has none per episode): ${result.computedStats.join(", ")}\n`);
      if (backup) process.stdout.write(`the ${result.sourceVersion} original is kept in ${backup}\n`);
    });
}

/** A flag LeRobot spells one way and users type the other: either spelling, but not two values. */
function either(flags: Flags, a: string, b: string, name: string): string | undefined {
  const x = flags[a] as string | undefined;
  const y = flags[b] as string | undefined;
  if (x !== undefined && y !== undefined && x !== y) throw new UsageError(`${name} is given twice, as '${x}' and '${y}'`);
  return x ?? y;
}

function sizeFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of MB, got '${value}'`);
  return n;
}

function explain(error: Error): string {
  const line = error.message.split("\n")[0]!;
  return error instanceof Mp4LayoutError
    ? `the per-episode videos cannot be joined without re-encoding (${line}); re-encode them to one codec setting first`
    : line;
}

function assertFree(folder: string): void {
  if (isOccupied(folder)) {
    throw new UsageError(`${folder} already exists: choose a new output with --new_root`);
  }
}

/**
 * LeRobot's in-place conversion made crash-safe: the result is written to a sibling folder
 * first; only when it is complete is the input moved to <root>_old and the result into its place.
 */
async function replaceInPlace(input: string, backup: string, convert: (out: string) => Promise<ConvertResult>): Promise<ConvertResult> {
  if (fs.existsSync(backup)) throw new UsageError(`${backup} already exists (an earlier conversion's original?): move it away first`);
  const staged = `${input}.convert-${process.pid}`;
  assertFree(staged);
  const result = await convert(staged);
  await fs.promises.rename(input, backup);
  await fs.promises.rename(staged, input);
  return { ...result, root: input };
}

