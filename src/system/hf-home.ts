/** Where the Hugging Face tools keep LeRobot's datasets and calibration: shared by the dataset and hardware layers. */
import os from "node:os";
import path from "node:path";

/** LeRobot's cache root: $HF_LEROBOT_HOME, else $HF_HOME/lerobot, else ~/.cache/huggingface/lerobot. */
export function lerobotHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_LEROBOT_HOME) return path.resolve(env.HF_LEROBOT_HOME);
  if (env.HF_HOME) return path.resolve(env.HF_HOME, "lerobot");
  return path.join(os.homedir(), ".cache", "huggingface", "lerobot");
}
