/**
 * The scripted hand (SimulatedHand) on a simulated SO-101: the calibration poses and sweep, the
 * repeatable teleoperation, holding and idling, all on the chain's injected clock, and what it
 * does to joints whose torque is on (nothing).
 */
import { describe, expect, it } from "vitest";
import { SO101_JOINTS } from "../../../src/hardware/sim/chain.js";
import { SimulatedHand } from "../../../src/hardware/sim/hand.js";
import { SO101_IDS, clockedChain, presentPositions } from "../../helpers/sim-exchange.js";

describe("SimulatedHand", () => {
  it("sweeps every joint to its mechanical min and max, seen by a 50 Hz recorder, then reports sweepDone", async () => {
    const { clock, chain } = clockedChain();
    const hand = new SimulatedHand(chain);
    hand.calibrationMidPose();
    clock.ms += 2000;
    expect(await presentPositions(chain)).toEqual(SO101_JOINTS.map(({ range }) => Math.floor((range.min + range.max) / 2)));

    hand.calibrationSweep();
    const mins = SO101_IDS.map(() => Infinity);
    const maxs = SO101_IDS.map(() => -Infinity);
    const swept = new Set<string>();
    while (!hand.progress.sweepDone) {
      swept.add(hand.progress.sweepJoint!);
      const positions = await presentPositions(chain);
      positions.forEach((p, i) => {
        mins[i] = Math.min(mins[i]!, p);
        maxs[i] = Math.max(maxs[i]!, p);
      });
      clock.ms += 20;
    }
    expect(hand.progress.elapsedMs).toBeLessThanOrEqual(6 * 1500 + 20);
    expect([...swept]).toEqual(SO101_JOINTS.map((j) => j.name));
    expect(mins).toEqual(SO101_JOINTS.map((j) => j.range.min));
    expect(maxs).toEqual(SO101_JOINTS.map((j) => j.range.max));
  });

  it("teleoperates repeatably for a seed, within each joint's range, gripper opening and closing", async () => {
    const record = async (seed: number) => {
      const { clock, chain } = clockedChain();
      new SimulatedHand(chain).teleoperate(seed);
      const frames: number[][] = [];
      for (let i = 0; i < 150; i++, clock.ms += 20) frames.push(await presentPositions(chain));
      return frames;
    };
    const first = await record(42);
    expect(await record(42)).toEqual(first);
    expect(await record(43)).not.toEqual(first);

    // long runs straight from the hand's pose, for range and smoothness
    const { clock, chain } = clockedChain();
    const hand = new SimulatedHand(chain);
    hand.teleoperate(42);
    let previous = hand.poseAt();
    const spans = SO101_JOINTS.map(() => ({ min: Infinity, max: -Infinity }));
    for (; clock.ms < 120_000; clock.ms += 20) {
      const pose = hand.poseAt();
      pose.forEach((p, i) => {
        const { range } = SO101_JOINTS[i]!;
        expect(p).toBeGreaterThanOrEqual(range.min);
        expect(p).toBeLessThanOrEqual(range.max);
        expect(Math.abs(p - previous[i]!)).toBeLessThan(60); // < 3000 steps/s
        spans[i]!.min = Math.min(spans[i]!.min, p);
        spans[i]!.max = Math.max(spans[i]!.max, p);
      });
      previous = pose;
    }
    spans.forEach((span, i) => {
      const { range } = SO101_JOINTS[i]!;
      expect(span.max - span.min).toBeGreaterThan((range.max - range.min) * 0.4);
    });
  });

  it("holds given positions, returns to rest when idle, and cannot move joints with torque on", async () => {
    const { clock, chain } = clockedChain();
    const hand = new SimulatedHand(chain);
    hand.hold({ gripper: 3000, elbow_flex: 5000 });
    await presentPositions(chain);
    clock.ms += 300;
    await presentPositions(chain);
    expect(chain.servo(6).readRegister("Present_Velocity")).toBeGreaterThan(200); // the hand moves the free joint
    expect(chain.servo(6).readRegister("Moving")).toBe(1);
    clock.ms += 2000;
    const held = await presentPositions(chain);
    expect(held[5]).toBe(3000);
    expect(held[2]).toBe(3090); // the stop
    expect(held[0]).toBe(2010);

    chain.servo(6).writeRegister("Torque_Enable", 1);
    hand.idle();
    clock.ms += 2000;
    const rested = await presentPositions(chain);
    expect(rested.slice(0, 5)).toEqual(SO101_JOINTS.slice(0, 5).map((j) => j.rest));
    expect(rested[5]).toBe(3000);
    expect(() => hand.hold({ elbow: 1 })).toThrow(RangeError);
  });
});

