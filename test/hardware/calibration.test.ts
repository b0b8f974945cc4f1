/** Calibration files in LeRobot's format and folders: where they are, reading them strictly, writing them as LeRobot does. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CalibrationFileError,
  calibrationFileIn,
  calibrationPath,
  findCalibrationFile,
  motorCalibrationSchema,
  readCalibrationFile,
  writeCalibrationFile,
} from "../../src/hardware/calibration.js";
import { tempDir } from "../helpers/synthetic.js";

describe("calibration files", () => {
  it("are found where LeRobot puts them, current folder name first, and round-trip", () => {
    const dir = tempDir("lerobot-ts-cal-");
    try {
      const env = { HF_LEROBOT_HOME: dir } as NodeJS.ProcessEnv;
      const legacy = calibrationPath("robots", "so101_follower", "arm1", env);
      expect(legacy).toBe(path.join(dir, "calibration", "robots", "so101_follower", "arm1.json"));
      const motors = ["shoulder_pan", "gripper"];
      const cal = { shoulder_pan: { id: 1, drive_mode: 0, homing_offset: -33, range_min: 743, range_max: 3458 }, gripper: { id: 6, drive_mode: 0, homing_offset: 100, range_min: 2000, range_max: 3400 } };
      writeCalibrationFile(legacy, cal);
      expect(fs.readFileSync(legacy, "utf8")).toContain('    "shoulder_pan": {\n        "id": 1,');
      expect(findCalibrationFile("robots", ["so_follower", "so101_follower"], "arm1", env)).toBe(legacy);
      const current = calibrationPath("robots", "so_follower", "arm1", env);
      writeCalibrationFile(current, cal);
      expect(findCalibrationFile("robots", ["so_follower", "so101_follower"], "arm1", env)).toBe(current);
      expect(readCalibrationFile(current, motors)).toEqual(cal);
      expect(calibrationPath("robots", "so_follower", "a", { HF_LEROBOT_CALIBRATION: "/x/cal" } as NodeJS.ProcessEnv)).toBe("/x/cal/robots/so_follower/a.json");
      expect(calibrationPath("teleoperators", "so_leader", "a", { HF_HOME: "/h" } as NodeJS.ProcessEnv)).toBe("/h/lerobot/calibration/teleoperators/so_leader/a.json");
      fs.writeFileSync(current, JSON.stringify({ shoulder_pan: { ...cal.shoulder_pan, homing_offset: 3000 } }));
      expect(() => readCalibrationFile(current, motors)).toThrow(/motor 'shoulder_pan' homing_offset/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("calibration paths", () => {
  it("resolve a relative HF_LEROBOT_CALIBRATION and calibration_dir against the working directory", () => {
    expect(calibrationPath("robots", "so_follower", "a", { HF_LEROBOT_CALIBRATION: "cal" } as NodeJS.ProcessEnv)).toBe(path.resolve("cal", "robots", "so_follower", "a.json"));
    expect(calibrationFileIn("my/cal", "duo_left")).toBe(path.resolve("my/cal", "duo_left.json"));
  });

  it("find no file where none of the folder names has one", () => {
    const dir = tempDir("lerobot-ts-cal-");
    try {
      expect(findCalibrationFile("robots", ["so_follower", "so101_follower"], "arm1", { HF_LEROBOT_HOME: dir } as NodeJS.ProcessEnv)).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("readCalibrationFile and writeCalibrationFile", () => {
  const dir = tempDir("lerobot-ts-cal-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pan = { id: 1, drive_mode: 0, homing_offset: -33, range_min: 743, range_max: 3458 };
  let n = 0;
  /** A file holding `text`, in a folder of its own. */
  const fileWith = (text: string) => {
    const file = path.join(dir, `f${n++}`, "arm.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const failure = (file: string, motors: string[]) => {
    try {
      readCalibrationFile(file, motors);
    } catch (error) {
      return error as CalibrationFileError;
    }
    throw new Error("readCalibrationFile did not throw");
  };

  it("write exactly LeRobot's json.dump(indent=4), through a temporary file that does not stay behind", () => {
    const file = path.join(dir, "new", "deep", "arm.json");
    writeCalibrationFile(file, { shoulder_pan: pan });
    expect(fs.readFileSync(file, "utf8")).toBe(JSON.stringify({ shoulder_pan: pan }, null, 4));
    expect(fs.readdirSync(path.dirname(file))).toEqual(["arm.json"]);
    writeCalibrationFile(file, { shoulder_pan: { ...pan, id: 2 } });
    expect(readCalibrationFile(file, ["shoulder_pan"]).shoulder_pan!.id).toBe(2);
  });

  it("keep only the motors asked for", () => {
    const file = fileWith(JSON.stringify({ shoulder_pan: pan, gripper: { ...pan, id: 6 } }));
    expect(readCalibrationFile(file, ["shoulder_pan"])).toEqual({ shoulder_pan: pan });
  });

  it("name the file when it is missing, not JSON, or not an object of motors", () => {
    const missing = path.join(dir, "nowhere.json");
    for (const [file, message] of [
      [missing, /^calibration file .*nowhere\.json cannot be read: ENOENT/],
      [fileWith("{ not json"), /cannot be read: .*JSON/],
      [fileWith("null"), /is not a JSON object of motors$/],
      [fileWith("3"), /is not a JSON object of motors$/],
    ] as const) {
      const error = failure(file, ["shoulder_pan"]);
      expect(error).toBeInstanceOf(CalibrationFileError);
      expect(error.file).toBe(file);
      expect(error.message).toMatch(message);
    }
  });

  it("name the motor that is missing or whose entry is out of range", () => {
    const file = fileWith(JSON.stringify({ shoulder_pan: pan }));
    expect(failure(file, ["shoulder_pan", "gripper"]).message).toBe(`calibration file ${file} has no entry for motor 'gripper'`);
    const bad = fileWith(JSON.stringify({ shoulder_pan: { ...pan, range_max: 4096 } }));
    expect(failure(bad, ["shoulder_pan"]).message).toMatch(/motor 'shoulder_pan' range_max: /);
  });
});

describe("motorCalibrationSchema", () => {
  it("takes LeRobot's MotorCalibration and refuses values no STS3215 can hold", () => {
    const pan = { id: 1, drive_mode: 0, homing_offset: -2047, range_min: 0, range_max: 4095 };
    expect(motorCalibrationSchema.safeParse(pan).success).toBe(true);
    for (const bad of [{ id: 254 }, { drive_mode: 0.5 }, { homing_offset: 2048 }, { homing_offset: -2048 }, { range_min: -1 }, { range_max: 4096 }, { id: undefined }]) {
      expect(motorCalibrationSchema.safeParse({ ...pan, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
