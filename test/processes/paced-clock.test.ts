/**
 * PacedClock, the fixed-rate clock of the paced processes (process.ts rule 7): slots at
 * t0 + k / fps, overruns skip the slots already passed, one lateness sample per tick. Times are
 * given to start() and endTick() rather than waited for, so nothing here depends on the machine's speed.
 */
import { describe, expect, it } from "vitest";
import { PacedClock } from "../../src/processes/paced-clock.js";

describe("PacedClock", () => {
  it("puts tick k at t0 + k / fps", () => {
    const clock = new PacedClock(40);
    clock.start(1000);
    expect([0, 1, 2, 40].map((k) => clock.slotTime(k))).toEqual([1000, 1025, 1050, 2000]);
  });

  it("counts a tick whose work ran past the next slot as an overrun, and skips the slots it covered (no catch-up burst)", () => {
    const clock = new PacedClock(10); // slots every 100 ms
    clock.start(0);
    expect(clock.endTick(60)).toBe(false); // tick 0 done before slot 1
    expect(clock.slot).toBe(1);
    expect(clock.endTick(100)).toBe(false); // tick 1 done exactly at slot 2: on time
    expect(clock.slot).toBe(2);
    expect(clock.endTick(450)).toBe(true); // tick 2 ran to 450: slots 3 and 4 passed
    expect(clock.slot).toBe(5);
    expect(clock.slotTime(clock.slot)).toBeGreaterThanOrEqual(450);
    expect(clock.overruns).toBe(1);
    for (const done of [512.5, 777, 1234.56]) {
      clock.endTick(done);
      // Whatever the overrun, the next slot is never in the past.
      expect(clock.slotTime(clock.slot)).toBeGreaterThanOrEqual(done);
      expect(clock.slotTime(clock.slot - 1)).toBeLessThan(done);
    }
  });

  it("measures a tick's lateness against its slot and keeps one sample per tick", async () => {
    const clock = new PacedClock(30);
    // Slot 0 was due a second ago: the tick runs at once, at least a second late.
    clock.start(performance.now() - 1000);
    expect(await clock.waitForSlot()).toBe(true);
    expect(clock.lateMs).toBeGreaterThanOrEqual(1000);
    expect(clock.lateness).toEqual([clock.lateMs]);
  });

  it("starts no tick before its slot by more than a timer's granularity, even after a tick held the event loop", async () => {
    // Node's timers count whole milliseconds of libuv's clock, so a wait may end up to ~1 ms
    // before the slot (documented in paced-clock.ts); a wrong slot time would be 10 ms out.
    const clock = new PacedClock(100); // slots every 10 ms
    clock.start();
    const early: number[] = [];
    for (let tick = 0; tick < 20; tick++) {
      expect(await clock.waitForSlot()).toBe(true);
      const startedAt = performance.now();
      if (startedAt < clock.slotTime(clock.slot) - 2) early.push(clock.slotTime(clock.slot) - startedAt);
      while (performance.now() < startedAt + 6); // the tick's work: 6 ms without yielding
      clock.endTick();
    }
    expect(early).toEqual([]);
  });

  it("an aborted signal ends a pending wait at once, and no tick runs after it", async () => {
    const abort = new AbortController();
    const clock = new PacedClock(30, abort.signal);
    clock.start(performance.now() + 3_600_000); // slot 0 an hour away
    const waiting = clock.waitForSlot();
    abort.abort(new Error("lost"));
    expect(await waiting).toBe(false);
    expect(await clock.waitForSlot()).toBe(false);
    expect(clock.lateness).toEqual([]);
    expect(await new PacedClock(30, abort.signal).waitForSlot()).toBe(false);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => new PacedClock(0)).toThrow(RangeError);
    expect(() => new PacedClock(Number.NaN)).toThrow(RangeError);
  });
});
