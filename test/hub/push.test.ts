/**
 * Pushing to the Hub as LeRobot does (issue 13), against the test Hub server: `lerobot-ts push`
 * puts every file byte for byte, the dataset card and the `v3.0` tag; tokens come from HF_TOKEN
 * or the token file; no token or a refused one is one line, exit 2; a push that fails half way
 * is exit 1 and resumes when run again without re-uploading large files; `record` pushes when
 * done, and a failed push leaves the recording complete with the command to push it later.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetCard } from "../../src/hub/card.js";
import { HubError, PushError } from "../../src/hub/errors.js";
import { listDatasetFiles, pushDataset } from "../../src/hub/push.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { runCli } from "../helpers/cli.js";
import type { CliRun } from "../helpers/cli.js";
import { LENGTHS, writeCoded } from "../helpers/coded-dataset.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("hub-push: CLI cases skipped, dist/ is missing (run `npm run build`)");

/** Every file of a folder (posix paths), skipping lerobot-ts's lock folder. */
function filesOf(root: string, rel = ""): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (child !== ".lerobot-ts") out.push(...filesOf(root, child));
    } else out.push(child);
  }
  return out.sort();
}

function expectOneLine(run: CliRun, code: number, message: RegExp): void {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stderr.trim().split("\n"), run.stderr).toHaveLength(1);
  expect(run.stderr).toMatch(/^lerobot-ts: error: /);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

async function expectPushed(hub: HubServer, repoId: string, root: string): Promise<void> {
  const local = filesOf(root);
  expect(await hub.listFiles(repoId, "v3.0")).toEqual([...local, ".gitattributes", "README.md"].sort());
  for (const file of local) {
    expect((await hub.readFile(repoId, file, "v3.0"))!.equals(fs.readFileSync(path.join(root, file))), file).toBe(true);
  }
  const refs = await hub.refs(repoId);
  expect(refs.tags["v3.0"]).toBe(refs.branches.main);
}

/** The message a rejected push carries. */
async function pushDatasetError(push: Promise<unknown>): Promise<string> {
  return push.then(() => "resolved", (error: Error) => error.message);
}

