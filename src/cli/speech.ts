/**
 * --play_sounds (default true, as LeRobot's RecordConfig): say phase changes aloud with the
 * platform's speech program (macOS `say`; Linux `spd-say`, LeRobot's choice in utils/utils.py
 * say(), else `espeak` / `espeak-ng`), as LeRobot's log_say does. With none on PATH it stays
 * silent: the caller prints one note, never an error.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const SPEECH_PROGRAMS = process.platform === "darwin" ? ["say"] : ["spd-say", "espeak", "espeak-ng"];

/** The first speech program on PATH, or undefined. */
export function findSpeechProgram(): string | undefined {
  for (const name of SPEECH_PROGRAMS) {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
      if (dir === "") continue;
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Speaks without waiting (LeRobot's non-blocking say); a program that fails is ignored. */
export function speaker(program: string): (text: string) => void {
  return (text) => {
    const child = spawn(program, [text], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  };
}
