/** LeRobot's dotted arm flags (--robot.*, --teleop.*, a pair's per-arm ones) as arm and camera configs. */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addArmOptions, addBimanualCameraOptions, armConfigFromFlags, cameraConfigsFromFlags, followerFromFlags } from "../../src/cli/arm-flags.js";
import { UsageError } from "../../src/cli/errors.js";

const noNotes = () => { throw new Error("no note expected"); };

describe("addArmOptions", () => {
  it("registers one arm's flags and both sides of a pair under the prefix, as commander keys of the flag's name", () => {
    const command = addArmOptions(new Command("x").exitOverride(), "teleop", "leader arm");
    command.parse(["--teleop.type=bi_so_leader", "--teleop.id=pair", "--teleop.left_arm_config.port=/dev/a", "--teleop.right_arm_config.use_degrees", "false",
      "--teleop.num_read_retries=3"], { from: "user" });
    expect(command.opts()).toEqual({
      "teleop.type": "bi_so_leader", "teleop.id": "pair", "teleop.left_arm_config.port": "/dev/a", "teleop.right_arm_config.use_degrees": "false", "teleop.num_read_retries": "3",
    });
    expect(command.helpInformation()).toMatch(/--teleop\.right_arm_config\.port <port>\s+bi_so_leader: right arm serial port/);
    expect(() => command.parse(["--robot.port=sim"], { from: "user" })).toThrow(/unknown option '--robot\.port=sim'/);
  });
});

describe("addBimanualCameraOptions", () => {
  it("registers per-arm cameras of a bi_so_follower", () => {
    const command = addBimanualCameraOptions(new Command("x").exitOverride());
    command.parse(["--robot.left_arm_config.cameras={}", "--robot.right_arm_config.cameras", "{}"], { from: "user" });
    expect(command.opts()).toEqual({ "robot.left_arm_config.cameras": "{}", "robot.right_arm_config.cameras": "{}" });
  });
});

