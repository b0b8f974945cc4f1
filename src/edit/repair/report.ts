/**
 * The repair report: its zod schema is the contract of `lerobot-ts repair --json`
 * (`"schema": "lerobot-ts/repair@1"`). Additions keep the version; removing or renaming a field
 * makes it repair@2 (as verify's report).
 */
import { z } from "zod";
import { findingSchema } from "../../verify/index.js";

/** The `schema` field of `lerobot-ts repair --json`. */
export const REPAIR_REPORT_SCHEMA_ID = "lerobot-ts/repair@1";

const count = z.number().int().nonnegative();
const tally = z.object({ errors: count, warnings: count });

/** The published zod schema of `lerobot-ts repair --json` (schemas/repair-v1.schema.json is generated from it). */
export const repairReportSchema = z.object({
  schema: z.literal(REPAIR_REPORT_SCHEMA_ID),
  tool: z.object({ name: z.literal("lerobot-ts"), version: z.string() }),
  dataset: z.object({ root: z.string() }),
  options: z.object({ dryRun: z.boolean(), removeUnreferenced: z.boolean(), deep: z.boolean() }),
  changed: z.array(z.object({
    check: z.string().describe("the verify check the change settles"),
    file: z.string().describe("path relative to the dataset folder"),
    what: z.string().describe("one line saying what was changed (in a dry run: what would be)"),
  })),
  unfixed: z.array(z.object({
    check: z.string(),
    file: z.string().optional(),
    why: z.string().describe("one line saying why repair left it"),
  })),
  before: tally.describe("verify's count before repair"),
  after: tally.describe("verify's count after repair (in a dry run: the same as before)"),
  valid: z.boolean().describe("no errors after repair"),
  findings: z.array(findingSchema).describe("what verify still finds after repair (in a dry run: what it finds now)"),
});

/** What repairDataset resolves with and `repair --json` prints: what changed, what could not be fixed and why, verify before and after. */
export type RepairReport = z.infer<typeof repairReportSchema>;
