/** LeRobot's position units: raw encoder steps to degrees, -100..100 or 0..100 and back (MotorsBus._normalize / _unnormalize). */
import { describe, expect, it } from "vitest";
import { normalizePosition, unnormalizePosition } from "../../src/hardware/normalize.js";

describe("units (LeRobot's normalisation)", () => {
  const cal = { id: 3, drive_mode: 0, homing_offset: 0, range_min: 1000, range_max: 3000 };
  it("degrees: (raw - mid) * 360 / 4095, unclamped", () => {
    expect(normalizePosition("elbow_flex", 2000, cal, "degrees")).toBe(0);
    expect(normalizePosition("elbow_flex", 3000, cal, "degrees")).toBeCloseTo((1000 * 360) / 4095, 12);
    expect(normalizePosition("elbow_flex", 4000, cal, "degrees")).toBeCloseTo((2000 * 360) / 4095, 12);
    expect(unnormalizePosition("elbow_flex", 87.91, cal, "degrees")).toBe(Math.trunc((87.91 * 4095) / 360 + 2000));
  });
  it("-100..100 and 0..100 clamp to the calibrated range, as LeRobot does", () => {
    expect(normalizePosition("elbow_flex", 999, cal, "range_m100_100")).toBe(-100);
    expect(normalizePosition("elbow_flex", 2500, cal, "range_m100_100")).toBe(50);
    expect(normalizePosition("gripper", 1500, cal, "range_0_100")).toBe(25);
    expect(unnormalizePosition("elbow_flex", 150, cal, "range_m100_100")).toBe(3000);
    expect(unnormalizePosition("gripper", 33.3, cal, "range_0_100")).toBe(Math.trunc(0.333 * 2000 + 1000));
    expect(normalizePosition("x", 1500, { ...cal, drive_mode: 1 }, "range_m100_100")).toBe(50);
  });
});

describe("normalizePosition and unnormalizePosition: edge cases", () => {
  const cal = { id: 6, drive_mode: 0, homing_offset: 0, range_min: 1000, range_max: 3000 };

  it("refuse a calibration whose range is empty, naming the motor", () => {
    const flat = { ...cal, range_max: 1000 };
    expect(() => normalizePosition("gripper", 1000, flat, "range_0_100")).toThrow("invalid calibration for motor 'gripper': range_min and range_max are both 1000");
    expect(() => unnormalizePosition("gripper", 50, flat, "degrees")).toThrow(/motor 'gripper'/);
  });

  it("mirror a reversed motor (drive_mode 1) in both range modes, both ways", () => {
    const reversed = { ...cal, drive_mode: 1 };
    expect(normalizePosition("gripper", 1500, reversed, "range_0_100")).toBe(75);
    expect(unnormalizePosition("gripper", 75, reversed, "range_0_100")).toBe(1500);
    expect(unnormalizePosition("elbow_flex", 50, reversed, "range_m100_100")).toBe(1500);
  });

  it("clamp values beyond the range before converting back", () => {
    expect(unnormalizePosition("elbow_flex", -150, cal, "range_m100_100")).toBe(1000);
    expect(unnormalizePosition("gripper", 120, cal, "range_0_100")).toBe(3000);
    expect(unnormalizePosition("gripper", -5, cal, "range_0_100")).toBe(1000);
  });

  it("truncate to whole steps rather than round, as LeRobot's int() does", () => {
    // 0.08 degrees is 0.91 steps above the middle: LeRobot writes 2000, not 2001.
    expect(unnormalizePosition("elbow_flex", 0.08, cal, "degrees")).toBe(2000);
    expect(unnormalizePosition("gripper", 0.099, cal, "range_0_100")).toBe(1001); // 1001.98
  });

  it("bring every raw step back to itself, or one below it (truncation), through degrees", () => {
    for (let raw = 0; raw <= 4095; raw += 7) {
      const back = unnormalizePosition("elbow_flex", normalizePosition("elbow_flex", raw, cal, "degrees"), cal, "degrees");
      expect(raw - back, `raw ${raw}`).toBeGreaterThanOrEqual(0);
      expect(raw - back, `raw ${raw}`).toBeLessThanOrEqual(1);
    }
  });
});
