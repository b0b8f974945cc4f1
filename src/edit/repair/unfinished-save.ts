/**
 * dataset.unfinished_save: what a recording killed while saving left past info.json, which its
 * journal describes exactly. Dropped the way recording on with --resume drops it
 * (dataset/resume-trim.ts): info.json is the commit point, and it never counted that episode.
 */
import fs from "node:fs";
import path from "node:path";
import { INFO_PATH, parseInfo, parsePythonJson, trimToCommitted, SAVE_JOURNAL_PATH } from "../../dataset/index.js";
import type { VerifyFinding } from "../../verify/index.js";
import type { RepairStep } from "./types.js";
import { findingsOf } from "./types.js";

const CHECK = "dataset.unfinished_save";

export function planUnfinishedSave(root: string, findings: VerifyFinding[]): RepairStep | undefined {
  const finding = findingsOf(findings, CHECK)[0];
  if (!finding) return undefined;
  return {
    check: CHECK, file: SAVE_JOURNAL_PATH, settles: [CHECK],
    what: `dropped what the unfinished save of episode ${finding.episode} left past ${INFO_PATH}, as recording on with --resume does`,
    apply: async () => {
      const info = parseInfo(parsePythonJson(await fs.promises.readFile(path.join(root, INFO_PATH), "utf8")));
      await trimToCommitted(root, info);
    },
  };
}
