/**
 * repoSnapshot: the revision LeRobot would read, the commit it points at now, and every file
 * there, against the test Hub. Pull and remote reads start from it.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubConfig } from "../../src/hub/config.js";
import { HubError } from "../../src/hub/errors.js";
import { repoSnapshot } from "../../src/hub/snapshot.js";
import { testHubEnv, writeSmallDataset } from "../helpers/hub-dataset.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

let hub: HubServer;
let dir: string;
let source: string;
let extra: string;

/** Posix paths of every file of a folder. */
function filesOf(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/")).sort();
}

beforeAll(async () => {
  dir = tempDir("lerobot-ts-hub-snapshot-");
  source = path.join(dir, "source");
  await writeSmallDataset(source, [3, 4, 5]);
  extra = path.join(dir, "extra");
  fs.mkdirSync(extra);
  fs.writeFileSync(path.join(extra, "notes.txt"), "pushed after the tag\n");
  hub = await startHubServer({ pageSize: 4 }); // several tree pages: every page is read
  await hub.seedDataset("lerobot/tagged", source, { tags: ["v3.0"] });
  await hub.seedDataset("lerobot/tagged", extra); // main moves past the tag
  await hub.seedDataset("lerobot/untagged", source);
  await hub.seedDataset("lerobot/old", source, { tags: ["v2.1"] });
}, 60_000);
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("repoSnapshot", () => {
  it("reads the v3.0 tag rather than main: its commit and every file there, folders left out", async () => {
    const config = hubConfig(testHubEnv(hub, dir));
    const revisions: string[] = [];
    const snapshot = await repoSnapshot("lerobot/tagged", config, { onRevision: (r) => revisions.push(r) });
    const refs = await hub.refs("lerobot/tagged");
    expect(refs.tags["v3.0"]).not.toBe(refs.branches.main);
    expect(snapshot.revision).toBe("v3.0");
    expect(snapshot.commit).toBe(refs.tags["v3.0"]);
    expect(revisions).toEqual(["v3.0"]);
    expect(snapshot.files.map((f) => f.path).sort()).toEqual(await hub.listFiles("lerobot/tagged", "v3.0"));
    expect(snapshot.files.map((f) => f.path)).not.toContain("notes.txt");
    for (const f of snapshot.files.filter((e) => e.path !== ".gitattributes")) {
      expect(f.size, f.path).toBe(fs.statSync(path.join(source, f.path)).size);
    }
    expect(snapshot.files.filter((f) => f.path !== ".gitattributes").map((f) => f.path).sort()).toEqual(filesOf(source));
  });

  it("reads the revision asked for without listing refs", async () => {
    const config = hubConfig(testHubEnv(hub, dir));
    hub.resetCounters();
    const snapshot = await repoSnapshot("lerobot/tagged", config, { revision: "main" });
    expect(snapshot).toMatchObject({ revision: "main", commit: (await hub.refs("lerobot/tagged")).branches.main });
    expect(snapshot.files.map((f) => f.path)).toContain("notes.txt");
    expect(hub.requests.some((r) => r.path.endsWith("/refs"))).toBe(false);
  });

  it("reads main with a note when the repo has no version tag", async () => {
    const notes: string[] = [];
    const snapshot = await repoSnapshot("lerobot/untagged", hubConfig(testHubEnv(hub, dir)), { onNote: (n) => notes.push(n) });
    expect(snapshot).toMatchObject({ revision: "main", commit: (await hub.refs("lerobot/untagged")).branches.main });
    expect(notes).toEqual([expect.stringMatching(/^lerobot\/untagged has no v3\.0 tag .*: reading main$/)]);
  });

  it("refuses a repo with only an older version, before listing any file", async () => {
    hub.resetCounters();
    await expect(repoSnapshot("lerobot/old", hubConfig(testHubEnv(hub, dir)))).rejects.toThrow(HubError);
    expect(hub.requests.map((r) => r.path)).toEqual(["/api/datasets/lerobot/old/refs"]);
  });

  it("lets the client's error through for an unknown revision or repo", async () => {
    const config = hubConfig(testHubEnv(hub, dir));
    await expect(repoSnapshot("lerobot/tagged", config, { revision: "v9.9" })).rejects.toMatchObject({ statusCode: 404 });
    await expect(repoSnapshot("lerobot/none", config)).rejects.toMatchObject({ statusCode: 404 });
  });
});
