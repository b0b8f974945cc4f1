/**
 * The one fixed-rate clock of the paced processes (record, teleoperate, replay, calibrate's range
 * sampling, calibrateTest), with rule 7 of process.ts: tick k is due at t0 + k / fps (absolute, so
 * a slow tick does not shift the ones after it); a tick whose work ends past the next slot is an
 * overrun, and the next tick then waits for the first slot not yet passed: missed slots are
 * skipped, never run back to back to catch up. Allocates nothing per tick beyond the wait itself
 * and one lateness sample. A tick may start up to about a millisecond before its slot: Node's
 * timers count whole milliseconds of libuv's clock. Waiting again for the rest was measured to
 * make ticks later on the whole (bench/record.js p99 1.0 -> 1.2-1.6 ms), for no gain to a user.
 *
 *   clock.start();
 *   while (more && (await clock.waitForSlot())) { work(); clock.endTick(); }
 */
export class PacedClock {
  /** Start lateness of every tick so far, ms (for latenessSummary). */
  readonly lateness: number[] = [];
  /** Ticks whose work ran past the next slot. */
  overruns = 0;
  /** The slot of the tick in progress (after waitForSlot) or of the next one. */
  slot = 0;
  /** performance.now() when the tick in progress started, and how late that was against its slot, ms. */
  startedAtMs = 0;
  lateMs = 0;
  private t0 = 0;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private interrupted = false;

  /** `signal`: when it aborts, a pending wait ends at once and no further tick runs. */
  constructor(readonly fps: number, signal?: AbortSignal) {
    if (!(fps > 0 && Number.isFinite(fps))) throw new RangeError(`a clock needs fps > 0, got ${fps}`);
    signal?.addEventListener("abort", () => this.interrupt(), { once: true });
    if (signal?.aborted) this.interrupted = true;
  }

  /** Slot 0 is now (or `t0`). */
  start(t0 = performance.now()): void {
    this.t0 = t0;
    this.slot = 0;
  }

  /** When slot k is due (performance.now() time, ms). */
  slotTime(k: number): number {
    return this.t0 + (k * 1000) / this.fps;
  }

  /** Wait for the current slot; false when interrupted (the tick must not run). */
  async waitForSlot(): Promise<boolean> {
    if (this.interrupted) return false;
    const scheduled = this.slotTime(this.slot);
    const wait = scheduled - performance.now();
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, wait);
      });
      this.wake = undefined;
      if (this.interrupted) return false;
    }
    this.startedAtMs = performance.now();
    this.lateMs = Math.max(0, this.startedAtMs - scheduled);
    this.lateness.push(this.lateMs);
    return true;
  }

  /**
   * The tick's work is done (at `now`). Returns true when it overran: then the slots already
   * passed are skipped, and the next tick waits for the first one still ahead.
   */
  endTick(now = performance.now()): boolean {
    this.slot++;
    if (now <= this.slotTime(this.slot)) return false;
    this.overruns++;
    this.slot = Math.ceil(((now - this.t0) * this.fps) / 1000);
    return true;
  }

  /** End a pending wait now; no tick runs after this. */
  interrupt(): void {
    this.interrupted = true;
    clearTimeout(this.timer);
    this.wake?.();
  }
}
