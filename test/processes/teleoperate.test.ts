/**
 * teleoperate(): the leader's positions become the follower's goals once per tick, on simulated
 * arms speaking the Feetech protocol: it tracks, ends by itself after durationS, fails at once
 * when a cable is pulled, and refuses a rate out of range before connecting.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import type { TeleoperationState, TeleoperationTick } from "../../src/processes/teleoperate.js";
import { teleoperate } from "../../src/processes/teleoperate.js";
import { tempDir } from "../helpers/synthetic.js";
import { afterCalls } from "../helpers/wait.js";

const home = tempDir("lerobot-ts-teleoperate-");
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
let envCount = 0;
/** A fresh calibration folder per test. */
const freshEnv = () => ({ HF_LEROBOT_HOME: path.join(home, `h${envCount++}`) }) as NodeJS.ProcessEnv;

describe("teleoperate (process)", () => {
  it("makes the follower follow the leader at the requested rate", async () => {
    const ticks: TeleoperationTick[] = [];
    const job = await teleoperate({
      robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" },
      fps: 50, durationS: 1.5, readFollower: true, env: freshEnv(),
      onTick: (t) => ticks.push(t),
    });
    job.start();
    const result = await job.result;
    // Paced by the clock: at most one tick per 20 ms slot, none before its slot (beyond a timer's
    // ~1 ms granularity), ending by itself once durationS has passed. The rate reached is bench/'s.
    const slots = ticks.map((t) => t.tick);
    expect(slots.every((slot, i) => i === 0 || slot > slots[i - 1]!)).toBe(true);
    for (const t of ticks) expect(t.timeS).toBeGreaterThanOrEqual(t.tick / 50 - 0.002);
    expect(result.ticks).toBe(ticks.length);
    expect(result.durationS).toBeGreaterThanOrEqual(1.5);
    expect(result.rateHz).toBeCloseTo(result.ticks / result.durationS, 6);
    // After the ease-in, the follower tracks within a few degrees of where the leader was a tick ago.
    const last = ticks.at(-1)!;
    for (const key of Object.keys(last.action)) expect(Math.abs(last.observation![key]! - last.action[key]!)).toBeLessThan(8);
    const moved = Math.abs(ticks.at(-1)!.action["shoulder_pan.pos"]! - ticks[0]!.action["shoulder_pan.pos"]!);
    expect(moved).toBeGreaterThan(0.5);
    // It ended by itself after durationS.
    expect(job.getState().phase).toBe("done");
  });

  it("ends with an error and releases the follower when the leader's cable is pulled", async () => {
    const leader = openSimulatedArm("leader");
    const follower = openSimulatedArm("follower");
    const ticks = afterCalls(10);
    const job = await teleoperate({
      robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" }, fps: 60, env: freshEnv(),
      connect: { robot: { simulator: follower }, teleop: { simulator: leader } }, onTick: ticks.callback,
    });
    job.start();
    await ticks.reached;
    leader.transport.faults.disconnect();
    await expect(job.result).rejects.toThrow(/leader arm on sim was lost/);
    expect(job.getState().phase).toBe("failed");
    follower.transport.sync();
    expect(follower.transport.joint("elbow_flex").servo.readRegister("Torque_Enable")).toBe(0);
  });
});

describe("teleoperate: ticks and state", () => {
  it("sends the leader's positions, reports each tick in order, and counts them in its state and result", async () => {
    const leader = openSimulatedArm("leader");
    const follower = openSimulatedArm("follower");
    const ticks: TeleoperationTick[] = [];
    const states: TeleoperationState[] = [];
    const tenTicks = afterCalls(10);
    const job = await teleoperate({
      robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" }, fps: 30, env: freshEnv(),
      connect: { robot: { simulator: follower }, teleop: { simulator: leader } },
      onTick: (t) => { ticks.push(t); tenTicks.callback(); }, onStateUpdate: (s) => states.push(s),
    });
    job.start();
    await tenTicks.reached;
    job.stop();
    const result = await job.result;
    expect(result.ticks).toBe(ticks.length);
    // Tick numbers are clock slots: they only grow (a late tick skips the slots it missed).
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.tick).toBeGreaterThan(ticks[i - 1]!.tick);
    // Without readFollower there is no observation; without max_relative_target what is sent is what the leader read.
    expect(ticks.every((t) => t.observation === undefined)).toBe(true);
    for (const t of ticks) expect(t.sent).toEqual(t.action);
    expect(states.at(-1)).toMatchObject({ phase: "stopped", ticks: ticks.length, action: ticks.at(-1)!.sent });
  });

  it("refuses a rate outside (0, 1000] before connecting either arm", async () => {
    const leader = openSimulatedArm("leader");
    const follower = openSimulatedArm("follower");
    for (const fps of [0, -30, 1001, Number.NaN]) {
      await expect(teleoperate({
        robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" }, fps, env: freshEnv(),
        connect: { robot: { simulator: follower }, teleop: { simulator: leader } },
      })).rejects.toThrow(RangeError);
    }
    // Still open: nothing connected them, so nothing disconnected them.
    expect(leader.transport.isOpen && follower.transport.isOpen).toBe(true);
    leader.transport.close();
    follower.transport.close();
  });
});