describe("listDatasetFiles", () => {
  it("lists every file to upload, sorted, without images/, VCS, caches, lerobot-ts's lock folder or a README.md at the top", () => {
    const folder = tempDir("lerobot-ts-push-list-");
    try {
      const files: Record<string, string> = {
        "meta/info.json": "{}", "data/chunk-000/file-000.parquet": "12345", "videos/front/chunk-000/file-000.mp4": "abc",
        "README.md": "old card", "docs/README.md": "kept", "images/front/frame-000000.png": "x", ".git/HEAD": "x",
        ".cache/huggingface/download/meta/info.json.metadata": "x", ".huggingface/x": "x", ".lerobot-ts/lock": "1",
        "data/.git/config": "x", "notes.txt": "n",
      };
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
        fs.writeFileSync(path.join(folder, file), text);
      }
      expect(listDatasetFiles(folder)).toEqual([
        { path: "data/chunk-000/file-000.parquet", size: 5 },
        { path: "docs/README.md", size: 4 },
        { path: "meta/info.json", size: 2 },
        { path: "notes.txt", size: 1 },
        { path: "videos/front/chunk-000/file-000.mp4", size: 3 },
      ]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("push to the Hub", () => {
  const dir = tempDir("lerobot-ts-hub-push-");
  const root = path.join(dir, "coded");
  const hfHome = path.join(dir, "hf-home"); // no token file in it
  let hub: HubServer;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    hub = await startHubServer();
    await writeCoded(root, [0, 1, 2, 3, 4, 5], LENGTHS, (i) => `task ${i % 2}`);
    fs.mkdirSync(hfHome, { recursive: true });
    env = { HF_ENDPOINT: hub.endpoint, HF_TOKEN: hub.token, HF_HOME: hfHome, HF_LEROBOT_HOME: path.join(dir, "home") };
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("uploads every file byte for byte, LeRobot's dataset card and the v3.0 tag (library)", async () => {
    const events: string[] = [];
    const result = await pushDataset(root, { repoId: "test-user/coded", tags: ["so101", "tutorial"], env, onProgress: (e) => events.push(e.phase) });
    expect(result).toMatchObject({ repoId: "test-user/coded", tag: "v3.0", createdRepo: true, url: `${hub.endpoint}/datasets/test-user/coded` });
    await expectPushed(hub, "test-user/coded", root);
    expect(events).toEqual(expect.arrayContaining(["start", "hashing", "uploading", "committing", "tagging"]));
    // Parquet and mp4 files went to LFS storage (a PUT each), the JSON files inline in the commit.
    const uploads = hub.requests.filter((r) => r.method === "PUT" && r.path.startsWith("/lfs-upload/"));
    expect(uploads.length).toBe(filesOf(root).filter((f) => /\.(parquet|mp4)$/.test(f)).length);

    const card = (await hub.readFile("test-user/coded", "README.md", "v3.0"))!.toString("utf8");
    const info = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as Record<string, unknown>;
    expect(card).toBe(datasetCard({ repoId: "test-user/coded", info, tags: ["so101", "tutorial"] }));
    expect(card.startsWith([
      "---", "license: apache-2.0", "task_categories:", "- robotics", "tags:", "- LeRobot", "- so101", "- tutorial",
      "configs:", "- config_name: default", "  data_files: data/*/*.parquet", "---", "",
      "This dataset was created using [LeRobot](https://github.com/huggingface/lerobot).", "",
    ].join("\n"))).toBe(true);
    expect(card).toContain('href="https://huggingface.co/spaces/lerobot/visualize_dataset?path=test-user/coded"');
    expect(card).toContain('[meta/info.json](meta/info.json):\n```json\n{\n    "codebase_version": "v3.0",\n    "fps": 30,');
    expect(card.endsWith("```bibtex\n[More Information Needed]\n```")).toBe(true);

    // Pushing again moves the tag to the new commit (LeRobot deletes and re-creates it).
    const before = (await hub.refs("test-user/coded")).tags["v3.0"];
    const again = await pushDataset(root, { repoId: "test-user/coded", env });
    expect(again.createdRepo).toBe(false);
    const refs = await hub.refs("test-user/coded");
    expect(refs.tags["v3.0"]).not.toBe(before);
    expect(refs.tags["v3.0"]).toBe(again.commit);
  }, 60_000);

  it("refuses, with a HubError and before any request, no token, HF_HUB_OFFLINE, a bad repo id, a folder that is not v3.0", async () => {
    hub.resetCounters();
    await expect(pushDataset(root, { repoId: "test-user/x", env: { ...env, HF_TOKEN: "" } })).rejects.toThrow(/^no Hugging Face token, so nothing can be pushed: log in with `hf auth login`/);
    await expect(pushDataset(root, { repoId: "test-user/x", env: { ...env, HF_HUB_OFFLINE: "1" } })).rejects.toThrow("HF_HUB_OFFLINE is set: pushing needs the network");
    await expect(pushDataset(root, { repoId: "no-slash", env })).rejects.toThrow(/'no-slash' is not a Hub repo id/);
    await expect(pushDataset(path.join(dir, "nothing"), { repoId: "test-user/x", env })).rejects.toThrow(/^no LeRobot dataset at .*nothing \(no meta\/info\.json\)$/);
    const old = path.join(dir, "old");
    fs.mkdirSync(path.join(old, "meta"), { recursive: true });
    fs.writeFileSync(path.join(old, "meta/info.json"), JSON.stringify({ codebase_version: "v2.1" }));
    const refusal = pushDataset(old, { repoId: "test-user/x", env });
    await expect(refusal).rejects.toThrow(HubError);
    await expect(refusal).rejects.toThrow(/is a LeRobot v2\.1 dataset; push takes v3\.0 \(convert it first with `lerobot-ts convert`\)$/);
    expect(hub.requests).toEqual([]);
  });

  it("a refused token is a HubError naming where the token came from; a failed commit is a PushError saying how to resume", async () => {
    hub.resetCounters();
    const refused = pushDataset(root, { repoId: "test-user/refused", env: { ...env, HF_TOKEN: "hf_wrong" } });
    await expect(refused).rejects.toThrow(HubError);
    await expect(refused).rejects.not.toThrow(PushError);
    await expect(refused).rejects.toThrow(`the Hub at ${hub.endpoint} rejected the token from HF_TOKEN: log in with`);
    expect(hub.requests.every((r) => r.path === "/api/whoami-v2")).toBe(true);

    hub.failNext("commit");
    const failed = pushDataset(root, { repoId: "test-user/half", env });
    await expect(failed).rejects.toThrow(PushError);
    const message = await pushDatasetError(failed);
    expect(message.startsWith("push to test-user/half failed: the Hub answered 500: test hub: commit failed on purpose")).toBe(true);
    expect(message.endsWith(`; run \`lerobot-ts push ${root} --repo-id test-user/half\` again to resume (files already uploaded are not sent again)`)).toBe(true);
    expect(message).not.toContain("\n");
    expect(await hub.listFiles("test-user/half")).toEqual([".gitattributes"]);
    expect((await hub.refs("test-user/half")).tags).toEqual({});
  }, 60_000);

  it.skipIf(!built)("lerobot-ts push: token from the token file, private repo, tags, progress on stderr", async () => {
    const tokenFile = path.join(dir, "token");
    fs.writeFileSync(tokenFile, `${hub.token}\n`);
    const run = await runCli(["push", root, "--repo-id", "test-user/cli", "--private=true", "--tags=[so101]", "--license=mit"],
      { ...env, HF_TOKEN: "", HF_TOKEN_PATH: tokenFile });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^pushed ${root} to ${hub.endpoint}/datasets/test-user/cli \\(\\d+ files, commit [0-9a-f]{8}, tag v3.0\\)\\n$`));
    expect(run.stderr).toMatch(/^pushing \d+ files/);
    await expectPushed(hub, "test-user/cli", root);
    expect(await hub.repoSettings("test-user/cli")).toMatchObject({ private: true });
    const card = (await hub.readFile("test-user/cli", "README.md"))!.toString("utf8");
    expect(card).toMatch(/^---\nlicense: mit\n.*tags:\n- LeRobot\n- so101\nconfigs:/s);

    // A folder under $HF_LEROBOT_HOME is pushed as its repo id there.
    const home = path.join(dir, "home");
    fs.cpSync(root, path.join(home, "test-user", "athome"), { recursive: true });
    const atHome = await runCli(["push", "test-user/athome"], env);
    expect(atHome.code, atHome.stderr).toBe(0);
    await expectPushed(hub, "test-user/athome", path.join(home, "test-user", "athome"));
  }, 60_000);

  it.skipIf(!built)("no token, a refused token, no dataset, no repo id: one line, exit 2, nothing sent", async () => {
    hub.resetCounters();
    expectOneLine(await runCli(["push", root, "--repo-id", "test-user/x"], { ...env, HF_TOKEN: "" }), 2,
      /no Hugging Face token.*hf auth login.*HF_TOKEN/);
    expect(hub.requests).toEqual([]);
    expectOneLine(await runCli(["push", root, "--repo-id", "test-user/x"], { ...env, HF_TOKEN: "hf_wrong" }), 2, /rejected the token from HF_TOKEN/);
    expect(hub.requests.map((r) => [r.path, r.status])).toEqual([["/api/whoami-v2", 401]]);
    expectOneLine(await runCli(["push", path.join(dir, "nothing"), "--repo-id", "test-user/x"], env), 2, /no LeRobot dataset at .*nothing/);
    expectOneLine(await runCli(["push", root], env), 2, /give the Hub repo id with --repo-id/);
    expectOneLine(await runCli(["push", root, "--repo-id", "not a repo"], env), 2, /is not a Hub repo id/);
    // A recording still writing the folder (a live process holds its writer lock): refused.
    const busy = path.join(dir, "busy");
    fs.cpSync(root, busy, { recursive: true });
    const writer = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      fs.mkdirSync(path.join(busy, ".lerobot-ts"), { recursive: true });
      fs.writeFileSync(path.join(busy, ".lerobot-ts/lock"), `${writer.pid}\n`);
      expectOneLine(await runCli(["push", busy, "--repo-id", "test-user/x"], env), 2, new RegExp(`a recording \\(pid ${writer.pid}\\) is still writing`));
    } finally {
      writer.kill();
    }
    expect(await hub.listFiles("test-user/x")).toEqual([]);
  }, 60_000);

  it.skipIf(!built)("a push that fails half way exits 1 saying how to resume; running it again finishes without re-uploading", async () => {
    hub.failNext("commit");
    const failed = await runCli(["push", root, "--repo-id", "test-user/resume"], env);
    expect(failed.code).toBe(1);
    const error = failed.stderr.trim().split("\n").at(-1)!;
    expect(error).toMatch(/^lerobot-ts: error: push to test-user\/resume failed: the Hub answered 500: test hub: commit failed on purpose/);
    expect(error).toContain(`run \`lerobot-ts push ${root} --repo-id test-user/resume\` again to resume`);
    expect(await hub.listFiles("test-user/resume")).toEqual([".gitattributes"]);
    const uploaded = hub.requests.filter((r) => r.method === "PUT" && r.path.startsWith("/lfs-upload/")).length;
    expect(uploaded).toBeGreaterThan(0);

    hub.resetCounters();
    const resumed = await runCli(["push", root, "--repo-id", "test-user/resume"], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    // The large files reached the Hub the first time: none is sent again.
    expect(hub.requests.filter((r) => r.method === "PUT")).toEqual([]);
    await expectPushed(hub, "test-user/resume", root);
  }, 60_000);
});

describe.skipIf(!built)("record --dataset.push_to_hub", () => {
  const dir = tempDir("lerobot-ts-hub-record-");
  const hfHome = path.join(dir, "hf-home");
  let hub: HubServer;
  beforeAll(async () => {
    hub = await startHubServer();
    fs.mkdirSync(hfHome, { recursive: true });
  });
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const CAMERAS = JSON.stringify({ front: { type: "synthetic", width: 64, height: 48, fps: 30 } });
  const record = (root: string, repoId: string, extra: string[] = []) => [
    "record", "--robot.type=so101_follower", "--robot.port=sim", "--robot.id=f", `--robot.cameras=${CAMERAS}`,
    "--teleop.type=so101_leader", "--teleop.port=sim", "--teleop.id=l", `--dataset.repo_id=${repoId}`, `--dataset.root=${root}`,
    "--dataset.single_task=Pick the cube", "--dataset.num_episodes=1", "--dataset.episode_time_s=1", "--dataset.reset_time_s=0",
    "--dataset.rgb_encoder.vcodec=h264", "--dataset.no_stamp=true", "--play_sounds=false", ...extra,
  ];

  it("pushes the finished recording with LeRobot's flags (tags, private)", async () => {
    const root = path.join(dir, "pushed");
    const run = await runCli(record(root, "test-user/recorded", ["--dataset.push_to_hub=true", "--dataset.private=true", "--dataset.tags=[\"so101\",\"tutorial\"]"]),
      { HF_ENDPOINT: hub.endpoint, HF_TOKEN: hub.token, HF_HOME: hfHome });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^verify: VALID/m);
    expect(run.stdout).toContain(`pushed to ${hub.endpoint}/datasets/test-user/recorded (tag v3.0)`);
    await expectPushed(hub, "test-user/recorded", root);
    expect(await hub.repoSettings("test-user/recorded")).toMatchObject({ private: true });
    expect((await hub.readFile("test-user/recorded", "README.md"))!.toString()).toMatch(/tags:\n- LeRobot\n- so101\n- tutorial\n/);
  }, 90_000);

  it("a push that fails after recording: exit 1, the dataset verifies, the message says how to push later, which works", async () => {
    const root = path.join(dir, "unpushed");
    const gone = await startHubServer();
    const deadEndpoint = gone.endpoint;
    await gone.close();
    const run = await runCli(record(root, "test-user/later", ["--dataset.push_to_hub=true"]), { HF_ENDPOINT: deadEndpoint, HF_TOKEN: hub.token, HF_HOME: hfHome });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^verify: VALID/m);
    const error = run.stderr.trim().split("\n").at(-1)!;
    expect(error).toMatch(new RegExp(`^lerobot-ts: error: the dataset is complete in ${root} but was not pushed \\(.*cannot reach ${deadEndpoint}: ECONNREFUSED`));
    expect(error).toContain(`push it later with \`lerobot-ts push ${root} --repo-id test-user/later\``);
    const report = await verifyDataset(root);
    expect(report.summary.errors, JSON.stringify(report.findings)).toBe(0);

    const later = await runCli(["push", root, "--repo-id", "test-user/later"], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: hub.token, HF_HOME: hfHome });
    expect(later.code, later.stderr).toBe(0);
    await expectPushed(hub, "test-user/later", root);
  }, 90_000);

  it("--dataset.push_to_hub=true without a token: one line, exit 2, before anything is recorded; by default it only notes that the dataset stays local", async () => {
    const root = path.join(dir, "refused");
    const noToken = { HF_ENDPOINT: hub.endpoint, HF_TOKEN: "", HF_HOME: hfHome };
    hub.resetCounters();
    expectOneLine(await runCli(record(root, "test-user/refused", ["--dataset.push_to_hub=true"]), noToken), 2,
      /--dataset.push_to_hub=true: no Hugging Face token was found: log in with `hf auth login`.*or record locally with --dataset.push_to_hub=false/);
    expect(fs.existsSync(root)).toBe(false);

    const byDefault = await runCli(record(root, "test-user/refused"), noToken);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(byDefault.stdout).toMatch(new RegExp(`^note: the dataset stays local \\(no Hugging Face token was found: .*\\); push it later with \`lerobot-ts push ${root} --repo-id test-user/refused\``, "m"));
    expect(byDefault.stdout).toMatch(/^verify: VALID/m);
    expect(hub.requests).toEqual([]);
  }, 90_000);
});
