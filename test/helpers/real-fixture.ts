/**
 * Where the shared real-dataset fixture lives (a sibling `shared/` folder of the repository), and
 * whether it is there. A user's clone has no `../shared`: tests that need it skip and say why.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The so101-record-test dataset written by Python LeRobot v0.4.x (pyarrow 22). Read-only. */
export const REAL_FIXTURE = path.resolve(HERE, "../../../shared/fixtures/real/so101-record-test");

let warned = false;

/** True when the fixture is present; otherwise warns once (per test file) and returns false. */
export function realFixtureAvailable(): boolean {
  const present = fs.existsSync(path.join(REAL_FIXTURE, "meta", "info.json"));
  if (!present && !warned) {
    warned = true;
    console.warn(`skipping tests on the real LeRobot dataset: ${REAL_FIXTURE} is absent (no ../shared next to this clone)`);
  }
  return present;
}
