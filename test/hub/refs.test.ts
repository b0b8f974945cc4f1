/** Branches and tags of a dataset repo, against the test Hub: list, create, delete. */
import fs from "node:fs";
import path from "node:path";
import { HubApiError } from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTag, deleteTag, listRefs } from "../../src/hub/refs.js";
import type { HubTarget } from "../../src/hub/refs.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

let hub: HubServer;
let dir: string;
let n = 0;

beforeAll(async () => {
  hub = await startHubServer();
  dir = tempDir("lerobot-ts-hub-refs-");
  fs.writeFileSync(path.join(dir, "notes.txt"), "hello\n");
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh repo with one commit on main and these tags on it; the target to reach it with the right token. */
async function seeded(tags: string[] = []): Promise<HubTarget> {
  const repoId = `test-user/refs-${n++}`;
  await hub.seedDataset(repoId, dir, { tags });
  return { endpoint: hub.endpoint, token: hub.token, repoId };
}

describe("listRefs", () => {
  it("lists branches and tags with the commits they point at", async () => {
    const target = await seeded(["v3.0"]);
    const refs = await listRefs(target);
    const server = await hub.refs(target.repoId);
    expect(refs.branches.map((b) => [b.name, b.targetCommit])).toEqual([["main", server.branches.main]]);
    expect(refs.tags.map((t) => [t.name, t.targetCommit])).toEqual([["v3.0", server.tags["v3.0"]]]);
  });

  it("reads a public repo without a token", async () => {
    const target = await seeded();
    expect((await listRefs({ ...target, token: undefined })).tags).toEqual([]);
  });

  it("throws the client's HubApiError with the Hub's message and status", async () => {
    const target = await seeded();
    const refused = listRefs({ ...target, token: "hf_wrong" });
    await expect(refused).rejects.toBeInstanceOf(HubApiError);
    await expect(refused).rejects.toMatchObject({ statusCode: 401, message: "Invalid credentials in Authorization header" });
    await expect(listRefs({ ...target, repoId: "test-user/none" })).rejects.toMatchObject({ statusCode: 404, message: "Repository not found" });
  });
});

describe("createTag", () => {
  it("tags a branch at the commit it points to, sending the token", async () => {
    const target = await seeded();
    hub.resetCounters();
    await createTag(target, "v3.0", "main", "version tag");
    const server = await hub.refs(target.repoId);
    expect(server.tags).toEqual({ "v3.0": server.branches.main });
    expect(hub.requests.map((r) => [r.method, r.path, r.status])).toEqual([["POST", `/api/datasets/${target.repoId}/tag/main`, 200]]);
  });

  it("tags a commit id", async () => {
    const target = await seeded();
    const commit = (await hub.refs(target.repoId)).branches.main!;
    await createTag(target, "pinned", commit);
    expect((await hub.refs(target.repoId)).tags.pinned).toBe(commit);
  });

  it("fails with the Hub's message when the tag exists or the token cannot write", async () => {
    const target = await seeded(["v3.0"]);
    await expect(createTag(target, "v3.0", "main")).rejects.toMatchObject({ statusCode: 409, message: "Tag v3.0 already exists" });
    await expect(createTag({ ...target, token: undefined }, "other", "main")).rejects.toMatchObject({ statusCode: 401 });
    expect(Object.keys((await hub.refs(target.repoId)).tags)).toEqual(["v3.0"]);
  });
});

describe("deleteTag", () => {
  it("deletes a tag and says true; false when there was none", async () => {
    const target = await seeded(["v3.0"]);
    expect(await deleteTag(target, "v3.0")).toBe(true);
    expect((await hub.refs(target.repoId)).tags).toEqual({});
    expect(await deleteTag(target, "v3.0")).toBe(false);
  });

  it("throws other failures (a token that cannot write) rather than reporting no tag", async () => {
    const target = await seeded(["v3.0"]);
    await expect(deleteTag({ ...target, token: "hf_wrong" }, "v3.0")).rejects.toMatchObject({ statusCode: 401 });
    expect(Object.keys((await hub.refs(target.repoId)).tags)).toEqual(["v3.0"]);
  });
});
