/**
 * --play_sounds: say phase changes aloud with the platform's speech tool (macOS `say`, Linux
 * `spd-say` or `espeak`), as LeRobot's log_say does; silently nothing when there is none.
 */
import { spawn, spawnSync } from "node:child_process";

export function speaker(): (text: string) => void {
  const tool = process.platform === "darwin" ? "say" : ["spd-say", "espeak"].find((t) => spawnSync("which", [t]).status === 0);
  if (!tool) return () => {};
  return (text) => {
    const child = spawn(tool, [text], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  };
}
