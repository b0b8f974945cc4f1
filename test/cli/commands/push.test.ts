/**
 * `lerobot-ts push` run in-process against the test Hub: which folder and repo id a command line
 * means, the card flags, and one line with exit 2 (nothing sent) for what cannot be pushed.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerPush } from "../../../src/cli/commands/push.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { startHubServer } from "../../helpers/hub-server.js";
import type { HubServer } from "../../helpers/hub-server.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

describe("lerobot-ts push", () => {
  const dir = tempDir("lerobot-ts-cli-push-");
  const parent = path.join(dir, "datasets");
  const root = path.join(parent, "me", "small");
  let hub: HubServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    await (await writeSynthetic({ root, episodes: [3, 4], cameras: [] })).finalize();
    hub = await startHubServer();
    fs.mkdirSync(path.join(dir, "hf-home"));
    env = { HF_ENDPOINT: hub.endpoint, HF_TOKEN: hub.token, HF_HOME: path.join(dir, "hf-home"), HF_LEROBOT_HOME: path.join(dir, "home") };
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("pushes a repo id under --root as that repo id, with LeRobot's YAML tag list and no license for --license=None", async () => {
    const r = await runCommand(registerPush, ["push", "me/small", "--root", parent, "--tags=[so101, demo]", "--license=None", "--private=None"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^pushed ${root} to ${hub.endpoint}/datasets/me/small \\(\\d+ files, commit [0-9a-f]{8}, tag v3\\.0\\)\\n$`));
    expect(await hub.listFiles("me/small", "v3.0")).toEqual(expect.arrayContaining(["meta/info.json", "data/chunk-000/file-000.parquet", "README.md"]));
    const card = (await hub.readFile("me/small", "README.md"))!.toString("utf8");
    expect(card).toMatch(/^---\ntask_categories:\n- robotics\ntags:\n- LeRobot\n- so101\n- demo\n/);
    expect(card).not.toMatch(/^license:/m);
    expect(await hub.repoSettings("me/small")).toMatchObject({ private: false });
  });

  it("takes --repo_id as --repo-id, for a folder outside $HF_LEROBOT_HOME", async () => {
    const r = await runCommand(registerPush, ["push", root, "--repo_id", "me/renamed", "--private=true"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${hub.endpoint}/datasets/me/renamed `);
    expect(await hub.repoSettings("me/renamed")).toMatchObject({ private: true });
  });

  it("exits 2 with one line and sends nothing for bad flags and a folder it cannot name", async () => {
    hub.resetCounters();
    await expectCommandUsageErrors(registerPush, [
      [["push", root, "--repo-id=me/x", "--tags=so101"], /--tags must be a list such as/],
      [["push", root, "--repo-id=me/x", "--private=perhaps"], /--private must be true or false, got 'perhaps'/],
      [["push", root], /is not under \$HF_LEROBOT_HOME: give the Hub repo id with --repo-id=<namespace>\/<name>/],
      [["push", root, "--repo-id=me"], /--repo-id: 'me' is not a Hub repo id \(namespace\/name\)/],
      [["push", path.join(dir, "nothing")], /no LeRobot dataset at .*nothing \(no meta\/info\.json\)/],
    ], env);
    expect(hub.requests).toEqual([]);
  });
});
