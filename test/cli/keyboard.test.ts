/** LeRobot's recording keys, as a terminal sends them (escape sequences for the arrows). */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { keyboardControl } from "../../src/cli/keyboard.js";

/** A stdin that says it is a terminal: the bytes a terminal sends in raw mode. */
function fakeTerminal(): NodeJS.ReadStream & { rawModes: boolean[] } {
  const stream = new PassThrough() as unknown as NodeJS.ReadStream & { rawModes: boolean[] };
  stream.isTTY = true;
  stream.rawModes = [];
  stream.setRawMode = (mode: boolean) => { stream.rawModes.push(mode); return stream; };
  return stream;
}

describe("keyboardControl", () => {
  it("maps arrows, n / r / q, Esc and Ctrl-C to next, re-record and stop; restores the terminal", async () => {
    const input = fakeTerminal();
    const seen: string[] = [];
    const keys = keyboardControl({ next: () => seen.push("next"), rerecord: () => seen.push("rerecord"), stop: () => seen.push("stop") }, input);
    expect(keys.active).toBe(true);
    for (const bytes of ["\x1b[C", "n", "\x1b[D", "r", "q", "\x03", "x"]) {
      input.write(bytes);
      await new Promise((r) => setImmediate(r));
    }
    input.write("\x1b");
    await new Promise((r) => setTimeout(r, 600)); // a lone Esc is told apart from a sequence by a pause
    expect(seen).toEqual(["next", "next", "rerecord", "rerecord", "stop", "stop", "stop"]);
    keys.close();
    expect(input.rawModes).toEqual([true, false]);
  });

  it("does nothing when stdin is not a terminal (a script or a pipe)", () => {
    const input = new PassThrough() as unknown as NodeJS.ReadStream;
    expect(keyboardControl({ next: () => {}, rerecord: () => {}, stop: () => {} }, input).active).toBe(false);
  });
});
