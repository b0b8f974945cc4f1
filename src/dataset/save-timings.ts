/** Where a save spends its time: laps in milliseconds, rounded to 0.1 ms (SavedEpisode.timingsMs). */

export interface LapTimer {
  /** Milliseconds since the last lap (or the start). */
  lap(): number;
  /** Milliseconds since the start. */
  total(): number;
}

export function lapTimer(): LapTimer {
  const started = performance.now();
  let mark = started;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    lap: () => { const now = performance.now(); const ms = now - mark; mark = now; return round(ms); },
    total: () => round(performance.now() - started),
  };
}
