/**
 * The whole stack over a real pseudo-terminal: the simulated arm sits behind one end of a socat
 * pty pair (bridged through serialport), and the arm code opens the other end by path through
 * SerialTransport / serialport, as it would /dev/ttyACM0. Once through the library, once through
 * the built CLI in its own process.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeToSerial } from "../../src/hardware/bridge.js";
import { calibrationPath, writeCalibrationFile } from "../../src/hardware/calibration.js";
import { SOArm } from "../../src/hardware/robots/so-arm.js";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { SerialTransport } from "../../src/hardware/serial-transport.js";
import type { Transport } from "../../src/hardware/transport.js";
import { openPtyPair } from "../helpers/pty.js";
import type { PtyPair } from "../helpers/pty.js";
import { receive } from "../helpers/received-bytes.js";
import { tempDir } from "../helpers/synthetic.js";
import { until } from "../helpers/wait.js";

const probe = await openPtyPair();
if (!probe) console.warn("arm-pty: skipped, socat is not installed (.ci/run installs it: apt-get install socat)");
await probe?.close();
const bin = path.join(import.meta.dirname, "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("arm-pty CLI test: skipped, dist/ is missing (npm test builds it)");

/** An in-memory transport that answers every chunk with the chunk transformed, like a tiny device. */
class EchoTransport implements Transport {
  readonly path = "echo";
  readonly baudRate = 1_000_000;
  isOpen = true;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  constructor(private readonly transform: (byte: number) => number) {}
  async write(bytes: Uint8Array): Promise<void> {
    const reply = bytes.map(this.transform);
    queueMicrotask(() => this.listeners.forEach((listener) => listener(reply)));
  }
  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onClose(): () => void {
    return () => {};
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {
    this.isOpen = false;
  }
}

describe.skipIf(!probe)("bridgeToSerial", () => {
  let pair: PtyPair;
  beforeAll(async () => {
    pair = (await openPtyPair())!;
  });
  afterAll(() => pair.close());

  it("bridges an in-memory transport to one end: the other end gets its replies", async () => {
    const device = new EchoTransport((byte) => byte ^ 0x5a);
    const bridge = await bridgeToSerial(device, pair.b, { baudRate: 1_000_000 });
    const host = await SerialTransport.open(pair.a);
    const request = Uint8Array.from([0xff, 0xff, 0x01, 0x04, 0x02, 0x38, 0x02, 0xbe]);
    const reply = receive(host, request.length);
    await host.write(request);
    expect(await reply).toEqual(request.map((byte) => byte ^ 0x5a));

    await bridge.close();
    expect(device.isOpen).toBe(true);
    // The bridge released its end: it can be opened again.
    const again = await SerialTransport.open(pair.b);
    await again.close();
    await host.close();
  });

});

describe.skipIf(!probe)("SO-101 over a pseudo-terminal through serialport", () => {
  const home = tempDir("lerobot-ts-pty-");
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it("connects, configures, reads and moves the simulated follower through the serial stack", async () => {
    const pair = (await openPtyPair())!;
    const sim = openSimulatedArm("follower");
    const bridge = await bridgeToSerial(sim.transport, pair.b);
    const env = { HF_LEROBOT_HOME: home } as NodeJS.ProcessEnv;
    writeCalibrationFile(calibrationPath("robots", "so_follower", "pty_arm", env), sim.calibration);
    try {
      const arm = await SOArm.connect({ type: "so101_follower", port: pair.a, id: "pty_arm" }, { env });
      expect(arm.bus.transport.constructor.name).toBe("SerialTransport");
      const before = await arm.readPositions();
      await arm.sendAction({ ...before, "shoulder_pan.pos": before["shoulder_pan.pos"]! + 15 });
      const after = await until(() => arm.readPositions(), (p) => Math.abs(p["shoulder_pan.pos"]! - (before["shoulder_pan.pos"]! + 15)) < 0.5);
      expect(after["shoulder_pan.pos"]).toBeCloseTo(before["shoulder_pan.pos"]! + 15, 0);
      sim.transport.sync();
      expect(sim.transport.joint("gripper").servo.readRegister("Max_Torque_Limit")).toBe(500);
      await arm.disconnect();
    } finally {
      await bridge.close();
      await pair.close();
    }
  });

  it.skipIf(!built)("teleoperates from the CLI: a simulated leader drives the follower on the pty", async () => {
    const pair = (await openPtyPair())!;
    const sim = openSimulatedArm("follower");
    const bridge = await bridgeToSerial(sim.transport, pair.b);
    const env = { ...process.env, HF_LEROBOT_HOME: home, LEROBOT_DEBUG: "1" };
    writeCalibrationFile(calibrationPath("robots", "so_follower", "cli_arm", env), sim.calibration);
    sim.transport.sync();
    const start = sim.transport.joint("shoulder_pan").servo.readRegister("Present_Position");
    try {
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, "teleoperate", "--robot.type=so101_follower", `--robot.port=${pair.a}`, "--robot.id=cli_arm",
          "--teleop.type=so101_leader", "--teleop.port=sim", "--teleop.id=lead", "--fps=30", "--teleop_time_s=2.5"], { env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/ticks in 2\.\d s: (29|30|31)\.\d Hz/);
      sim.transport.sync();
      // The leader's hand moved, and its positions reached the follower on the other side of the
      // pty as goals. Torque is released at exit (then the simulated hand holds the joint).
      expect(Math.abs(sim.transport.joint("shoulder_pan").servo.readRegister("Goal_Position") - start)).toBeGreaterThan(5);
      expect(sim.transport.joint("shoulder_pan").servo.readRegister("Torque_Enable")).toBe(0);
    } finally {
      await bridge.close();
      await pair.close();
    }
  }, 30_000);
});
