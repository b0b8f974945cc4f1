/** Where the Hugging Face tools keep LeRobot's datasets and calibration: shared by the dataset and hardware layers. */
import os from "node:os";
import path from "node:path";

/**
 * LeRobot's cache root: $HF_LEROBOT_HOME, else $HF_HOME/lerobot, else
 * $XDG_CACHE_HOME/huggingface/lerobot, else ~/.cache/huggingface/lerobot; a leading ~ is the
 * home directory, as huggingface_hub (constants.py HF_HOME) and LeRobot (HF_LEROBOT_HOME) read them.
 */
export function lerobotHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_LEROBOT_HOME) return path.resolve(expandHome(env.HF_LEROBOT_HOME));
  if (env.HF_HOME) return path.resolve(expandHome(env.HF_HOME), "lerobot");
  if (env.XDG_CACHE_HOME) return path.resolve(expandHome(env.XDG_CACHE_HOME), "huggingface", "lerobot");
  return path.join(os.homedir(), ".cache", "huggingface", "lerobot");
}

/** `~` and `~/...` as Python's os.path.expanduser reads them. */
function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") || p.startsWith(`~${path.sep}`) ? path.join(os.homedir(), p.slice(1)) : p;
}
