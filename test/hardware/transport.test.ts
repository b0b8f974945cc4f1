/** TransportError: what a caller learns when a port cannot be opened or is lost. */
import { describe, expect, it } from "vitest";
import { TransportError } from "../../src/hardware/transport.js";

describe("TransportError", () => {
  it("names the port, and appends the hint a user can act on to the message", () => {
    const error = new TransportError("port /dev/ttyACM0 does not exist", "/dev/ttyACM0", "plug the arm in; lerobot-ts find-port lists the ports");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("TransportError");
    expect(error.path).toBe("/dev/ttyACM0");
    expect(error.hint).toBe("plug the arm in; lerobot-ts find-port lists the ports");
    expect(error.message).toBe("port /dev/ttyACM0 does not exist (plug the arm in; lerobot-ts find-port lists the ports)");
  });

  it("keeps the message as given without a hint, and the underlying error as its cause", () => {
    const cause = Object.assign(new Error("EIO"), { code: "EIO" });
    const error = new TransportError("port sim was lost", "sim", undefined, { cause });
    expect(error.message).toBe("port sim was lost");
    expect(error.hint).toBeUndefined();
    expect(error.cause).toBe(cause);
  });
});
