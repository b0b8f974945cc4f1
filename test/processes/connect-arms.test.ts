/** connectLeaderThenFollower: both types checked first, the leader connected, then the follower; no leader left on failure. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BimanualArmConfig } from "../../src/hardware/robots/bimanual.js";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { UnknownArmTypeError } from "../../src/hardware/robots/types.js";
import { connectLeaderThenFollower } from "../../src/processes/connect-arms.js";
import { tempDir } from "../helpers/synthetic.js";

const home = tempDir("lerobot-ts-connect-arms-");
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
let envCount = 0;
const freshEnv = () => ({ HF_LEROBOT_HOME: path.join(home, `h${envCount++}`) }) as NodeJS.ProcessEnv;

const FOLLOWER = { type: "so101_follower", port: "sim", id: "follow" } as const;
const LEADER = { type: "so101_leader", port: "sim", id: "lead" } as const;
const PAIR: BimanualArmConfig = { type: "bi_so_follower", left: { port: "sim" }, right: { port: "sim" } };

describe("connectLeaderThenFollower", () => {
  it("connects the leader, then the follower, each to its own arm", async () => {
    const leader = openSimulatedArm("leader");
    const follower = openSimulatedArm("follower");
    const lines: string[] = [];
    const arms = await connectLeaderThenFollower({
      robot: FOLLOWER, teleop: LEADER, env: freshEnv(), log: (l) => lines.push(l),
      connect: { teleop: { simulator: leader }, robot: { simulator: follower } },
    });
    try {
      // Each arm says it has no calibration file, in the order they were connected.
      expect(lines.map((l) => /^no calibration file for (\S+)/.exec(l)?.[1])).toEqual(["so101_leader", "so101_follower"]);
      expect(arms.leader.role).toBe("leader");
      expect(arms.follower.role).toBe("follower");
    } finally {
      await arms.follower.disconnect();
      await arms.leader.disconnect();
    }
    expect(leader.transport.isOpen).toBe(false);
    expect(follower.transport.isOpen).toBe(false);
  });

  it("disconnects the leader when the follower fails to connect, and rejects with the follower's error", async () => {
    const leader = openSimulatedArm("leader");
    const follower = openSimulatedArm("follower");
    follower.transport.faults.noReply(3); // the elbow's servo is silent
    await expect(connectLeaderThenFollower({
      robot: FOLLOWER, teleop: LEADER, env: freshEnv(),
      connect: { teleop: { simulator: leader }, robot: { simulator: follower } },
    })).rejects.toThrow(/elbow_flex/);
    expect(leader.transport.isOpen).toBe(false);
  });

  it("never touches the follower when the leader fails", async () => {
    const leader = openSimulatedArm("leader");
    const follower = openSimulatedArm("follower");
    leader.transport.faults.noReply(1);
    await expect(connectLeaderThenFollower({
      robot: FOLLOWER, teleop: LEADER, env: freshEnv(),
      connect: { teleop: { simulator: leader }, robot: { simulator: follower } },
    })).rejects.toThrow(/shoulder_pan/);
    // Still open: nothing connected it, so nothing had to close it.
    expect(follower.transport.isOpen).toBe(true);
    follower.transport.close();
  });

  it("refuses types that do not pair before opening either arm", async () => {
    const leader = openSimulatedArm("leader");
    const follower = openSimulatedArm("follower");
    const connect = { teleop: { simulator: leader }, robot: { simulator: follower } };
    await expect(connectLeaderThenFollower({ robot: LEADER, teleop: FOLLOWER, env: freshEnv(), connect })).rejects.toThrow(UnknownArmTypeError);
    await expect(connectLeaderThenFollower({
      robot: PAIR, teleop: LEADER, env: freshEnv(), connect,
    })).rejects.toThrow(/do not match/);
    expect(leader.transport.isOpen && follower.transport.isOpen).toBe(true);
    leader.transport.close();
    follower.transport.close();
  });
});