describe("SimulatedHand: attaching and letting go", () => {
  it("drives the chain it is built on until detach(), and then the joints stay where it left them", async () => {
    const { clock, chain } = clockedChain();
    const hand = new SimulatedHand(chain);
    expect(chain.driver).toBe(hand);
    hand.hold({ shoulder_pan: 2500 });
    clock.ms += 2000;
    expect((await presentPositions(chain))[0]).toBe(2500);
    hand.detach();
    expect(chain.driver).toBeUndefined();
    hand.hold({ shoulder_pan: 1000 });
    clock.ms += 2000;
    expect((await presentPositions(chain))[0]).toBe(2500);
  });

  it("detaching a hand that is no longer attached leaves the new one in place", () => {
    const { chain } = clockedChain();
    const first = new SimulatedHand(chain);
    const second = new SimulatedHand(chain);
    first.detach();
    expect(chain.driver).toBe(second);
  });
});

describe("SimulatedHand: mode and progress", () => {
  it("reports its mode, the time spent in it on the chain's clock, and the joint a sweep is at", () => {
    const { clock, chain } = clockedChain();
    const hand = new SimulatedHand(chain);
    expect(hand.progress).toEqual({ mode: "idle", elapsedMs: 0, sweepDone: false, sweepJoint: undefined });
    clock.ms = 100;
    hand.calibrationSweep();
    clock.ms = 100 + 1500 * 2 + 10; // a sweep spends 1.5 s on each joint in turn
    expect(hand.progress).toEqual({ mode: "calibrationSweep", elapsedMs: 3010, sweepDone: false, sweepJoint: "elbow_flex" });
    clock.ms = 100 + 1500 * 6;
    expect(hand.progress).toMatchObject({ sweepDone: true, sweepJoint: undefined });
    hand.teleoperate();
    expect(hand.mode).toBe("teleoperate");
    expect(hand.progress).toMatchObject({ elapsedMs: 0, sweepDone: false, sweepJoint: undefined });
  });

  it("gives poses of whole encoder steps within each joint's stops", () => {
    const { clock, chain } = clockedChain();
    const hand = new SimulatedHand(chain);
    hand.hold({ shoulder_pan: 99_999, gripper: -5 });
    clock.ms += 5000;
    const pose = hand.poseAt();
    expect(pose).toEqual(pose.map(Math.round));
    expect(pose[0]).toBe(SO101_JOINTS[0]!.range.max);
    expect(pose[5]).toBe(SO101_JOINTS[5]!.range.min);
    expect(hand.poseAt(0)).toEqual(SO101_JOINTS.map((j) => j.rest)); // where the move began
  });

});

describe("SimulatedHand: starting a mode", () => {
  it("starts a new move from where a joint really is: a joint the host moved under torque stays there once let go", async () => {
    const { clock, chain } = clockedChain();
    const hand = new SimulatedHand(chain);
    const elbow = chain.joint("elbow_flex").servo;
    elbow.writeRegister("Goal_Position", 2000);
    elbow.writeRegister("Torque_Enable", 1);
    clock.ms += 1000;
    expect(elbow.actualPosition).toBe(2000);
    // A new mode begins while the elbow is held at 2000, away from the rest pose (3040) the hand left it at.
    hand.hold({ gripper: 2500 });
    elbow.writeRegister("Torque_Enable", 0);
    clock.ms += 2000;
    const positions = await presentPositions(chain);
    expect(positions[2]).toBe(2000);
    expect(positions[5]).toBe(2500);
  });
});
