/**
 * The STS3215 control table (model 777): address and size of each register, which are EEPROM
 * (persist; writable only while Lock is 0), which are read-only, which use sign-magnitude
 * encoding, and the factory defaults the simulator starts from. Names are LeRobot's.
 */

/** One register of the control table: its address and size in bytes, and how it behaves. */
export interface Register {
  address: number;
  size: 1 | 2;
  /** Kept in EEPROM: a write needs Lock = 0 and survives power-off. */
  eeprom?: boolean;
  /** The servo refuses writes. */
  readOnly?: boolean;
  /** Sign-magnitude sign bit (Homing_Offset 11, positions 15, load 10). */
  signBit?: number;
}

/** What an STS3215 answers for Model_Number. */
export const STS3215_MODEL_NUMBER = 777;
export const STS3215_RESOLUTION = 4096;

/** The STS3215 registers by LeRobot's names (lerobot/motors/feetech/tables.py STS_SMS_SERIES_CONTROL_TABLE). */
export const CONTROL_TABLE = {
  Firmware_Major_Version: { address: 0, size: 1, eeprom: true, readOnly: true },
  Firmware_Minor_Version: { address: 1, size: 1, eeprom: true, readOnly: true },
  Model_Number: { address: 3, size: 2, eeprom: true, readOnly: true },
  ID: { address: 5, size: 1, eeprom: true },
  Baud_Rate: { address: 6, size: 1, eeprom: true },
  Return_Delay_Time: { address: 7, size: 1, eeprom: true },
  Response_Status_Level: { address: 8, size: 1, eeprom: true },
  Min_Position_Limit: { address: 9, size: 2, eeprom: true },
  Max_Position_Limit: { address: 11, size: 2, eeprom: true },
  Max_Temperature_Limit: { address: 13, size: 1, eeprom: true },
  Max_Voltage_Limit: { address: 14, size: 1, eeprom: true },
  Min_Voltage_Limit: { address: 15, size: 1, eeprom: true },
  Max_Torque_Limit: { address: 16, size: 2, eeprom: true },
  Phase: { address: 18, size: 1, eeprom: true },
  Unloading_Condition: { address: 19, size: 1, eeprom: true },
  LED_Alarm_Condition: { address: 20, size: 1, eeprom: true },
  P_Coefficient: { address: 21, size: 1, eeprom: true },
  D_Coefficient: { address: 22, size: 1, eeprom: true },
  I_Coefficient: { address: 23, size: 1, eeprom: true },
  Minimum_Startup_Force: { address: 24, size: 2, eeprom: true },
  CW_Dead_Zone: { address: 26, size: 1, eeprom: true },
  CCW_Dead_Zone: { address: 27, size: 1, eeprom: true },
  Protection_Current: { address: 28, size: 2, eeprom: true },
  Angular_Resolution: { address: 30, size: 1, eeprom: true },
  Homing_Offset: { address: 31, size: 2, eeprom: true, signBit: 11 },
  Operating_Mode: { address: 33, size: 1, eeprom: true },
  Protective_Torque: { address: 34, size: 1, eeprom: true },
  Protection_Time: { address: 35, size: 1, eeprom: true },
  Overload_Torque: { address: 36, size: 1, eeprom: true },
  Torque_Enable: { address: 40, size: 1 },
  Acceleration: { address: 41, size: 1 },
  Goal_Position: { address: 42, size: 2, signBit: 15 },
  Goal_Time: { address: 44, size: 2 },
  Goal_Velocity: { address: 46, size: 2, signBit: 15 },
  Torque_Limit: { address: 48, size: 2 },
  Lock: { address: 55, size: 1 },
  Present_Position: { address: 56, size: 2, readOnly: true, signBit: 15 },
  Present_Velocity: { address: 58, size: 2, readOnly: true, signBit: 15 },
  Present_Load: { address: 60, size: 2, readOnly: true, signBit: 10 },
  Present_Voltage: { address: 62, size: 1, readOnly: true },
  Present_Temperature: { address: 63, size: 1, readOnly: true },
  Status: { address: 65, size: 1, readOnly: true },
  Moving: { address: 66, size: 1, readOnly: true },
  Present_Current: { address: 69, size: 2, readOnly: true },
  Maximum_Acceleration: { address: 85, size: 1 },
} as const satisfies Record<string, Register>;

/** A register's name in CONTROL_TABLE, e.g. "Present_Position". */
export type RegisterName = keyof typeof CONTROL_TABLE;

/** Bytes of memory a servo exposes (addresses 0..MEMORY_SIZE-1). */
export const MEMORY_SIZE = 128;

/**
 * Factory values of an STS3215 as shipped (Feetech's defaults, as read from new servos): the
 * simulator's memory starts from these. Position limits span the whole encoder.
 */
export const STS3215_DEFAULTS: Partial<Record<RegisterName, number>> = {
  Firmware_Major_Version: 3,
  Firmware_Minor_Version: 10,
  Model_Number: STS3215_MODEL_NUMBER,
  ID: 1,
  Baud_Rate: 0,
  Return_Delay_Time: 0,
  Response_Status_Level: 1,
  Min_Position_Limit: 0,
  Max_Position_Limit: 4095,
  Max_Temperature_Limit: 70,
  Max_Voltage_Limit: 140,
  Min_Voltage_Limit: 40,
  Max_Torque_Limit: 1000,
  Phase: 12,
  Unloading_Condition: 44,
  LED_Alarm_Condition: 47,
  P_Coefficient: 32,
  D_Coefficient: 32,
  I_Coefficient: 0,
  Minimum_Startup_Force: 16,
  CW_Dead_Zone: 1,
  CCW_Dead_Zone: 1,
  Protection_Current: 500,
  Angular_Resolution: 1,
  Homing_Offset: 0,
  Operating_Mode: 0,
  Protective_Torque: 20,
  Protection_Time: 200,
  Overload_Torque: 80,
  Torque_Enable: 0,
  Acceleration: 0,
  Torque_Limit: 1000,
  Lock: 1,
  Present_Voltage: 120,
  Present_Temperature: 30,
  Maximum_Acceleration: 0,
};

/** Baud_Rate register value -> bits per second. */
export const BAUD_RATES: Record<number, number> = {
  0: 1_000_000, 1: 500_000, 2: 250_000, 3: 128_000, 4: 115_200, 5: 57_600, 6: 38_400, 7: 19_200,
};

/** LeRobot's sign-magnitude encoding: the sign in `signBit`, the magnitude below it. */
export function encodeSignMagnitude(value: number, signBit: number): number {
  const max = (1 << signBit) - 1;
  const magnitude = Math.abs(value);
  if (!Number.isInteger(value) || magnitude > max) {
    throw new RangeError(`magnitude ${magnitude} exceeds ${max} (sign-magnitude with the sign in bit ${signBit})`);
  }
  return ((value < 0 ? 1 : 0) << signBit) | magnitude;
}

export function decodeSignMagnitude(encoded: number, signBit: number): number {
  const magnitude = encoded & ((1 << signBit) - 1);
  return (encoded >> signBit) & 1 ? -magnitude : magnitude;
}

/** A register's value as the host sees it (sign decoded) from its raw unsigned value, and back. */
export function decodeRegister(register: Register, raw: number): number {
  return register.signBit === undefined ? raw : decodeSignMagnitude(raw, register.signBit);
}

export function encodeRegister(register: Register, value: number): number {
  return register.signBit === undefined ? value : encodeSignMagnitude(value, register.signBit);
}
