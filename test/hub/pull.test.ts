/**
 * Reading datasets by repo id from the Hub (issue 13), against the test Hub server: verify,
 * inspect, replay and openDataset fetch a repo the local cache lacks into HF_LEROBOT_HOME, at the
 * revision LeRobot would read (the v3.0 tag, else main; --revision), and only the episodes asked
 * for; the copy verifies as the original does; a complete copy is read without the network.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset, pullDataset, pushDataset } from "../../src/hub/index.js";
import { episodeFiles } from "../../src/hub/pull.js";
import type { VerifyReport } from "../../src/verify/index.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { runCli } from "../helpers/cli.js";
import { LENGTHS, writeCoded } from "../helpers/coded-dataset.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("hub-pull: CLI cases skipped, dist/ is missing (run `npm run build`)");

function filesOf(root: string, rel = ""): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (![".lerobot-ts", ".cache"].includes(child)) out.push(...filesOf(root, child));
    } else out.push(child);
  }
  return out.sort();
}

/** What a verify report says about a dataset, without where it was or how long it took. */
function verdict(report: VerifyReport): unknown {
  return {
    valid: report.valid, summary: report.summary, countsByCheck: report.countsByCheck,
    groups: report.groups.map((g) => ({ group: g.group, status: g.status, errors: g.errors, warnings: g.warnings })),
    findings: report.findings,
    dataset: { ...report.dataset, root: undefined },
  };
}

