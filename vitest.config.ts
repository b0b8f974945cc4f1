import { defineConfig } from "vitest/config";

// Tests that run simulated arms and cameras against the wall clock (recording, replay, teleoperation,
// calibration, camera capture): on a 2-core machine they get the machine to themselves, one file
// at a time, before the rest run two files at once. Their figures are the product's real-time
// behaviour, and a second ffmpeg-heavy file beside them starves their cameras.
const REAL_TIME = [
  "test/processes/**/*.test.ts",
  "test/scenarios/**/*.test.ts",
  "test/hardware/robots/**/*.test.ts",
  "test/hardware/cameras/**/*.test.ts",
  "test/hardware/bridge.test.ts",
  "test/hardware/serial-transport.test.ts",
  "test/cli/keyboard.test.ts",
  "test/cli/commands/{record,replay,teleoperate,calibrate,calibrate-test,find-port,find-cameras}.test.ts",
  "test/compat/cli-flags-v06.test.ts",
];

export default defineConfig({
  test: {
    // Video and child-process tests spawn ffmpeg; give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "real-time", include: REAL_TIME, maxWorkers: 1, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "rest", include: ["test/**/*.test.ts"], exclude: REAL_TIME, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
