/**
 * LeRobot flags that lerobot-ts accepts and has no use for. A LeRobot command line must work
 * unchanged, so such a flag is registered (never "unknown option"), its value is checked as
 * LeRobot would check it (a typo is still an error), and the command prints one line saying why
 * it does nothing here: `note: --<flag> has no effect: <why>`.
 */
import type { Command } from "commander";
import { UsageError } from "./errors.js";
import { parseBoolFlag, parseIntFlag } from "./flags.js";

export interface NoEffectFlag {
  /** The flag without its dashes, e.g. "dataset.num_image_writer_processes". */
  name: string;
  /** Commander's value placeholder, e.g. "<n>". */
  arg: string;
  /** What the flag means in LeRobot (for --help). */
  description: string;
  /** Why lerobot-ts does without it; ends the note after "has no effect: ". */
  why: string;
  /** Checks the value as LeRobot does; throws a message (the flag is prefixed) when it is bad. */
  check?: (value: string) => void;
}

/** Registers the flags on a command; --help marks them as accepted without effect. */
export function addNoEffectOptions(command: Command, flags: readonly NoEffectFlag[]): Command {
  for (const flag of flags) command.option(`--${flag.name} ${flag.arg}`, `${flag.description} (LeRobot; no effect here)`);
  return command;
}

/**
 * The note lines for the flags given on this command line, after checking their values (a bad
 * value is a UsageError naming the flag). Nothing for flags not given.
 */
export function noEffectNotes(values: Record<string, unknown>, flags: readonly NoEffectFlag[]): string[] {
  const notes: string[] = [];
  for (const flag of flags) {
    const value = values[flag.name];
    if (value === undefined) continue;
    const text = String(value);
    try {
      flag.check?.(text);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--${flag.name}: ${(error as Error).message}`);
    }
    notes.push(`note: --${flag.name} has no effect: ${flag.why}`);
  }
  return notes;
}

const bool = (name: string) => (value: string) => void parseBoolFlag(name, value, false);
const int = (name: string, min: number) => (value: string) => void parseIntFlag(name, value, min);

/**
 * LeRobot's list syntax for a `list[str]` flag (draccus reads it as YAML): `'["a", "b"]'` or
 * `[a, b]`; `null` / `None` for no list.
 */
export function parseStringList(name: string, text: string): string[] | undefined {
  const t = text.trim();
  if (t === "null" || t === "None") return undefined;
  if (!t.startsWith("[") || !t.endsWith("]")) throw new UsageError(`--${name} must be a list such as '["a","b"]' or [a,b], got '${text}'`);
  try {
    const json = JSON.parse(t) as unknown;
    if (Array.isArray(json) && json.every((v) => typeof v === "string")) return json;
  } catch {
    // not JSON: the bare YAML form [a, b]
  }
  const inner = t.slice(1, -1).trim();
  if (inner === "") return [];
  return inner.split(",").map((item) => {
    const s = item.trim();
    const quoted = /^(["'])(.*)\1$/.exec(s);
    if (quoted) return quoted[2]!;
    if (s === "" || /["'[\]{}]/.test(s)) throw new UsageError(`--${name} must be a list such as '["a","b"]' or [a,b], got '${text}'`);
    return s;
  });
}

const NO_PNG = "lerobot-ts writes no per-frame PNG files: frames stream to the video encoder while recording (or, with --dataset.video=false, into the parquet)";

/** record's `--dataset.*` flags (LeRobot v0.6 configs/dataset.py DatasetRecordConfig) that do nothing here. */
export const RECORD_NO_EFFECT_FLAGS: readonly NoEffectFlag[] = [
  {
    name: "dataset.streaming_encoding", arg: "<bool>", description: "encode frames while recording",
    why: "lerobot-ts always streams frames to the encoder while recording (LeRobot's streaming_encoding=true)",
    check: bool("dataset.streaming_encoding"),
  },
  { name: "dataset.num_image_writer_processes", arg: "<n>", description: "PNG writer processes", why: NO_PNG, check: int("dataset.num_image_writer_processes", 0) },
  { name: "dataset.num_image_writer_threads_per_camera", arg: "<n>", description: "PNG writer threads per camera", why: NO_PNG, check: int("dataset.num_image_writer_threads_per_camera", 0) },
  {
    name: "dataset.video_encoding_batch_size", arg: "<n>", description: "episodes to record before encoding their videos",
    why: "lerobot-ts encodes every episode while it is recorded and appends it to the mp4 when it is saved; there is no batch to wait for",
    check: int("dataset.video_encoding_batch_size", 1),
  },
  {
    name: "dataset.encoder_queue_maxsize", arg: "<n>", description: "frames buffered per camera for the streaming encoder",
    why: "lerobot-ts bounds the writer's backlog itself (2 s of frames, at least 30) and stops with a clear error if the encoder falls that far behind",
    check: int("dataset.encoder_queue_maxsize", 1),
  },
];

const TERMINAL_VIEW = "lerobot-ts shows its own terminal view (--display_data=true) and has no rerun or foxglove viewer";

/** LeRobot v0.6's visualisation flags (RecordConfig / TeleoperateConfig), which do nothing here. */
export const DISPLAY_NO_EFFECT_FLAGS: readonly NoEffectFlag[] = [
  {
    name: "display_mode", arg: "<mode>", description: "viewer: rerun | foxglove", why: TERMINAL_VIEW,
    check: (v) => { if (v !== "rerun" && v !== "foxglove") throw new UsageError(`--display_mode must be rerun or foxglove, got '${v}'`); },
  },
  { name: "display_ip", arg: "<ip>", description: "rerun server / foxglove interface address", why: TERMINAL_VIEW },
  { name: "display_port", arg: "<port>", description: "rerun server / foxglove port", why: TERMINAL_VIEW, check: (v) => { if (v !== "null" && v !== "None") int("display_port", 1)(v); } },
  { name: "display_compressed_images", arg: "<bool>", description: "send JPEG instead of raw frames to the viewer", why: TERMINAL_VIEW, check: bool("display_compressed_images") },
];
