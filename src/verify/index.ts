/** verify: the dataset doctor (library side of `lerobot-ts verify`). */
export { verifyDataset, NoDatasetError } from "./verify.js";
export type { VerifyDatasetOptions } from "./verify.js";
export type { VerifyOptions, VerifyProgress } from "./context.js";
export { CHECKS, CHECK_GROUPS } from "./catalog.js";
export type { CheckId, CheckGroup, CheckSpec, Severity } from "./catalog.js";
export { verifyReportSchema, verifyReportJsonSchema, VERIFY_REPORT_SCHEMA_ID } from "./report.js";
export type { VerifyReport, VerifyFinding, VerifyGroupResult } from "./report.js";
export { formatVerifyReport } from "./format.js";
// For the layers above (not the public API, which src/index.ts lists).
export { DEFAULT_MAX_FINDINGS_PER_CHECK } from "./findings.js";
export { findingSchema } from "./report.js";
export { assertLooksLikeDataset } from "./verify.js";
