/**
 * The reports of `lerobot-ts edit --json` (`"schema": "lerobot-ts/edit@1"`) and `lerobot-ts
 * convert --json` (`"lerobot-ts/convert@1"`): their zod schemas are the contract, published as
 * JSON Schemas in schemas/. Additions keep the version; removing or renaming a field makes it @2.
 */
import { z } from "zod";

/** The `schema` field of `lerobot-ts edit --json`. */
export const EDIT_REPORT_SCHEMA_ID = "lerobot-ts/edit@1";
/** The `schema` field of `lerobot-ts convert --json`. */
export const CONVERT_REPORT_SCHEMA_ID = "lerobot-ts/convert@1";

const count = z.number().int().nonnegative();

/** The published zod schema of `lerobot-ts edit --json` (schemas/edit-v1.schema.json is generated from it). */
export const editReportSchema = z.object({
  schema: z.literal(EDIT_REPORT_SCHEMA_ID),
  operation: z.string().describe("LeRobot's operation name, e.g. delete_episodes"),
  outputs: z.array(z.object({
    split: z.string().optional().describe("split only: the split's name"),
    root: z.string().describe("the dataset folder written"),
    episodes: count,
    frames: count,
    tasks: z.array(z.string()).describe("its tasks, by task_index"),
    reencoded: z.record(z.string(), count).describe("per video feature, the episodes whose frames were re-encoded"),
    skipped: z.record(z.string(), z.string()).describe("per video feature left as it was, why"),
  })),
  notes: z.array(z.string()).describe("flags accepted without effect, one line each"),
});
/** The document `lerobot-ts edit --json` prints: the operation, each dataset written, notes. */
export type EditReport = z.infer<typeof editReportSchema>;

/** The published zod schema of `lerobot-ts convert --json` (schemas/convert-v1.schema.json). */
export const convertReportSchema = z.object({
  schema: z.literal(CONVERT_REPORT_SCHEMA_ID),
  root: z.string().describe("the v3.0 dataset written"),
  source: z.string().describe("the v2.x dataset read"),
  sourceVersion: z.enum(["v2.0", "v2.1"]),
  codebaseVersion: z.literal("v3.0"),
  episodes: count,
  frames: count,
  tasks: z.array(z.string()),
  computedStats: z.array(z.string()).describe("camera features whose per-episode stats were computed from the frames"),
  backup: z.string().nullable().describe("with --in-place: where the original was kept"),
});
/** The document `lerobot-ts convert --json` prints. */
export type ConvertReport = z.infer<typeof convertReportSchema>;
