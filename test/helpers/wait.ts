/**
 * Waits on a condition or on the event loop, never on the clock: a test that synchronises with a
 * fixed sleep is slow when the machine is idle and flaky when it is busy.
 */

/** Read `value` until `done(value)` holds, yielding to the event loop between reads; resolves with that value. */
export async function until<T>(value: () => T | Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const v = await value();
    if (done(v)) return v;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Let the event loop go round `turns` times (a closed handle leaves in the close phase of the turn after). */
export async function eventLoopTurns(turns = 2): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A promise resolved by the `n`th call of the returned callback (for onTick, onError, ...). */
export function afterCalls(n: number): { callback: () => void; reached: Promise<void> } {
  let calls = 0;
  let resolve!: () => void;
  const reached = new Promise<void>((r) => { resolve = r; });
  return { callback: () => { if (++calls === n) resolve(); }, reached };
}
