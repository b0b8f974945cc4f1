/**
 * `lerobot-ts find-cameras`: arguments checked in-process, realsense (no SDK here: a note, no
 * cameras) in-process, and the listing on a machine without cameras as a user runs it.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registerFindCameras } from "../../../src/cli/commands/find-cameras.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { tempDir } from "../../helpers/synthetic.js";

const NOTE = "note: realsense: lerobot-ts has no RealSense SDK, so it lists no RealSense cameras; their color stream usually shows up as an ordinary capture device: `lerobot-ts find-cameras opencv`\n";

describe("lerobot-ts find-cameras, in-process", () => {
  const dir = tempDir("lerobot-ts-cli-find-cameras-");
  const outputDir = path.join(dir, "snapshots");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("realsense: a note and no cameras, as text on stdout", async () => {
    const r = await runCommand(registerFindCameras, ["find-cameras", "realsense", `--output-dir=${outputDir}`]);
    expect(r).toEqual({ code: 0, stdout: `${NOTE}No realsense cameras found.\n`, stderr: "" });
  });

  it("realsense --json: the note on stderr, so stdout stays one JSON document", async () => {
    const r = await runCommand(registerFindCameras, ["find-cameras", "realsense", "--json", `--output-dir=${outputDir}`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(NOTE);
    expect(JSON.parse(r.stdout)).toEqual({ schema: "lerobot-ts/find-cameras@1", cameras: [] });
    expect(fs.existsSync(outputDir)).toBe(false);
  });

  it("exits 2 with one line for an unknown camera type and bad times, before looking for cameras", async () => {
    await expectCommandUsageErrors(registerFindCameras, [
      [["find-cameras", "kinect"], /find-cameras: camera type must be opencv or realsense, got 'kinect'/],
      [["find-cameras", "--record-time-s=-1"], /--record-time-s must be a number of seconds >= 0, got '-1'/],
      [["find-cameras", "--warmup-s= "], /--warmup-s must be a number of seconds >= 0/],
      [["find-cameras", "--warmup-s=soon"], /--warmup-s must be a number of seconds >= 0, got 'soon'/],
    ]);
  });
});

const bin = path.join(import.meta.dirname, "..", "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "..", "dist", "cli", "main.js"));
const hasVideoDevices = process.platform === "linux" && fs.readdirSync("/dev").some((n) => /^video\d+$/.test(n));
if (!built) console.warn("cameras: find-cameras CLI skipped, dist/ is missing (npm test builds it; run `npm run build`)");
if (hasVideoDevices) console.warn("cameras: find-cameras CLI skipped, this machine has /dev/video* devices");

describe.skipIf(!built || hasVideoDevices || process.platform !== "linux")("lerobot-ts find-cameras (no cameras here)", () => {
  it("says so, as text or JSON, exits 0 and writes no snapshot folder", () => {
    const cwd = tempDir();
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, "find-cameras", ...args], { encoding: "utf8", cwd });
    const text = run();
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toBe("No cameras found.\n");
    const json = run("--json");
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ schema: "lerobot-ts/find-cameras@1", cameras: [] });
    expect(fs.existsSync(path.join(cwd, "outputs"))).toBe(false);
    fs.rmSync(cwd, { recursive: true, force: true });
  });
});
