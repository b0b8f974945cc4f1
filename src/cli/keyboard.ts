/**
 * LeRobot's recording keys in a terminal (local or over SSH): right arrow or n ends the episode,
 * left arrow or r re-records it, Esc or q stops (Ctrl-C too). Only when stdin is a terminal:
 * raw mode reads single keys without Enter.
 */
import readline from "node:readline";

export interface KeyActions {
  next: () => void;
  rerecord: () => void;
  stop: () => void;
}

export function keyboardControl(actions: KeyActions, input: NodeJS.ReadStream = process.stdin): { active: boolean; close: () => void } {
  if (!input.isTTY) return { active: false, close: () => {} };
  readline.emitKeypressEvents(input);
  input.setRawMode(true);
  const onKey = (_text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
    const name = key?.name;
    if (name === "right" || name === "n") actions.next();
    else if (name === "left" || name === "r") actions.rerecord();
    else if (name === "escape" || name === "q" || (key?.ctrl && name === "c")) actions.stop();
  };
  input.on("keypress", onKey);
  input.resume();
  return {
    active: true,
    close: () => {
      input.off("keypress", onKey);
      input.setRawMode(false);
      input.pause();
    },
  };
}
