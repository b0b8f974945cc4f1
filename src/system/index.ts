/** system: what the dataset and hardware layers both need from the machine (ffmpeg, the Hugging Face home). */
export { findFfmpeg, passthroughArgs, runFfmpeg, TextTail } from "./ffmpeg.js";
export type { FfmpegInfo, RunResult } from "./ffmpeg.js";
export { lerobotHome } from "./hf-home.js";
export { niceThisThread } from "./thread-priority.js";
