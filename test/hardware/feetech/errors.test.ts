/** The bus's typed errors: how a motor is named, and what each error carries for a caller to act on. */
import { describe, expect, it } from "vitest";
import { MotorChecksumError, MotorError, MotorStatusError, MotorTimeoutError, motorLabel } from "../../../src/hardware/feetech/errors.js";

describe("motorLabel", () => {
  it("names a motor by name and id, or by id alone when it has no name", () => {
    expect(motorLabel(3, "elbow_flex")).toBe("motor 'elbow_flex' (id 3)");
    expect(motorLabel(3)).toBe("motor id 3");
    expect(motorLabel(3, "")).toBe("motor id 3");
  });
});

describe("MotorError and its kinds", () => {
  it("are MotorErrors carrying the motor id and port, each with its own name", () => {
    const errors = [
      new MotorError("m", 1, "/dev/ttyACM0"),
      new MotorTimeoutError("t", 2, "/dev/ttyACM0"),
      new MotorChecksumError("c", 3, "sim"),
      new MotorStatusError("s", 4, "sim", 0x20),
    ];
    expect(errors.map((e) => [e.name, e.message, e.motorId, e.port])).toEqual([
      ["MotorError", "m", 1, "/dev/ttyACM0"],
      ["MotorTimeoutError", "t", 2, "/dev/ttyACM0"],
      ["MotorChecksumError", "c", 3, "sim"],
      ["MotorStatusError", "s", 4, "sim"],
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(MotorError);
      expect(error).toBeInstanceOf(Error);
    }
    // A caller tells the kinds apart with instanceof: none is another.
    expect(errors[1]).not.toBeInstanceOf(MotorChecksumError);
    expect(errors[2]).not.toBeInstanceOf(MotorTimeoutError);
    expect(String(errors[1])).toBe("MotorTimeoutError: t");
  });

  it("MotorStatusError keeps the status bits the motor reported", () => {
    expect(new MotorStatusError("overload", 6, "sim", 0x20 | 0x04).errorBits).toBe(0x24);
  });
});
