/**
 * The verify report: its zod schema is the contract of `lerobot-ts verify --json`
 * (`"schema": "lerobot-ts/verify@1"`); the JSON Schema published in schemas/ is generated from it.
 * Additions keep the version; removing or renaming a field makes it verify@2.
 */
import { z } from "zod";
import { remoteTrafficSchema } from "../dataset/index.js";
import { CHECK_GROUPS } from "./catalog.js";

/** The `schema` field of every verify report: its contract's name and major version. */
export const VERIFY_REPORT_SCHEMA_ID = "lerobot-ts/verify@1";

const count = z.number().int().nonnegative();

export const findingSchema = z.object({
  check: z.string().describe("stable check id, <group>.<name>"),
  group: z.enum(CHECK_GROUPS),
  severity: z.enum(["error", "warning"]),
  message: z.string().describe("one line saying what is wrong"),
  hint: z.string().describe("one line saying what to do about it"),
  file: z.string().optional().describe("path relative to the dataset folder"),
  episode: z.number().int().optional(),
  column: z.string().optional(),
  row: z.number().int().optional().describe("row in the file, 0-based"),
});

export const groupResultSchema = z.object({
  group: z.enum(CHECK_GROUPS),
  status: z.enum(["pass", "warn", "fail", "skipped"]),
  errors: count,
  warnings: count,
  reason: z.string().optional().describe("why the group was skipped"),
  ms: z.number().nonnegative().optional(),
});

/**
 * The zod schema of a verify report (`lerobot-ts verify --json`); `verifyReportSchema.parse(json)`
 * validates a report another tool produced. The JSON Schema in schemas/ is generated from it.
 */
export const verifyReportSchema = z.object({
  schema: z.literal(VERIFY_REPORT_SCHEMA_ID),
  tool: z.object({ name: z.literal("lerobot-ts"), version: z.string() }),
  dataset: z.object({
    root: z.string().describe("the dataset folder, or hf://datasets/<repo_id>@<revision> for a dataset read on the Hub"),
    codebaseVersion: z.string().nullable(),
    robotType: z.string().nullable(),
    fps: z.number().nullable(),
    episodes: count.nullable().describe("rows of meta/episodes, null when unreadable"),
    frames: count.nullable(),
    tasks: count.nullable(),
    cameras: z.array(z.string()),
    checkedEpisodes: count.describe("episodes whose data and videos were checked (--max-episodes)"),
  }),
  options: z.object({ strict: z.boolean(), skipVideos: z.boolean(), deep: z.boolean(), maxEpisodes: count.nullable() }),
  valid: z.boolean().describe("no errors (and, with strict, no warnings)"),
  verdict: z.enum(["valid", "invalid"]),
  summary: z.object({ errors: count, warnings: count, omittedFindings: count.describe("findings counted but not listed (per-check limit)") }),
  groups: z.array(groupResultSchema),
  findings: z.array(findingSchema),
  countsByCheck: z.record(z.string(), count),
  timingsMs: z.object({ total: z.number().nonnegative() }),
  remote: remoteTrafficSchema.optional().describe("present when the dataset was read on the Hub in place"),
});

/** One problem found: its check id, severity, message, hint, and where (file, episode, column, row) when known. */
export type VerifyFinding = z.infer<typeof findingSchema>;
/** One check group's outcome: pass, warn, fail or skipped (with why), and its error and warning counts. */
export type VerifyGroupResult = z.infer<typeof groupResultSchema>;
/** What verifyDataset resolves with and `verify --json` prints (schema lerobot-ts/verify@1). */
export type VerifyReport = z.infer<typeof verifyReportSchema>;

/**
 * The published JSON Schema (draft 2020-12) of the report. Objects accept properties it does
 * not list ("input" mode), so a reader validating with this schema survives later additions.
 */
export function verifyReportJsonSchema(): Record<string, unknown> {
  return { title: "lerobot-ts verify report (lerobot-ts/verify@1)", ...z.toJSONSchema(verifyReportSchema, { io: "input" }) };
}
