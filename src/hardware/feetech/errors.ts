/** Typed errors of the Feetech bus; each names the motor (and port) it concerns. */

/** How a motor is named in messages: "motor 'elbow_flex' (id 3)" or "motor id 3". */
export function motorLabel(id: number, name?: string): string {
  return name ? `motor '${name}' (id ${id})` : `motor id ${id}`;
}

/** A motor transaction failed; `motorId` and `port` say where. The base of the three below. */
export class MotorError extends Error {
  override name = "MotorError";
  constructor(message: string, readonly motorId: number, readonly port: string) {
    super(message);
  }
}

/** No (valid) reply within the timeout, after every retry. */
export class MotorTimeoutError extends MotorError {
  override name = "MotorTimeoutError";
}

/** The reply arrived but was corrupted (bad checksum) every time. */
export class MotorChecksumError extends MotorError {
  override name = "MotorChecksumError";
}

/** The reply's status byte reported a hardware error (overload, overheat, voltage, ...). */
export class MotorStatusError extends MotorError {
  override name = "MotorStatusError";
  constructor(message: string, motorId: number, port: string, readonly errorBits: number) {
    super(message, motorId, port);
  }
}
