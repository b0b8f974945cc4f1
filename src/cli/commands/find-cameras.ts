/**
 * `lerobot-ts find-cameras`: LeRobot's lerobot-find-cameras. Lists the cameras (or one JSON
 * document with --json) and saves a snapshot of each into --output-dir.
 */
import type { Command } from "commander";
import { findCameras } from "../../processes/find-cameras.js";
import type { FoundCamera } from "../../processes/find-cameras.js";

interface FindCamerasFlags {
  json?: boolean;
  outputDir: string;
}

export function registerFindCameras(program: Command): void {
  program
    .command("find-cameras")
    .description("list the cameras (index_or_path, name, formats) and save a snapshot of each")
    .option("--json", "print one JSON document (schema lerobot-ts/find-cameras@1)")
    .option("--output-dir <dir>", "where the snapshots go", "outputs/captured_images")
    .action(async (flags: FindCamerasFlags) => {
      const cameras = await findCameras({ snapshotDir: flags.outputDir });
      process.stdout.write(flags.json ? `${JSON.stringify({ schema: "lerobot-ts/find-cameras@1", cameras }, null, 2)}\n` : formatCameras(cameras));
    });
}

function formatCameras(cameras: FoundCamera[]): string {
  if (cameras.length === 0) return "No cameras found.\n";
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
