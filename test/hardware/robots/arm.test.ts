/**
 * The Arm the loops use, whether one SO arm or a pair: connectArm picks the class from the
 * config's type (on simulated arms), checkArmsMatch refuses a mismatched follower and leader
 * before any hardware is touched, armPorts lists the ports a config names.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { armPorts, checkArmsMatch, connectArm, isBimanualConfig } from "../../../src/hardware/robots/arm.js";
import { BimanualArm } from "../../../src/hardware/robots/bimanual.js";
import { SOArm } from "../../../src/hardware/robots/so-arm.js";
import { openSimulatedArm } from "../../../src/hardware/robots/sim-arm.js";
import { SO_POSITION_NAMES, UnknownArmTypeError, armPositionNames } from "../../../src/hardware/robots/types.js";
import { tempDir } from "../../helpers/synthetic.js";

const home = tempDir("lerobot-ts-arm-");
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
let envCount = 0;
const freshEnv = () => ({ HF_LEROBOT_HOME: path.join(home, `h${envCount++}`) }) as NodeJS.ProcessEnv;
const single = { type: "so101_follower", port: "/dev/ttyACM0" };
const pair = { type: "bi_so_follower", left: { port: "/dev/ttyACM0" }, right: { port: "/dev/ttyACM1" } };

describe("isBimanualConfig", () => {
  it("tells a pair's config from one arm's by its type", () => {
    expect(isBimanualConfig(pair)).toBe(true);
    expect(isBimanualConfig({ ...pair, type: "bi_so_leader" })).toBe(true);
    expect(isBimanualConfig(single)).toBe(false);
  });
});

describe("connectArm", () => {
  it("connects one SO arm for a single-arm type, with its six positions", async () => {
    const arm = await connectArm({ type: "so101_follower", port: "sim" }, { env: freshEnv() });
    try {
      expect(arm).toBeInstanceOf(SOArm);
      expect([arm.role, arm.port, arm.positionNames]).toEqual(["follower", "sim", SO_POSITION_NAMES]);
      expect(Object.keys(await arm.readPositions())).toEqual(SO_POSITION_NAMES);
    } finally {
      await arm.disconnect();
    }
  });

  it("connects a pair for a bimanual type, each side on the simulator given for it", async () => {
    const sims = { left: openSimulatedArm("leader"), right: openSimulatedArm("leader") };
    const arm = await connectArm({ type: "bi_so_leader", left: { port: "sim" }, right: { port: "sim" } },
      { env: freshEnv(), left: { simulator: sims.left }, right: { simulator: sims.right } });
    try {
      expect(arm).toBeInstanceOf(BimanualArm);
      expect(arm.role).toBe("leader");
      expect(arm.positionNames).toEqual(armPositionNames("bi_so_leader"));
      expect((arm as BimanualArm).left.simulator).toBe(sims.left);
      expect((arm as BimanualArm).right.simulator).toBe(sims.right);
    } finally {
      await arm.disconnect();
    }
  });

  it("does not hand one arm the options meant for a side of a pair", async () => {
    const sideSim = openSimulatedArm("follower");
    const arm = await connectArm({ type: "so101_follower", port: "sim" }, { env: freshEnv(), left: { simulator: sideSim } });
    try {
      expect((arm as SOArm).simulator).not.toBe(sideSim);
      sideSim.transport.sync();
      // Connecting a follower turns its torque on: this simulator was never touched.
      expect(sideSim.transport.servos.every((servo) => !servo.torqueEnabled)).toBe(true);
    } finally {
      await arm.disconnect();
    }
  });

  it("rejects a type that is no SO arm before opening anything", async () => {
    await expect(connectArm({ type: "koch_follower", port: "sim" })).rejects.toThrow(UnknownArmTypeError);
  });
});

describe("checkArmsMatch", () => {
  const leader = { type: "so101_leader", port: "/dev/ttyACM1" };
  const pairLeader = { ...pair, type: "bi_so_leader" };

  it("accepts a follower with a leader, one arm with one arm or a pair with a pair", () => {
    expect(() => checkArmsMatch(single, leader)).not.toThrow();
    expect(() => checkArmsMatch(pair, pairLeader)).not.toThrow();
  });

  it("refuses swapped roles and a pair with one arm", () => {
    expect(() => checkArmsMatch(leader, single)).toThrow(/unknown robot type 'so101_leader'/);
    expect(() => checkArmsMatch(single, single)).toThrow(/unknown teleoperator type 'so101_follower'/);
    expect(() => checkArmsMatch(pair, leader)).toThrow(
      "robot bi_so_follower and teleoperator so101_leader do not match: a bimanual follower (bi_so_follower) needs a bimanual leader (bi_so_leader), and one arm needs one arm",
    );
    expect(() => checkArmsMatch(single, pairLeader)).toThrow(UnknownArmTypeError);
  });
});

describe("armPorts", () => {
  it("lists one arm's port, or a pair's left then right", () => {
    expect(armPorts(single)).toEqual(["/dev/ttyACM0"]);
    expect(armPorts(pair)).toEqual(["/dev/ttyACM0", "/dev/ttyACM1"]);
  });
});
