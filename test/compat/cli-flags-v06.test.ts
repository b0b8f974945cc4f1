/**
 * LeRobot v0.6 command lines run unchanged (issue 11): record, teleoperate and find-cameras take
 * every v0.6 flag; a flag with no meaning here gives one "note: --x has no effect: why" line and
 * never "unknown option"; a new dataset's repo id is stamped _YYYYMMDD_HHMMSS unless
 * --dataset.no_stamp (never on resume); eval_ names are refused; --play_sounds is on by default
 * and quiet without a speech program.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFfmpeg } from "../../src/system/ffmpeg.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/synthetic.js";

const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("cli-flags-v06: skipped, dist/ is missing (npm test builds it; run `npm run build`)");
const hasVideoDevices = process.platform === "linux" && fs.readdirSync("/dev").some((n) => /^video\d+$/.test(n));


const notedFlags = (stdout: string) => [...stdout.matchAll(/^note: --(\S+) has no effect: \S.*$/gm)].map((m) => m[1]);

const CAMERAS = JSON.stringify({ front: { type: "synthetic", width: 64, height: 48, fps: 30 } });
const record = (repoId: string, extra: string[] = []) => [
  "record", "--robot.type=so101_follower", "--robot.port=sim", "--robot.id=f", `--robot.cameras=${CAMERAS}`,
  "--teleop.type=so101_leader", "--teleop.port=sim", "--teleop.id=l",
  `--dataset.repo_id=${repoId}`, "--dataset.single_task=Pick the cube",
  "--dataset.num_episodes=1", "--dataset.episode_time_s=1", "--dataset.reset_time_s=0",
  "--dataset.push_to_hub=false", ...extra, // LeRobot pushes by default: a test must not reach the Hub
];

/** The flags that are accepted without effect, with LeRobot-style values. */
const NO_EFFECT = {
  "dataset.streaming_encoding": "true",
  "dataset.num_image_writer_processes": "0",
  "dataset.num_image_writer_threads_per_camera": "4",
  "dataset.video_encoding_batch_size": "1",
  "dataset.encoder_queue_maxsize": "30",
  display_mode: "rerun",
  display_ip: "127.0.0.1",
  display_port: "9876",
  display_compressed_images: "true",
};
/** Hub flags: honoured when pushing (test/hub-push.test.ts), accepted silently with --dataset.push_to_hub=false, as in LeRobot. */
const HUB_FLAGS = ["--dataset.private=true", '--dataset.tags=["so101","tutorial"]'];
/** LeRobot v0.6's encoder settings (configs/video.py RGBEncoderConfig): honoured, and recorded in the video info block. */
const ENCODER = ["--dataset.encoder_threads=2", "--dataset.rgb_encoder.vcodec=h264", "--dataset.rgb_encoder.g=3", "--dataset.rgb_encoder.crf=31",
  "--dataset.rgb_encoder.preset=superfast", "--dataset.rgb_encoder.pix_fmt=yuv420p", "--dataset.rgb_encoder.fast_decode=1", "--dataset.rgb_encoder.extra_options={\"bf\": 0}"];

