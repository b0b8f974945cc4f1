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

/**
 * Speaks without waiting (LeRobot's non-blocking say); a program that fails is ignored.
 *
 * Phase changes come right before a take's first tick, and spawning a process blocks Node's
 * thread for 20-50 ms (fork copies the whole process's page tables): that would make the first
 * tick of every take late. So one small shell is started now, before the clock runs, and it
 * starts the speech program for each line it reads; saying something is then a pipe write.
 */
export function speaker(program: string): (text: string) => void {
  if (process.platform === "win32" || !fs.existsSync("/bin/sh")) return (text) => speakOnce(program, text);
  const relay = spawn("/bin/sh", ["-c", 'while IFS= read -r line; do "$0" "$line" >/dev/null 2>&1 & done', program], { stdio: ["pipe", "ignore", "ignore"] });
  relay.on("error", () => {});
  relay.stdin.on("error", () => {});
  // Neither the shell nor its pipe keeps the recording's process alive; when it exits, the pipe
  // closes and the shell's read loop ends.
  relay.unref();
  (relay.stdin as unknown as { unref?(): void }).unref?.();
  return (text) => {
    if (relay.exitCode === null && relay.signalCode === null) relay.stdin.write(`${text.replace(/\s+/g, " ")}\n`);
  };
}

function speakOnce(program: string, text: string): void {
  const child = spawn(program, [text], { stdio: "ignore", detached: true });
  child.on("error", () => {});
  child.unref();
}