/** Files fetched whole (resolve, or the LFS object a resolve redirected to). */
const fetchedPaths = (hub: HubServer): string[] =>
  hub.requests.filter((r) => r.method === "GET" && /\/resolve\//.test(r.path)).map((r) => r.path.replace(/^.*\/resolve\/[0-9a-f]{40}\//, "")).sort();

describe("fetch datasets from the Hub by repo id", () => {
  const dir = tempDir("lerobot-ts-hub-pull-");
  const source = path.join(dir, "source");
  let hub: HubServer;
  let env: NodeJS.ProcessEnv;
  let n = 0;
  /** An empty HF_LEROBOT_HOME for each case. */
  const freshHome = () => path.join(dir, `home-${n++}`);
  beforeAll(async () => {
    hub = await startHubServer({ pageSize: 7 }); // several tree pages: the client follows Link: rel="next"
    await writeCoded(source, [0, 1, 2, 3, 4, 5], LENGTHS, (i) => `task ${i % 2}`);
    await hub.seedDataset("lerobot/coded", source, { tags: ["v3.0"] });
    fs.mkdirSync(path.join(dir, "hf-home"), { recursive: true });
    env = { HF_ENDPOINT: hub.endpoint, HF_TOKEN: "", HF_HOME: path.join(dir, "hf-home") };
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!built)("verify <repo_id> fetches the v3.0 tag into HF_LEROBOT_HOME and reports what verify of the original reports; a second run needs no network", async () => {
    const home = freshHome();
    hub.resetCounters();
    const run = await runCli(["verify", "lerobot/coded", "--json"], { ...env, HF_LEROBOT_HOME: home });
    const local = await verifyDataset(source);
    expect(run.code, run.stderr).toBe(local.valid ? 0 : 1);
    expect(run.stderr).toMatch(/^fetched lerobot\/coded at v3.0 into .*: \d+ file\(s\), [\d.]+ MB\n$/m);
    const fetched = JSON.parse(run.stdout) as VerifyReport;
    expect(verdict(fetched)).toEqual(verdict(local));
    const copy = path.join(home, "lerobot", "coded");
    expect(fetched.dataset.root).toBe(copy);
    expect(filesOf(copy)).toEqual([".gitattributes", ...filesOf(source)].sort());
    for (const file of filesOf(source)) expect(fs.readFileSync(path.join(copy, file)).equals(fs.readFileSync(path.join(source, file))), file).toBe(true);
    // huggingface_hub's local_dir bookkeeping, so Python's snapshot_download sees the files as current.
    const meta = fs.readFileSync(path.join(copy, ".cache/huggingface/download/meta/info.json.metadata"), "utf8").split("\n");
    expect(meta[0]).toBe((await hub.refs("lerobot/coded")).tags["v3.0"]);
    // Every byte served once: the files' sizes, no more.
    const total = filesOf(source).reduce((sum, f) => sum + fs.statSync(path.join(source, f)).size, 0) + fs.statSync(path.join(copy, ".gitattributes")).size;
    expect(hub.bytesServed()).toBe(total);

    hub.resetCounters();
    const again = await runCli(["verify", "lerobot/coded", "--json"], { ...env, HF_LEROBOT_HOME: home });
    expect(again.code).toBe(run.code);
    expect(again.stderr).toBe("");
    expect(hub.requests).toEqual([]);
  }, 90_000);

  it("openDataset(\"user/name\") fetches what the cache lacks and reads frames; pushing then pulling gives the same files", async () => {
    const home = freshHome();
    const dataset = await openDataset("lerobot/coded", { env: { ...env, HF_LEROBOT_HOME: home } });
    expect(dataset.root).toBe(path.join(home, "lerobot", "coded"));
    expect(dataset.episodes.map((e) => e.length)).toEqual(LENGTHS);
    const frame = await dataset.decodeFrame("observation.images.front", 3, 2);
    expect(frame.width).toBe(96);

    // Round trip: push the source under a new name, pull it into an empty home.
    await pushDataset(source, { repoId: "test-user/roundtrip", env: { ...env, HF_TOKEN: hub.token } });
    const other = freshHome();
    const result = await pullDataset("test-user/roundtrip", { env: { ...env, HF_LEROBOT_HOME: other } });
    expect(result.revision).toBe("v3.0");
    expect(result.upToDate).toEqual([]);
    const copy = path.join(other, "test-user", "roundtrip");
    expect(filesOf(copy)).toEqual([".gitattributes", "README.md", ...filesOf(source)].sort());
    expect(verdict(await verifyDataset(copy))).toEqual(verdict(await verifyDataset(source)));
  }, 90_000);

  it("--episodes downloads meta/ and only the data and video files those episodes live in", async () => {
    const home = freshHome();
    hub.resetCounters();
    const result = await pullDataset("lerobot/coded", { episodes: [4], env: { ...env, HF_LEROBOT_HOME: home } });
    const wanted = await episodeFiles(source, [4], true);
    const meta = filesOf(source).filter((f) => f.startsWith("meta/"));
    expect(result.downloaded.sort()).toEqual([...meta, ...wanted].sort());
    expect(fetchedPaths(hub)).toEqual([...meta, ...wanted].sort());
    expect(filesOf(path.join(home, "lerobot", "coded"))).toEqual([...meta, ...wanted].sort());
    expect(wanted.length).toBeLessThan(filesOf(source).filter((f) => !f.startsWith("meta/")).length);

    // Asking for another episode later fetches only its files.
    hub.resetCounters();
    const more = await pullDataset("lerobot/coded", { episodes: [0], env: { ...env, HF_LEROBOT_HOME: home } });
    const also = (await episodeFiles(source, [0], true)).filter((f) => !wanted.includes(f));
    expect(more.downloaded.sort()).toEqual(also.sort());
    await expect(pullDataset("lerobot/coded", { episodes: [9], env: { ...env, HF_LEROBOT_HOME: home } })).rejects.toThrow(/episode 9 is not in lerobot\/coded \(it has episodes 0..5\)/);
  }, 60_000);

  it.skipIf(!built)("replay --dataset.repo_id fetches only the episode's data file; verify --max-episodes only the first episodes' files", async () => {
    const home = freshHome();
    hub.resetCounters();
    const run = await runCli(["replay", "--robot.type=so101_follower", "--robot.port=sim", "--dataset.repo_id=lerobot/coded", "--dataset.episode=2", "--dry-run"],
      { ...env, HF_LEROBOT_HOME: home });
    // The coded actions are far outside an arm's range: replay refuses them, after fetching.
    expect(run.code === 0 || /action/.test(run.stderr), run.stderr).toBe(true);
    const data = (await episodeFiles(source, [2], false));
    expect(fetchedPaths(hub)).toEqual([...filesOf(source).filter((f) => f.startsWith("meta/")), ...data].sort());

    const home2 = freshHome();
    hub.resetCounters();
    const verify = await runCli(["verify", "lerobot/coded", "--max-episodes=2", "--json"], { ...env, HF_LEROBOT_HOME: home2 });
    expect(verify.code, verify.stderr).toBe(0);
    expect((JSON.parse(verify.stdout) as VerifyReport).dataset.checkedEpisodes).toBe(2);
    expect(fetchedPaths(hub)).toEqual([...filesOf(source).filter((f) => f.startsWith("meta/")), ...(await episodeFiles(source, { first: 2 }, true))].sort());
  }, 60_000);

  it.skipIf(!built)("revisions: v3.0 tag over main, --revision, no tag reads main with a note, v2.1 only is refused", async () => {
    // main moves on after the v3.0 tag: the tag is read unless --revision says otherwise.
    const extra = path.join(dir, "extra");
    fs.mkdirSync(extra, { recursive: true });
    fs.writeFileSync(path.join(extra, "notes.txt"), "added after the tag\n");
    await hub.seedDataset("lerobot/moved", source, { tags: ["v3.0"] });
    await hub.seedDataset("lerobot/moved", extra);
    const tagged = await runCli(["inspect", "lerobot/moved", "--json"], { ...env, HF_LEROBOT_HOME: freshHome() });
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(JSON.parse(tagged.stdout)).toMatchObject({ kind: "dataset" });
    const home = freshHome();
    const atMain = await runCli(["inspect", "lerobot/moved", "--revision", "main", "--json"], { ...env, HF_LEROBOT_HOME: home });
    expect(atMain.code, atMain.stderr).toBe(0);
    expect(atMain.stderr).toMatch(/fetched lerobot\/moved at main/);
    expect(fs.existsSync(path.join(home, "lerobot", "moved", "notes.txt"))).toBe(true);

    await hub.seedDataset("lerobot/untagged", source);
    const untagged = await runCli(["verify", "lerobot/untagged", "--skip-videos"], { ...env, HF_LEROBOT_HOME: freshHome() });
    expect(untagged.code, untagged.stderr).toBe(0);
    expect(untagged.stderr).toMatch(/^note: lerobot\/untagged has no v3.0 tag \(LeRobot refuses to load it without one; `lerobot-ts push` creates it\): reading main$/m);

    await hub.seedDataset("lerobot/old", source, { tags: ["v2.1"] });
    const old = await runCli(["verify", "lerobot/old"], { ...env, HF_LEROBOT_HOME: freshHome() });
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/^lerobot-ts: error: lerobot\/old is a LeRobot v2.1 dataset \(no v3.0 revision\): download it with --revision=v2.1 and convert it/);
  }, 90_000);

  it.skipIf(!built)("errors are one line, exit 2: unknown repo, private repo without a token, the Hub out of reach, HF_HUB_OFFLINE", async () => {
    const home = freshHome();
    const missing = await runCli(["verify", "lerobot/nope"], { ...env, HF_LEROBOT_HOME: home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(new RegExp(`^lerobot-ts: error: no dataset lerobot/nope on ${hub.endpoint} \\(a private dataset needs a token: .*\\), and none at ${home}/lerobot/nope\\n$`));

    await hub.seedDataset("lerobot/secret", source, { tags: ["v3.0"], private: true });
    const hidden = await runCli(["inspect", "lerobot/secret"], { ...env, HF_LEROBOT_HOME: home });
    expect(hidden.code).toBe(2);
    expect(hidden.stderr).toMatch(/no dataset lerobot\/secret on/);
    const shown = await runCli(["inspect", "lerobot/secret", "--json"], { ...env, HF_TOKEN: hub.token, HF_LEROBOT_HOME: home });
    expect(shown.code, shown.stderr).toBe(0);

    const gone = await startHubServer();
    const deadEndpoint = gone.endpoint;
    await gone.close();
    const down = await runCli(["verify", "lerobot/coded"], { ...env, HF_ENDPOINT: deadEndpoint, HF_LEROBOT_HOME: home });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(new RegExp(`^lerobot-ts: error: could not download lerobot/coded: cannot reach ${deadEndpoint}: ECONNREFUSED`));
    const offline = await runCli(["verify", "lerobot/coded"], { ...env, HF_HUB_OFFLINE: "1", HF_LEROBOT_HOME: home });
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/HF_HUB_OFFLINE is set/);
  }, 60_000);

  it("an interrupted download is finished by the next pull, which fetches only what is missing", async () => {
    const home = freshHome();
    hub.failNext("resolve", { times: 1 });
    await expect(pullDataset("lerobot/coded", { env: { ...env, HF_LEROBOT_HOME: home } })).rejects.toThrow(/^could not download lerobot\/coded: test hub: resolve failed on purpose.*run it again to resume\)$/);
    const result = await pullDataset("lerobot/coded", { env: { ...env, HF_LEROBOT_HOME: home } });
    expect(result.upToDate.length + result.downloaded.length).toBe(filesOf(source).length + 1);
    expect(result.downloaded.length).toBeGreaterThan(0);
    const copy = path.join(home, "lerobot", "coded");
    for (const file of filesOf(source)) expect(fs.readFileSync(path.join(copy, file)).equals(fs.readFileSync(path.join(source, file))), file).toBe(true);

    // A file cut short mid-download (its .incomplete part is there) continues with a Range request.
    const video = filesOf(source).find((f) => f.endsWith(".mp4"))!;
    const bytes = fs.readFileSync(path.join(source, video));
    const sha = (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex");
    fs.rmSync(path.join(copy, video));
    fs.writeFileSync(path.join(copy, ".cache/huggingface/download", `${video}.${sha}.incomplete`), bytes.subarray(0, 1000));
    hub.resetCounters();
    const resumed = await pullDataset("lerobot/coded", { env: { ...env, HF_LEROBOT_HOME: home } });
    expect(resumed.downloaded).toEqual([video]);
    expect(hub.requests.filter((r) => r.path.startsWith("/lfs-objects/")).map((r) => r.range)).toEqual([`bytes=1000-${bytes.length - 1}`]);
    expect(hub.bytesServed()).toBe(bytes.length - 1000);
    expect(fs.readFileSync(path.join(copy, video)).equals(bytes)).toBe(true);
  }, 60_000);
});
