/** The Feetech packet layer and the unit conversions, against hand-computed bytes and LeRobot's formulas. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { calibrationPath, findCalibrationFile, readCalibrationFile, writeCalibrationFile } from "../../../src/hardware/calibration.js";
import { CONTROL_TABLE, decodeSignMagnitude, encodeSignMagnitude } from "../../../src/hardware/feetech/control-table.js";
import type { Packet } from "../../../src/hardware/feetech/protocol.js";
import { Instruction, PacketParser, buildPacket, describeStatusError, transferMs } from "../../../src/hardware/feetech/protocol.js";
import { normalizePosition, unnormalizePosition } from "../../../src/hardware/normalize.js";
import { tempDir } from "../../helpers/synthetic.js";

function parseAll(...chunks: number[][]): { packets: Packet[]; parser: PacketParser } {
  const packets: Packet[] = [];
  const parser = new PacketParser((p) => packets.push(p));
  for (const c of chunks) parser.push(Uint8Array.from(c));
  return { packets, parser };
}

describe("packets", () => {
  it("builds instruction packets byte for byte", () => {
    // Read Present_Position (56, 2 bytes) of motor 1: FF FF 01 04 02 38 02 CHK, CHK = ~(1+4+2+56+2) & 0xFF.
    expect(Array.from(buildPacket(1, Instruction.READ, [56, 2]))).toEqual([0xff, 0xff, 0x01, 0x04, 0x02, 0x38, 0x02, 0xbe]);
    expect(Array.from(buildPacket(0xfe, Instruction.PING))).toEqual([0xff, 0xff, 0xfe, 0x02, 0x01, 0xfe]);
    // Sync write Goal_Position 2048 to ids 1 and 2.
    const sw = buildPacket(0xfe, Instruction.SYNC_WRITE, [42, 2, 1, 0x00, 0x08, 2, 0x00, 0x08]);
    expect(sw[3]).toBe(10);
    expect(sw.at(-1)).toBe(~(0xfe + 10 + 0x83 + 42 + 2 + 1 + 8 + 2 + 8) & 0xff);
  });

  it("parses packets split anywhere and resynchronises on garbage and bad checksums", () => {
    const status = [0xff, 0xff, 0x03, 0x04, 0x00, 0x00, 0x08, 0xf0];
    for (let cut = 1; cut < status.length; cut++) {
      const { packets } = parseAll(status.slice(0, cut), status.slice(cut));
      expect(packets).toHaveLength(1);
      expect(packets[0]).toMatchObject({ id: 3, code: 0 });
      expect(Array.from(packets[0]!.params)).toEqual([0x00, 0x08]);
    }
    const corrupt = [...status.slice(0, -1), 0x00];
    const { packets, parser } = parseAll([0x12, 0xff, 0x00, 0xff], corrupt, [0xff], status, [0xff, 0xff, 0xff], status);
    expect(packets.map((p) => p.id)).toEqual([3, 3]);
    expect(parser.badChecksums).toBe(1);
    expect(parser.discardedBytes).toBeGreaterThan(0);
  });

  it("names status error bits", () => {
    expect(describeStatusError(0x20 | 0x04)).toEqual(["overheat", "overload"]);
    expect(describeStatusError(0x40)).toEqual(["unknown error bits 0x40"]);
  });

  it("sizes transfers at 10 bits a byte", () => {
    expect(transferMs(100, 1_000_000)).toBeCloseTo(1, 9);
  });
});

describe("sign-magnitude (LeRobot's encoding)", () => {
  it("round-trips Homing_Offset (bit 11), positions (bit 15) and load (bit 10)", () => {
    expect(encodeSignMagnitude(-33, 11)).toBe(0x800 | 33);
    expect(decodeSignMagnitude(0x800 | 33, 11)).toBe(-33);
    expect(encodeSignMagnitude(2047, 11)).toBe(2047);
    expect(() => encodeSignMagnitude(2048, 11)).toThrow(/magnitude 2048 exceeds 2047/);
    expect(decodeSignMagnitude(encodeSignMagnitude(-100, 15), 15)).toBe(-100);
    expect(CONTROL_TABLE.Present_Load.signBit).toBe(10);
  });
});

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
