/**
 * `lerobot-ts find-cameras [opencv | realsense]`: LeRobot's lerobot-find-cameras, with its
 * arguments (scripts/lerobot_find_cameras.py main(): the optional camera type, --output-dir,
 * --record-time-s, --warmup-s). Lists the cameras (or one JSON document with --json) and saves a
 * snapshot of each into --output-dir.
 */
import type { Command } from "commander";
import { findCameras } from "../../processes/index.js";
import type { FoundCamera } from "../../processes/index.js";
import { UsageError } from "../errors.js";

interface FindCamerasFlags {
  json?: boolean;
  outputDir: string;
  recordTimeS: string;
  warmupS: string;
}

const CAMERA_TYPES = ["opencv", "realsense"] as const;

export function registerFindCameras(program: Command): void {
  program
    .command("find-cameras")
    .description("list the cameras (index_or_path, name, formats) and save a snapshot of each")
    .argument("[camera_type]", "only cameras of this type: opencv (every capture device) or realsense (needs Intel's SDK: none here)")
    .option("--json", "print one JSON document (schema lerobot-ts/find-cameras@1)")
    .option("--output-dir <dir>", "where the snapshots go", "outputs/captured_images")
    .option("--record-time-s <s>", "seconds each camera runs before its snapshot", "2")
    .option("--warmup-s <s>", "seconds of frames dropped after a camera starts", "1")
    .action(async (cameraType: string | undefined, flags: FindCamerasFlags) => {
      if (cameraType !== undefined && !(CAMERA_TYPES as readonly string[]).includes(cameraType)) {
        throw new UsageError(`find-cameras: camera type must be opencv or realsense, got '${cameraType}'`);
      }
      const seconds = (name: string, value: string) => {
        const n = Number(value);
        if (value.trim() === "" || !(n >= 0) || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number of seconds >= 0, got '${value}'`);
        return n;
      };
      const recordTimeS = seconds("record-time-s", flags.recordTimeS);
      const warmupS = seconds("warmup-s", flags.warmupS);
      if (cameraType === "realsense") {
        // With --json the note goes to stderr so that stdout stays one JSON document.
        (flags.json ? process.stderr : process.stdout).write("note: realsense: lerobot-ts has no RealSense SDK, so it lists no RealSense cameras; " +
          "their color stream usually shows up as an ordinary capture device: `lerobot-ts find-cameras opencv`\n");
      }
      const cameras = await findCameras({ snapshotDir: flags.outputDir, recordTimeS, warmupS, ...(cameraType ? { cameraType: cameraType as "opencv" | "realsense" } : {}) });
      process.stdout.write(flags.json ? `${JSON.stringify({ schema: "lerobot-ts/find-cameras@1", cameras }, null, 2)}\n` : formatCameras(cameras, cameraType));
    });
}

function formatCameras(cameras: FoundCamera[], cameraType: string | undefined): string {
  if (cameras.length === 0) return `No ${cameraType ? `${cameraType} ` : ""}cameras found.\n`;
  const lines = ["--- Detected Cameras ---"];
  cameras.forEach((camera, i) => {
    lines.push(`Camera #${i}: ${camera.name}`);
    lines.push(`  index_or_path: ${JSON.stringify(camera.indexOrPath)} (${camera.backend})`);
    for (const f of camera.formats) {
      lines.push(`  input_format ${f.format} (${f.description}): ${f.sizes.length > 0 ? f.sizes.join(" ") : "any size"}`);
    }
    lines.push(camera.snapshot !== undefined ? `  snapshot: ${camera.snapshot}` : `  no snapshot: ${camera.snapshotError ?? "not taken"}`);
  });
  return `${lines.join("\n")}\n`;
}
