/** openInOrder: open several things one after the other, and leave none open when one fails. */
import { describe, expect, it } from "vitest";
import { openInOrder } from "../../../src/hardware/robots/open-in-order.js";

/** Openers that log what they open, the `failing` one rejecting; and a close that logs. */
function scenario(names: string[], failing?: string, closeFails?: string) {
  const log: string[] = [];
  const openers = names.map((name) => async () => {
    log.push(`open ${name}`);
    if (name === failing) throw new Error(`${name} is unplugged`);
    return name;
  });
  const close = async (name: string) => {
    log.push(`close ${name}`);
    if (name === closeFails) throw new Error(`${name} would not close`);
  };
  return { log, run: () => openInOrder(openers, close) };
}

describe("openInOrder", () => {
  it("opens each in turn, waiting for one before the next, and gives them in order", async () => {
    const { log, run } = scenario(["leader", "follower"]);
    expect(await run()).toEqual(["leader", "follower"]);
    expect(log).toEqual(["open leader", "open follower"]);
  });

  it("on a failure, opens nothing more, closes those already open last first, and rethrows that failure", async () => {
    const { log, run } = scenario(["a", "b", "c", "d"], "c");
    await expect(run()).rejects.toThrow("c is unplugged");
    expect(log).toEqual(["open a", "open b", "open c", "close b", "close a"]);
  });

  it("still closes the rest, and rethrows the opening failure, when one close fails", async () => {
    const { log, run } = scenario(["a", "b", "c"], "c", "b");
    await expect(run()).rejects.toThrow("c is unplugged");
    expect(log).toEqual(["open a", "open b", "open c", "close b", "close a"]);
  });

  it("opens nothing for no openers", async () => {
    expect(await openInOrder([], async () => {})).toEqual([]);
  });
});