const pad = (n: number) => String(n).padStart(2, "0");
const stampOf = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}_${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;

describe.skipIf(!built)("LeRobot v0.6 command lines", () => {
  const dir = tempDir("lerobot-ts-cli-v06-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ffmpegPath = findFfmpeg().then((f) => f.path);
  /** A PATH with no speech program at all (ffmpeg comes from LEROBOT_FFMPEG). */
  const silentEnv = async (home: string) => {
    const empty = path.join(dir, "empty-bin");
    fs.mkdirSync(empty, { recursive: true });
    return { HF_LEROBOT_HOME: home, PATH: empty, LEROBOT_FFMPEG: await ffmpegPath };
  };

  it("records with every v0.6 flag: one note per flag without effect, a stamped repo id, sounds on by default", async () => {
    const home = path.join(dir, "home-all");
    // A speech program that writes down what it is asked to say.
    const fakeBin = path.join(dir, "fake-bin");
    const spoken = path.join(dir, "spoken.txt");
    fs.mkdirSync(fakeBin, { recursive: true });
    for (const name of ["spd-say", "say"]) {
      fs.writeFileSync(path.join(fakeBin, name), `#!/bin/sh\necho "$*" >> '${spoken}'\n`, { mode: 0o755 });
    }
    const flags = Object.entries(NO_EFFECT).map(([k, v]) => `--${k}=${v}`);
    const before = new Date();
    const r = await runCli(record("test/flags", [...flags, ...HUB_FLAGS, ...ENCODER]), { HF_LEROBOT_HOME: home, PATH: `${fakeBin}${path.delimiter}${process.env.PATH ?? ""}` });
    const after = new Date();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/unknown option/);
    expect(notedFlags(r.stdout).sort()).toEqual(Object.keys(NO_EFFECT).sort());
    expect(r.stdout).not.toMatch(/note: --(dataset\.encoder_threads|dataset\.rgb_encoder|play_sounds)/);
    expect(r.stdout).toMatch(/^verify: VALID/m);

    // LeRobot's stamp: <repo_id>_%Y%m%d_%H%M%S in local time, taken while the command ran.
    const [repoId, stamp] = /recording 1 episode\(s\) of 1 s as (test\/flags_(\d{8}_\d{6})) into (\S+)/.exec(r.stdout)!.slice(1, 3) as [string, string];
    expect(stamp >= stampOf(before) && stamp <= stampOf(after), `${stamp} not in [${stampOf(before)}, ${stampOf(after)}]`).toBe(true);
    const root = path.join(home, repoId);
    expect(r.stdout).toContain(`as ${repoId} into ${root}`);
    expect(fs.existsSync(path.join(root, "meta", "info.json"))).toBe(true);
    expect(fs.readdirSync(path.join(home, "test"))).toEqual([path.basename(root)]);
    const info = JSON.parse(fs.readFileSync(path.join(root, "meta", "info.json"), "utf8")) as { features: Record<string, { info: Record<string, unknown> }> };
    expect(info.features["observation.images.front"]!.info).toMatchObject({
      "video.codec": "h264", "video.g": 3, "video.crf": 31, "video.preset": "superfast", "video.fast_decode": 1, "video.extra_options": { bf: 0 },
    });

    // --play_sounds defaults to true: the phases were handed to the speech program (it runs detached).
    for (let i = 0; i < 50 && !(fs.existsSync(spoken) && fs.readFileSync(spoken, "utf8").includes("Stop recording")); i++) await new Promise((ok) => setTimeout(ok, 100));
    const said = fs.readFileSync(spoken, "utf8");
    expect(said).toContain("Recording episode 0");
    expect(said).toContain("Stop recording");
  }, 90_000);

  it("keeps the repo id with --dataset.no_stamp, says once that there is no speech program, and never stamps on resume", async () => {
    const home = path.join(dir, "home-plain");
    const env = await silentEnv(home);
    const r = await runCli(record("test/plain", ["--dataset.no_stamp=true"]), env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const root = path.join(home, "test", "plain");
    expect(r.stdout).toContain(`as test/plain into ${root}`);
    expect(fs.existsSync(path.join(root, "meta", "info.json"))).toBe(true);
    expect(r.stdout.match(/^note: --play_sounds: no speech program .* found/gm)).toHaveLength(1);
    expect(notedFlags(r.stdout)).toEqual([]);

    // Resume uses the repo id as given (LeRobot stamps only when creating); sounds off: no note.
    const resumed = await runCli(record("test/plain", ["--resume=true", "--play_sounds=false"]), env);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`as test/plain into ${root}`);
    expect(resumed.stdout).not.toMatch(/play_sounds/);
    expect(fs.readdirSync(path.join(home, "test"))).toEqual(["plain"]);
  }, 90_000);

  it("refuses eval_ names and bad values of accepted flags with one line, exit 2, creating nothing", async () => {
    const home = path.join(dir, "home-refused");
    const env = await silentEnv(home);
    const cases: [string[], RegExp][] = [
      [record("test/eval_pick"), /--dataset.repo_id: names starting with 'eval_' are reserved for policy evaluation/],
      [record("eval_pick", ["--dataset.no_stamp=true"]), /'eval_'/],
      [record("test/pick", ["--dataset.tags=so101,tutorial"]), /--dataset.tags must be a list/],
      [record("test/pick", ["--display_mode=web"]), /--display_mode must be rerun or foxglove/],
      [record("test/pick", ["--dataset.num_image_writer_processes=two"]), /--dataset.num_image_writer_processes must be an integer/],
      [record("test/pick", ["--dataset.no_stamp=maybe"]), /--dataset.no_stamp must be true or false/],
      [record("test/pick", ["--dataset.rgb_encoder.vcodec=mpeg4"]), /'mpeg4' is not a codec lerobot-ts encodes with/],
      [record("test/pick", ["--dataset.rgb_encoder.g=-2"]), /--dataset.rgb_encoder.g must be an integer >= 0/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
    expect(fs.existsSync(home)).toBe(false);
    // The bare YAML list form parses: the command gets as far as the folder check (dir is not empty).
    const yamlTags = await runCli(record("test/pick", ["--dataset.tags=[so101, 'tutorial']", `--dataset.root=${dir}`]), env);
    expect(yamlTags.code).toBe(2);
    expect(yamlTags.stderr).toMatch(/already exists: add episodes with --resume=true/);
  }, 60_000);

  it("teleoperates with LeRobot's display flags, one note each", async () => {
    const r = await runCli(["teleoperate", "--robot.type=so101_follower", "--robot.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim",
      "--fps=30", "--teleop_time_s=0.5", "--display_mode=foxglove", "--display_ip=0.0.0.0", "--display_port=8765", "--display_compressed_images=false"],
    { HF_LEROBOT_HOME: path.join(dir, "home-teleop") });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(notedFlags(r.stdout).sort()).toEqual(["display_compressed_images", "display_ip", "display_mode", "display_port"]);
    expect(r.stdout).toMatch(/\d+ ticks in \d\.\d s/);
    const bad = await runCli(["teleoperate", "--robot.type=so101_follower", "--robot.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim", "--display_port=http"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^lerobot-ts: error: --display_port must be an integer >= 1, got 'http'\n$/);
  }, 30_000);

  it.skipIf(hasVideoDevices || process.platform !== "linux")("find-cameras takes LeRobot's camera type and --record-time-s / --warmup-s / --output-dir", async () => {
    const cwd = path.join(dir, "cwd");
    fs.mkdirSync(cwd, { recursive: true });
    const opencv = await runCli(["find-cameras", "opencv", "--record-time-s=0.5", "--warmup-s=0", `--output-dir=${path.join(dir, "shots")}`], {}, cwd);
    expect(opencv.code, opencv.stderr).toBe(0);
    expect(opencv.stdout).toBe("No opencv cameras found.\n");
    const realsense = await runCli(["find-cameras", "realsense"], {}, cwd);
    expect(realsense.code, realsense.stderr).toBe(0);
    expect(realsense.stdout).toMatch(/^note: realsense: lerobot-ts has no RealSense SDK.*\nNo realsense cameras found\.\n$/);
    const json = await runCli(["find-cameras", "realsense", "--json", "--record-time-s", "3"], {}, cwd);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ schema: "lerobot-ts/find-cameras@1", cameras: [] });
    expect(json.stderr).toMatch(/^note: realsense: /);
    expect(fs.readdirSync(cwd)).toEqual([]);
    for (const [args, message] of [[["kinect"], /camera type must be opencv or realsense, got 'kinect'/], [["--record-time-s=-1"], /--record-time-s must be a number of seconds >= 0/],
      [["opencv", "--warmup-s=soon"], /--warmup-s must be a number of seconds >= 0/]] as const) {
      const r = await runCli(["find-cameras", ...args], {}, cwd);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  }, 30_000);
});
