/** The SO arm types LeRobot knows: role, calibration folders, the robot name datasets record, and the motors' names. */
import { describe, expect, it } from "vitest";
import {
  FULL_TURN_MOTOR,
  SO_MOTORS,
  SO_MOTOR_NAMES,
  SO_POSITION_NAMES,
  UnknownArmTypeError,
  armPositionNames,
  armType,
  bimanualSideType,
  checkArmType,
  isBimanualType,
  lerobotRobotName,
  sameRobotType,
} from "../../../src/hardware/robots/types.js";

describe("robot type names", () => {
  it("are what LeRobot writes as robot_type (robot.name), so100/so101/so_follower being one robot", () => {
    expect(["so_follower", "so100_follower", "so101_follower"].map(lerobotRobotName)).toEqual(["so_follower", "so_follower", "so_follower"]);
    expect(lerobotRobotName("bi_so_follower")).toBe("bi_so_follower");
    expect(lerobotRobotName("so101_leader")).toBe("so_leader");
    expect(sameRobotType("so_follower", "so101_follower")).toBe(true);
    expect(sameRobotType("so100_follower", "so101_follower")).toBe(true);
    expect(sameRobotType("so101_follower", "bi_so_follower")).toBe(false);
    expect(armPositionNames("bi_so_follower")).toEqual([...SO_MOTOR_NAMES.map((m) => `left_${m}.pos`), ...SO_MOTOR_NAMES.map((m) => `right_${m}.pos`)]);
  });
});

describe("armType", () => {
  it("gives a single arm's role, calibration subfolder and folder names, current name first", () => {
    expect(armType("so101_follower")).toEqual({ type: "so101_follower", role: "follower", kind: "robots", calibrationNames: ["so_follower", "so101_follower"] });
    expect(armType("so100_leader", "leader")).toEqual({ type: "so100_leader", role: "leader", kind: "teleoperators", calibrationNames: ["so_leader", "so100_leader"] });
    expect(armType("so_follower").calibrationNames).toEqual(["so_follower"]);
  });

  it("refuses a type of the other role, an unknown type listing the known ones, and a pair", () => {
    expect(() => armType("so101_leader", "follower")).toThrow(UnknownArmTypeError);
    expect(() => armType("so101_leader", "follower")).toThrow("unknown robot type 'so101_leader' (known: so_follower, so100_follower, so101_follower, bi_so_follower)");
    expect(() => armType("koch_leader", "leader")).toThrow("unknown teleoperator type 'koch_leader' (known: so_leader, so100_leader, so101_leader, bi_so_leader)");
    expect(() => armType("bi_so_follower")).toThrow("'bi_so_follower' is two arms: connect it with connectArm() or BimanualArm, not SOArm");
  });
});

describe("checkArmType", () => {
  it("gives the role of one arm or a pair, and refuses the wrong role or an unknown type", () => {
    expect(checkArmType("bi_so_leader")).toBe("leader");
    expect(checkArmType("so100_follower", "follower")).toBe("follower");
    expect(() => checkArmType("bi_so_leader", "follower")).toThrow(UnknownArmTypeError);
    expect(() => checkArmType("so_arm")).toThrow(/^unknown arm type 'so_arm' \(known: so_follower, .*bi_so_leader\)$/);
  });
});

describe("bimanual types", () => {
  it("are the two bi_so types, each side being one SO arm of the same role", () => {
    expect(["bi_so_follower", "bi_so_leader", "so_follower", "bi_koch"].map(isBimanualType)).toEqual([true, true, false, false]);
    expect(bimanualSideType("bi_so_follower")).toBe("so_follower");
    expect(bimanualSideType("bi_so_leader")).toBe("so_leader");
    expect(() => bimanualSideType("so_follower")).toThrow(UnknownArmTypeError);
  });
});

describe("motor and position names", () => {
  it("are the SO-101's six motors by id, and their `.pos` keys in that order", () => {
    expect(SO_MOTORS.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(SO_MOTOR_NAMES).toEqual(["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"]);
    expect(SO_POSITION_NAMES).toEqual(SO_MOTOR_NAMES.map((m) => `${m}.pos`));
    expect(armPositionNames("so100_leader")).toEqual(SO_POSITION_NAMES);
    expect(SO_MOTOR_NAMES).toContain(FULL_TURN_MOTOR);
  });

  it("gives a fresh list each time, so a caller cannot change the next arm's names", () => {
    const names = armPositionNames("so_follower");
    names.push("extra");
    expect(armPositionNames("so_follower")).toEqual(SO_POSITION_NAMES);
  });

  it("treat an unknown type as its own robot name", () => {
    expect(lerobotRobotName("koch_follower")).toBe("koch_follower");
    expect(sameRobotType("koch_follower", "koch_follower")).toBe(true);
  });
});
