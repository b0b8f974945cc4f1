/**
 * `lerobot-ts synthesize`: write a synthetic dataset (smooth joint motion, moving test-pattern
 * cameras) and read it back, checking what was written. The no-hardware way to see the whole
 * write -> read path work on this machine.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { openDataset, writeSyntheticDataset } from "../../dataset/index.js";
import { verifyDataset } from "../../verify/index.js";
import { UsageError } from "../errors.js";
import { parseIntFlag } from "../flags.js";

interface SynthesizeFlags {
  "dataset.root"?: string;
  "dataset.num_episodes": string;
  "dataset.episode_frames": string;
  "dataset.fps": string;
  "dataset.vcodec": string;
  cameras: string;
  width: string;
  height: string;
  json?: boolean;
}

export function registerSynthesize(program: Command): void {
  program
    .command("synthesize")
    .description("write a synthetic LeRobot v3.0 dataset (no hardware needed) and read it back")
    .argument("[root]", "dataset folder to create (default: a new folder under the system temp dir)")
    .option("--dataset.root <dir>", "dataset folder to create")
    .option("--dataset.num_episodes <n>", "episodes", "3")
    .option("--dataset.episode_frames <n>", "frames per episode", "90")
    .option("--dataset.fps <n>", "frames per second", "30")
    .option("--dataset.vcodec <codec>", "libx264 | libsvtav1 | libx265 | auto", "auto")
    .option("--cameras <names>", "comma-separated camera names", "front,wrist")
    .option("--width <px>", "camera width", "320")
    .option("--height <px>", "camera height", "240")
    .option("--json", "print a JSON summary")
    .action(async (rootArg: string | undefined, flags: SynthesizeFlags) => {
      const root = rootArg ?? flags["dataset.root"] ?? fs.mkdtempSync(path.join(os.tmpdir(), "lerobot-ts-synthetic-"));
      const resolved = path.resolve(root);
      if (fs.existsSync(resolved) && fs.readdirSync(resolved).length > 0) {
        throw new UsageError(`${resolved} exists and is not empty; choose a new folder`);
      }
      const cameras = flags.cameras.split(",").map((c) => c.trim()).filter(Boolean);
      const started = performance.now();
      const writer = await writeSyntheticDataset({
        root: resolved,
        episodes: parseIntFlag("dataset.num_episodes", flags["dataset.num_episodes"], 1),
        frames: parseIntFlag("dataset.episode_frames", flags["dataset.episode_frames"], 1),
        fps: parseIntFlag("dataset.fps", flags["dataset.fps"], 1),
        cameras,
        width: parseIntFlag("width", flags.width, 16),
        height: parseIntFlag("height", flags.height, 16),
        vcodec: flags["dataset.vcodec"],
        onEpisode: (i, n) => { if (!flags.json) process.stderr.write(`saved episode ${i} (${n} frames)\n`); },
      });
      const writeMs = performance.now() - started;

      // Read everything back through the reader, as a user of the dataset would.
      const dataset = await openDataset(resolved);
      const table = await dataset.readFrames();
      const checks: string[] = [];
      if (table.numRows !== dataset.info.total_frames) throw new Error(`read ${table.numRows} rows, info.json says ${dataset.info.total_frames}`);
      checks.push(`${table.numRows} frame rows read back`);
      for (const key of dataset.cameraKeys) {
        for (const episode of dataset.episodes) {
          await dataset.decodeFrame(key, episode.episodeIndex, episode.length - 1);
        }
      }
      if (dataset.cameraKeys.length > 0) checks.push(`last frame of every episode decoded for ${dataset.cameraKeys.length} camera(s)`);
      // The same doctor a user runs after recording, every frame decoded.
      const report = await verifyDataset(resolved, { deep: true });
      if (!report.valid) {
        const first = report.findings.find((f) => f.severity === "error");
        throw new Error(`verify found ${report.summary.errors} error(s) in what was written: ${first?.check}: ${first?.message}`);
      }
      checks.push(`verify --deep: valid (${report.summary.warnings} warning(s): ${[...new Set(report.findings.map((f) => f.check))].join(", ") || "none"})`);
      const summary = {
        schema: "lerobot-ts/synthesize@1",
        root: resolved,
        episodes: dataset.numEpisodes,
        frames: dataset.numFrames,
        fps: dataset.fps,
        cameras: dataset.cameraKeys,
        videoCodec: writer.videoCodec ?? null,
        writeSeconds: Number((writeMs / 1000).toFixed(3)),
        checks,
      };
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        process.stdout.write(
          `wrote ${summary.episodes} episodes, ${summary.frames} frames at ${summary.fps} fps` +
            `${summary.cameras.length ? `, cameras ${summary.cameras.join(", ")} (${summary.videoCodec})` : ""} to ${resolved} in ${summary.writeSeconds} s\n` +
            checks.map((c) => `ok  ${c}\n`).join(""),
        );
      }
    });
}
