/**
 * --display_data for record: a live terminal view of the phase, episode, elapsed time, frames,
 * loop rate, late frames per camera and the joints (leader action and follower observation),
 * redrawn in place about 5 times a second.
 */
import type { RecordState, RecordTick } from "../processes/index.js";

export function recordView(out: NodeJS.WriteStream, cameras: string[]): { state: (s: RecordState) => void; tick: (t: RecordTick) => void; close: () => void } {
  let state: RecordState | undefined;
  let last: RecordTick | undefined;
  let drawn = 0;
  let lastDraw = 0;
  let closed = false;
  const draw = () => {
    if (!state || closed) return;
    const lines = [
      `${state.phase.toUpperCase()}  episode ${state.episode}  ${state.phaseElapsedS.toFixed(1)} s  frames ${state.frames}  saved ${state.episodesSaved}  loop ${state.loopHz} Hz  overruns ${state.overruns}`,
      `late frames: ${cameras.map((c) => `${c} ${state!.lateFrames[c] ?? 0}`).join(", ") || "no cameras"}`,
    ];
    if (last) {
      const width = Math.max(18, ...Object.keys(last.action).map((k) => k.length));
      lines.push(`${"JOINT".padEnd(width)} ${"ACTION".padStart(9)} ${"STATE".padStart(9)}`);
      for (const [key, value] of Object.entries(last.action)) lines.push(`${key.padEnd(width)} ${value.toFixed(2).padStart(9)} ${(last.observation[key] ?? NaN).toFixed(2).padStart(9)}`);
    }
    if (drawn > 0 && out.isTTY) out.write(`\x1b[${drawn}A`);
    out.write(`${lines.map((l) => (out.isTTY ? `\x1b[2K${l}` : l)).join("\n")}\n`);
    drawn = lines.length;
  };
  const maybeDraw = () => {
    const now = Date.now();
    if (now - lastDraw >= 200) {
      lastDraw = now;
      draw();
    }
  };
  return {
    state: (s) => { state = s; maybeDraw(); },
    tick: (t) => { last = t; maybeDraw(); },
    close: () => { if (!closed) { draw(); closed = true; } },
  };
}
