/**
 * The real LeRobot dataset the compatibility tests read: a copy of so101-record-test (data and
 * meta, as published) kept in the repository's fixtures/real/, so every clone runs these tests.
 * Provenance: fixtures/real/README.md.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The so101-record-test dataset written by Python LeRobot v0.4.x (pyarrow 22). Read-only: copy before changing. */
export const REAL_FIXTURE = path.resolve(HERE, "../../fixtures/real/so101-record-test");
