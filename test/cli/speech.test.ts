/**
 * --play_sounds: phrases go to one relay shell started up front, which runs the speech program
 * for each; the recording's own process never spawns one per phase (a spawn blocks its clock).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { speaker } from "../../src/cli/speech.js";
import { tempDir } from "../helpers/synthetic.js";

const dir = tempDir("lerobot-ts-speech-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.runIf(process.platform !== "win32")("speaker", () => {
  it("hands every phrase to the speech program through one relay process, not a spawn of ours per phrase", async () => {
    const spoken = path.join(dir, "spoken.txt");
    const program = path.join(dir, "fake-say");
    // Writes down who started it (its parent's pid) and what it was asked to say.
    fs.writeFileSync(program, `#!/bin/sh\necho "$PPID $*" >> '${spoken}'\n`, { mode: 0o755 });
    const say = speaker(program);
    for (const phrase of ["Recording episode 0", "Reset the environment", "Stop recording"]) say(phrase);
    const lines = () => (fs.existsSync(spoken) ? fs.readFileSync(spoken, "utf8").trim().split("\n") : []);
    for (let i = 0; i < 100 && lines().length < 3; i++) await new Promise((ok) => setTimeout(ok, 50));
    const said = lines().map((l) => ({ parent: Number(l.split(" ")[0]), text: l.slice(l.indexOf(" ") + 1) }));
    expect(said.map((s) => s.text).sort()).toEqual(["Recording episode 0", "Reset the environment", "Stop recording"]);
    const parents = new Set(said.map((s) => s.parent));
    expect(parents.size).toBe(1);
    expect(parents.has(process.pid)).toBe(false);
  });
});
