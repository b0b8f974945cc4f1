/**
 * The STS3215 control table: LeRobot's register addresses, the EEPROM / RAM split the servo
 * enforces, the factory defaults the simulator starts from, and the sign-magnitude encoding.
 */
import { describe, expect, it } from "vitest";
import {
  BAUD_RATES,
  CONTROL_TABLE,
  MEMORY_SIZE,
  STS3215_DEFAULTS,
  STS3215_MODEL_NUMBER,
  decodeRegister,
  decodeSignMagnitude,
  encodeRegister,
  encodeSignMagnitude,
} from "../../../src/hardware/feetech/control-table.js";
import type { Register, RegisterName } from "../../../src/hardware/feetech/control-table.js";
import { toBytes } from "../../../src/hardware/feetech/protocol.js";

const REGISTERS = Object.entries(CONTROL_TABLE) as [RegisterName, Register][];

describe("CONTROL_TABLE", () => {
  it("puts the registers LeRobot uses at LeRobot's addresses (lerobot/motors/feetech/tables.py)", () => {
    const at = (name: RegisterName) => [CONTROL_TABLE[name].address, CONTROL_TABLE[name].size];
    expect({
      ID: at("ID"), Homing_Offset: at("Homing_Offset"), P_Coefficient: at("P_Coefficient"), D_Coefficient: at("D_Coefficient"),
      I_Coefficient: at("I_Coefficient"), Operating_Mode: at("Operating_Mode"), Torque_Enable: at("Torque_Enable"),
      Goal_Position: at("Goal_Position"), Lock: at("Lock"), Present_Position: at("Present_Position"), Model_Number: at("Model_Number"),
    }).toEqual({
      ID: [5, 1], Homing_Offset: [31, 2], P_Coefficient: [21, 1], D_Coefficient: [22, 1], I_Coefficient: [23, 1], Operating_Mode: [33, 1],
      Torque_Enable: [40, 1], Goal_Position: [42, 2], Lock: [55, 1], Present_Position: [56, 2], Model_Number: [3, 2],
    });
  });

  it("lays registers out without overlap inside the servo's memory", () => {
    const owner = new Map<number, string>();
    for (const [name, { address, size }] of REGISTERS) {
      for (let byte = address; byte < address + size; byte++) {
        expect(owner.get(byte), `${name} overlaps ${owner.get(byte)} at ${byte}`).toBeUndefined();
        owner.set(byte, name);
      }
      expect(address + size, name).toBeLessThanOrEqual(MEMORY_SIZE);
    }
  });

  it("keeps EEPROM below address 40 and RAM from Torque_Enable (40) on, as the STS3215 does", () => {
    for (const [name, register] of REGISTERS) {
      expect(register.address < CONTROL_TABLE.Torque_Enable.address, name).toBe(register.eeprom === true);
    }
    // Lock must stay writable while locked, or nothing could unlock the EEPROM.
    expect(CONTROL_TABLE.Lock).toEqual({ address: 55, size: 1 });
  });

  it("gives sign bits only to two-byte registers, below their top bit", () => {
    for (const [name, register] of REGISTERS.filter(([, r]) => r.signBit !== undefined)) {
      expect(register.size, name).toBe(2);
      expect(register.signBit, name).toBeLessThanOrEqual(15);
    }
    expect(REGISTERS.filter(([, r]) => r.signBit !== undefined).map(([n]) => n).sort())
      .toEqual(["Goal_Position", "Goal_Velocity", "Homing_Offset", "Present_Load", "Present_Position", "Present_Velocity"]);
  });
});

describe("STS3215_DEFAULTS", () => {
  it("names real registers, each value fits its register, and a new servo is model 777, locked, torque off, at 1 Mbps", () => {
    for (const [name, value] of Object.entries(STS3215_DEFAULTS)) {
      const register: Register | undefined = CONTROL_TABLE[name as RegisterName];
      expect(register, name).toBeDefined();
      expect(() => toBytes(encodeRegister(register!, value), register!.size), name).not.toThrow();
    }
    expect(STS3215_DEFAULTS).toMatchObject({ Model_Number: STS3215_MODEL_NUMBER, Lock: 1, Torque_Enable: 0, Homing_Offset: 0, Min_Position_Limit: 0, Max_Position_Limit: 4095 });
    expect(STS3215_MODEL_NUMBER).toBe(777);
    expect(BAUD_RATES[STS3215_DEFAULTS.Baud_Rate!]).toBe(1_000_000);
  });
});

describe("BAUD_RATES", () => {
  it("maps the Baud_Rate register's 0..7 to Feetech's speeds, fastest first", () => {
    expect(Object.keys(BAUD_RATES).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const speeds = Object.values(BAUD_RATES);
    expect(speeds).toEqual([...speeds].sort((a, b) => b - a));
    expect([BAUD_RATES[0], BAUD_RATES[4], BAUD_RATES[7]]).toEqual([1_000_000, 115_200, 19_200]);
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

describe("encodeRegister and decodeRegister", () => {
  it("pass unsigned registers through and sign-encode the others with their own sign bit", () => {
    expect(encodeRegister(CONTROL_TABLE.Acceleration, 200)).toBe(200);
    expect(decodeRegister(CONTROL_TABLE.Max_Torque_Limit, 0x8000)).toBe(0x8000);
    expect(encodeRegister(CONTROL_TABLE.Homing_Offset, -1)).toBe(0x801);
    expect(encodeRegister(CONTROL_TABLE.Goal_Position, -1)).toBe(0x8001);
    expect(decodeRegister(CONTROL_TABLE.Present_Load, 0x400 | 5)).toBe(-5);
    expect(decodeRegister(CONTROL_TABLE.Present_Position, 0x8000 | 37)).toBe(-37);
  });

  it("refuse a fraction or a magnitude beyond the sign bit", () => {
    expect(() => encodeSignMagnitude(1.5, 15)).toThrow(RangeError);
    expect(() => encodeRegister(CONTROL_TABLE.Present_Load, -1024)).toThrow(/magnitude 1024 exceeds 1023/);
  });
});