describe("armConfigFromFlags", () => {
  it("become LeRobot's settings: calibration_dir, num_read_retries, PID gains, a pair's per-arm configs", () => {
    const notes: string[] = [];
    const single = armConfigFromFlags({
      "robot.type": "so101_follower", "robot.port": "/dev/ttyACM0", "robot.id": "f", "robot.calibration_dir": "/cal",
      "robot.num_read_retries": "5", "robot.position_p_coefficient": "12", "robot.position_i_coefficient": "1", "robot.position_d_coefficient": "40",
    }, "robot", (n) => notes.push(n));
    expect(single).toEqual({
      type: "so101_follower", port: "/dev/ttyACM0", id: "f", calibrationDir: "/cal",
      numReadRetries: 5, positionPCoefficient: 12, positionICoefficient: 1, positionDCoefficient: 40,
    });
    const leaders = armConfigFromFlags({
      "teleop.type": "bi_so_leader", "teleop.id": "pair", "teleop.left_arm_config.port": "/dev/a", "teleop.right_arm_config.port": "/dev/b",
      "teleop.right_arm_config.use_degrees": "false", "teleop.left_arm_config.position_d_coefficient": "8",
    }, "teleop", (n) => notes.push(n));
    expect(leaders).toEqual({ type: "bi_so_leader", id: "pair", left: { port: "/dev/a", positionDCoefficient: 8 }, right: { port: "/dev/b", useDegrees: false } });
    expect(notes).toEqual(["note: --teleop.left_arm_config.position_d_coefficient has no effect: it is a follower setting, and a leader arm's torque is off (nothing is sent to it)"]);
  });

  it("is undefined when no flag of the prefix is given", () => {
    expect(armConfigFromFlags({ "robot.type": "so101_follower", "robot.port": "sim" }, "teleop", noNotes)).toBeUndefined();
    expect(armConfigFromFlags({ "teleop.left_arm_config.port": undefined }, "teleop", noNotes)).toBeUndefined();
  });

  it("reads use_degrees, disable_torque_on_disconnect and max_relative_target as a number or per motor", () => {
    expect(armConfigFromFlags({
      "robot.type": "so101_follower", "robot.port": "sim", "robot.use_degrees": "False", "robot.disable_torque_on_disconnect": "0", "robot.max_relative_target": "7.5",
    }, "robot", noNotes)).toEqual({ type: "so101_follower", port: "sim", useDegrees: false, disableTorqueOnDisconnect: false, maxRelativeTarget: 7.5 });
    expect(armConfigFromFlags({ "robot.type": "so101_follower", "robot.port": "sim", "robot.max_relative_target": '{"gripper": 5, "elbow_flex": 2}' }, "robot", noNotes))
      .toMatchObject({ maxRelativeTarget: { gripper: 5, elbow_flex: 2 } });
    // LeRobot's default: no cap.
    expect(armConfigFromFlags({ "robot.type": "so101_follower", "robot.port": "sim", "robot.max_relative_target": "None" }, "robot", noNotes)).toEqual({ type: "so101_follower", port: "sim" });
  });

  it("notes each follower-only setting given to a leader, on the given note function", () => {
    const notes: string[] = [];
    const config = armConfigFromFlags({ "teleop.type": "so101_leader", "teleop.port": "sim", "teleop.max_relative_target": "5", "teleop.disable_torque_on_disconnect": "true" },
      "teleop", (n) => notes.push(n));
    expect(config).toEqual({ type: "so101_leader", port: "sim", maxRelativeTarget: 5, disableTorqueOnDisconnect: true });
    expect(notes.map((n) => n.split(" has no effect")[0])).toEqual(["note: --teleop.max_relative_target", "note: --teleop.disable_torque_on_disconnect"]);
  });

  it("refuses what cannot become an arm, naming the flag", () => {
    const cases: [Record<string, string>, "robot" | "teleop", RegExp][] = [
      [{ "robot.port": "sim" }, "robot", /--robot\.type is required \(e\.g\. --robot\.type=so101_follower, or bi_so_follower for two arms\)/],
      [{ "teleop.id": "l" }, "teleop", /--teleop\.type is required \(e\.g\. --teleop\.type=so101_leader/],
      [{ "robot.type": "so101_follower" }, "robot", /--robot\.port is required .*lerobot-ts find-port/],
      [{ "robot.type": "so101_follower", "robot.left_arm_config.port": "sim" }, "robot", /--robot\.left_arm_config\.port is for a bimanual bi_so_follower, but --robot\.type is so101_follower/],
      [{ "robot.type": "bi_so_follower", "robot.port": "sim" }, "robot", /--robot\.port is not a bi_so_follower setting: give --robot\.left_arm_config\.port and\/or --robot\.right_arm_config\.port/],
      [{ "robot.type": "bi_so_follower", "robot.left_arm_config.port": "sim" }, "robot", /--robot\.right_arm_config\.port is required: bi_so_follower has two arms/],
      [{ "robot.type": "so101_follower", "robot.port": "sim", "robot.position_p_coefficient": "256" }, "robot", /--robot\.position_p_coefficient must be an integer 0\.\.255/],
      [{ "robot.type": "so101_follower", "robot.port": "sim", "robot.num_read_retries": "-1" }, "robot", /--robot\.num_read_retries must be an integer >= 0/],
      [{ "robot.type": "so101_follower", "robot.port": "sim", "robot.max_relative_target": "0" }, "robot", /--robot\.max_relative_target must be a positive number or JSON/],
      [{ "robot.type": "so101_follower", "robot.port": "sim", "robot.max_relative_target": '{"gripper": -1}' }, "robot", /--robot\.max_relative_target must be a positive number/],
      [{ "robot.type": "so101_follower", "robot.port": "sim", "robot.use_degrees": "deg" }, "robot", /--robot\.use_degrees must be true or false/],
    ];
    for (const [flags, prefix, message] of cases) {
      expect(() => armConfigFromFlags(flags, prefix, noNotes), JSON.stringify(flags)).toThrow(UsageError);
      expect(() => armConfigFromFlags(flags, prefix, noNotes), JSON.stringify(flags)).toThrow(message);
    }
  });
});

describe("followerFromFlags", () => {
  it("gives one follower arm", () => {
    expect(followerFromFlags({ "robot.type": "so100_follower", "robot.port": "sim", "robot.id": "f" })).toEqual({ type: "so100_follower", port: "sim", id: "f" });
  });

  it("requires the follower's flags and a follower type", () => {
    expect(() => followerFromFlags({})).toThrow(/--robot\.type, --robot\.port and --robot\.id are required/);
    expect(() => followerFromFlags({ "robot.type": "so101_leader", "robot.port": "sim" })).toThrow(UsageError);
    expect(() => followerFromFlags({ "robot.type": "so101_leader", "robot.port": "sim" })).toThrow(/unknown robot type 'so101_leader'/);
  });

  it("takes a bi_so_follower only where the command allows a pair, and no bimanual leader", () => {
    const pair = { "robot.type": "bi_so_follower", "robot.left_arm_config.port": "sim", "robot.right_arm_config.port": "sim" };
    expect(() => followerFromFlags(pair)).toThrow(/this command takes one arm, not bi_so_follower/);
    expect(followerFromFlags(pair, { bimanual: true })).toEqual({ type: "bi_so_follower", left: { port: "sim" }, right: { port: "sim" } });
    expect(() => followerFromFlags({ ...pair, "robot.type": "bi_so_leader" }, { bimanual: true })).toThrow(/unknown robot type 'bi_so_leader' \(a bimanual follower is bi_so_follower\)/);
  });
});

describe("cameraConfigsFromFlags", () => {
  const cam = (fps = 30) => ({ type: "synthetic", width: 64, height: 48, fps });
  const one = { type: "so101_follower", port: "sim" };
  const pair = { type: "bi_so_follower", left: { port: "sim" }, right: { port: "sim" } };

  it("is --robot.cameras for one arm, and nothing without it", () => {
    expect(cameraConfigsFromFlags({ "robot.cameras": JSON.stringify({ front: cam() }) }, one)).toEqual({ front: cam() });
    expect(cameraConfigsFromFlags({}, one)).toEqual({});
  });

  it("names a pair's per-arm cameras left_<name> / right_<name> beside the top-level ones", () => {
    const flags = { "robot.cameras": JSON.stringify({ top: cam() }), "robot.left_arm_config.cameras": JSON.stringify({ wrist: cam() }), "robot.right_arm_config.cameras": JSON.stringify({ wrist: cam() }) };
    expect(Object.keys(cameraConfigsFromFlags(flags, pair))).toEqual(["left_wrist", "top", "right_wrist"]);
  });

  it("refuses bad JSON and colliding names, naming the flag", () => {
    expect(() => cameraConfigsFromFlags({ "robot.left_arm_config.cameras": "{" }, pair)).toThrow(/^--robot\.left_arm_config\.cameras: cameras: not valid JSON/);
    const collide = { "robot.cameras": JSON.stringify({ left_wrist: cam() }), "robot.left_arm_config.cameras": JSON.stringify({ wrist: cam() }) };
    expect(() => cameraConfigsFromFlags(collide, pair)).toThrow(new UsageError("--robot.cameras: two cameras would both be named 'left_wrist': rename one"));
  });
});
