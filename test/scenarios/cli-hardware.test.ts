/**
 * calibrate and teleoperate as a user runs them (the built CLI in its own process): simulated
 * arms, a simulated arm behind a real pty, scripted stdin, Ctrl-C, and the faults a user meets,
 * each one clear line with a non-zero exit.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bridgeToSerial } from "../../src/hardware/bridge.js";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { openPtyPair } from "../helpers/pty.js";
import { tempDir } from "../helpers/synthetic.js";

const bin = path.join(import.meta.dirname, "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("cli-hardware: skipped, dist/ is missing (npm test builds it; run `npm run build`)");
const probe = await openPtyPair();
if (!probe) console.warn("cli-hardware pty tests: skipped, socat is not installed (.ci/run installs it)");
await probe?.close();

interface Run { code: number | null; stdout: string; stderr: string }

function run(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; signalAfterMs?: number; onStdout?: (text: string) => void } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    if (options.input !== undefined) child.stdin.end(options.input);
    if (options.signalAfterMs !== undefined) setTimeout(() => child.kill("SIGINT"), options.signalAfterMs);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const oneLine = (r: Run) => {
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

describe.skipIf(!built)("lerobot-ts calibrate / teleoperate", () => {
  const home = tempDir("lerobot-ts-cli-hw-");
  const env = { HF_LEROBOT_HOME: home };
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it("calibrates the simulated arm from piped Enter presses and saves LeRobot's file", async () => {
    const r = await run(["calibrate", "--teleop.type=so101_leader", "--teleop.port=sim", "--teleop.id=lead"], { env, input: "\n\n" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Move so101_leader 'lead' to the middle of its range of motion and press ENTER/);
    expect(r.stdout).toMatch(/^NAME {12}\| {4}MIN \| {4}POS \| {4}MAX$/m);
    const file = path.join(home, "calibration", "teleoperators", "so_leader", "lead.json");
    expect(r.stdout).toContain(`Calibration saved to ${file}`);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(openSimulatedArm("leader").calibration);
  }, 30_000);

  it("teleoperates two simulated arms with a live table, and stops on Ctrl-C with exit 0", async () => {
    const timed = await run(["teleoperate", "--robot.type=so101_follower", "--robot.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim",
      "--fps=30", "--teleop_time_s=1", "--display_data=true"], { env });
    expect(timed.stderr).toBe("");
    expect(timed.code).toBe(0);
    expect(timed.stdout).toMatch(/JOINT +ACTION +FOLLOWER/);
    expect(timed.stdout).toMatch(/^elbow_flex\.pos +-?\d+\.\d\d +-?\d+\.\d\d$/m);
    expect(timed.stdout).toMatch(/loop \d+ Hz/);
    const interrupted = await run(["teleoperate", "--robot.type=so101_follower", "--robot.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim"], { env, signalAfterMs: 1500 });
    expect(interrupted.stderr).toBe("");
    expect(interrupted.code).toBe(0);
    expect(interrupted.stdout).toMatch(/\d+ ticks in \d\.\d s: \d+\.\d Hz/);
  }, 30_000);

  it("gives one clear line and exit 2 for an unknown type, a missing port, missing flags", async () => {
    const unknown = await run(["teleoperate", "--robot.type=koch_follower", "--robot.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("lerobot-ts: error: unknown robot type 'koch_follower' (known: so_follower, so100_follower, so101_follower, bi_so_follower)\n");
    const missing = await run(["teleoperate", "--robot.type=so101_follower", "--robot.port=/dev/ttyNOPE0", "--robot.id=a", "--teleop.type=so101_leader", "--teleop.port=sim"], { env });
    expect(missing.code).toBe(2);
    oneLine(missing);
    expect(missing.stderr).toMatch(/\/dev\/ttyNOPE0 does not exist.*lerobot-ts find-port/);
    const noTeleop = await run(["teleoperate", "--robot.type=so101_follower", "--robot.port=sim"], { env });
    expect(noTeleop.code).toBe(2);
    expect(noTeleop.stderr).toMatch(/--teleop.type, --teleop.port and --teleop.id are required/);
    const both = await run(["calibrate", "--robot.type=so101_follower", "--robot.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim"], { env });
    expect(both.code).toBe(2);
    oneLine(both);
    // A real arm's calibration file is named by its id: none given is refused before the port is opened.
    const noId = await run(["calibrate", "--robot.type=so101_follower", "--robot.port=/dev/ttyNOPE0"], { env });
    expect(noId.code).toBe(2);
    expect(noId.stderr).toBe("lerobot-ts: error: so101_follower needs an id: it names the calibration file (--robot.id=my_arm)\n");
  }, 30_000);

  it.skipIf(!probe)("on a real port: asks for calibration first, and exits non-zero when the cable is pulled", async () => {
    const pair = (await openPtyPair())!;
    const sim = openSimulatedArm("follower");
    const bridge = await bridgeToSerial(sim.transport, pair.b);
    try {
      const uncalibrated = await run(["teleoperate", "--robot.type=so101_follower", `--robot.port=${pair.a}`, "--robot.id=new_arm", "--teleop.type=so101_leader", "--teleop.port=sim"], { env });
      expect(uncalibrated.code).toBe(2);
      oneLine(uncalibrated);
      expect(uncalibrated.stderr).toContain(`run: lerobot-ts calibrate --robot.type=so101_follower --robot.port=${pair.a} --robot.id=new_arm`);

      const cal = path.join(home, "calibration", "robots", "so_follower", "pty_arm.json");
      fs.mkdirSync(path.dirname(cal), { recursive: true });
      fs.writeFileSync(cal, JSON.stringify(sim.calibration, null, 4));
      // Pull the "cable" (kill socat) half a second into teleoperation, however long connecting took.
      let pulling = false;
      const pulled = await run(["teleoperate", "--robot.type=so101_follower", `--robot.port=${pair.a}`, "--robot.id=pty_arm", "--teleop.type=so101_leader", "--teleop.port=sim"],
        { env, onStdout: (text) => { if (!pulling && text.includes("teleoperating at")) { pulling = true; setTimeout(() => void pair.close(), 500); } } });
      expect(pulled.code).not.toBe(0);
      oneLine(pulled);
      expect(pulled.stderr).toMatch(/lerobot-ts: error: (follower arm on \/dev\/pts\/\d+ was lost|.*did not answer on \/dev\/pts\/\d+|port \/dev\/pts\/\d+ disconnected)/);
    } finally {
      await bridge.close().catch(() => {});
      await pair.close();
    }
  }, 30_000);
});
