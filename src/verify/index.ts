/** verify: the dataset doctor (library side of `lerobot-ts verify`). */
export { verifyDataset, NoDatasetError } from "./verify.js";
export type { VerifyDatasetOptions } from "./verify.js";
export type { VerifyOptions, VerifyProgress } from "./context.js";
export { CHECKS, CHECK_GROUPS } from "./catalog.js";
export type { CheckId, CheckGroup, CheckSpec, Severity } from "./catalog.js";
export { verifyReportSchema, verifyReportJsonSchema, VERIFY_REPORT_SCHEMA_ID } from "./report.js";
export type { VerifyReport, VerifyFinding, VerifyGroupResult } from "./report.js";
export { formatVerifyReport } from "./format.js";
