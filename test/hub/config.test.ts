/**
 * Where the Hub is and which token is used, found as huggingface_hub finds them: HF_ENDPOINT,
 * HF_TOKEN (or HUGGING_FACE_HUB_TOKEN), else the token file `hf auth login` writes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubConfig, loginHint } from "../../src/hub/config.js";
import { tempDir } from "../helpers/synthetic.js";

let dir: string;
beforeAll(() => {
  dir = tempDir("lerobot-ts-hub-config-");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("hubConfig", () => {
  it("takes HF_TOKEN, else HF_TOKEN_PATH, else $HF_HOME/token; HF_ENDPOINT without its trailing slash", () => {
    fs.writeFileSync(path.join(dir, "token"), "hf_from_home\n");
    fs.writeFileSync(path.join(dir, "other"), "hf_from_path\n");
    expect(hubConfig({ HF_HOME: dir })).toMatchObject({ endpoint: "https://huggingface.co", token: "hf_from_home", tokenSource: path.join(dir, "token") });
    expect(hubConfig({ HF_HOME: dir, HF_TOKEN_PATH: path.join(dir, "other") })).toMatchObject({ token: "hf_from_path" });
    expect(hubConfig({ HF_HOME: dir, HF_TOKEN: "hf_env", HF_ENDPOINT: "http://hub.local:8080/" })).toMatchObject({ token: "hf_env", tokenSource: "HF_TOKEN", endpoint: "http://hub.local:8080" });
    expect(hubConfig({ HF_HOME: path.join(dir, "none"), HF_TOKEN: "" })).toMatchObject({ token: undefined, tokenFile: path.join(dir, "none", "token") });
    expect(hubConfig({ XDG_CACHE_HOME: dir }).tokenFile).toBe(path.join(dir, "huggingface", "token"));
    expect(hubConfig({ HF_HUB_OFFLINE: "1" }).offline).toBe(true);
  });

  it("falls back to the older HUGGING_FACE_HUB_TOKEN, after HF_TOKEN", () => {
    const none = path.join(dir, "no-home");
    expect(hubConfig({ HF_HOME: none, HUGGING_FACE_HUB_TOKEN: "hf_old" })).toMatchObject({ token: "hf_old", tokenSource: "HUGGING_FACE_HUB_TOKEN" });
    expect(hubConfig({ HF_HOME: none, HUGGING_FACE_HUB_TOKEN: "hf_old", HF_TOKEN: "hf_new" })).toMatchObject({ token: "hf_new", tokenSource: "HF_TOKEN" });
  });

  it("counts a blank HF_TOKEN as unset and reads the token file instead, trimmed", () => {
    const home = path.join(dir, "blank");
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, "token"), "  hf_file_token \n\n");
    expect(hubConfig({ HF_HOME: home, HF_TOKEN: "   " })).toMatchObject({ token: "hf_file_token", tokenSource: path.join(home, "token") });
  });

  it("has no token when the token file is empty or missing, and still says where it would be", () => {
    const home = path.join(dir, "empty");
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, "token"), "\n");
    expect(hubConfig({ HF_HOME: home })).toEqual({
      endpoint: "https://huggingface.co", token: undefined, tokenSource: undefined, tokenFile: path.join(home, "token"), offline: false,
    });
  });

  it("defaults the token file to ~/.cache/huggingface/token and expands ~ in HF_HOME and HF_TOKEN_PATH", () => {
    expect(hubConfig({}).tokenFile).toBe(path.join(os.homedir(), ".cache", "huggingface", "token"));
    expect(hubConfig({ HF_HOME: "~/hf" }).tokenFile).toBe(path.join(os.homedir(), "hf", "token"));
    expect(hubConfig({ HF_TOKEN_PATH: "~/secret/tok" }).tokenFile).toBe(path.join(os.homedir(), "secret", "tok"));
  });

  it("is offline for HF_HUB_OFFLINE 1, true, yes or on (any case), and not for 0, empty or unset", () => {
    for (const value of ["1", "true", "TRUE", "yes", "On"]) expect(hubConfig({ HF_HUB_OFFLINE: value }).offline, value).toBe(true);
    for (const value of ["0", "false", "", "no"]) expect(hubConfig({ HF_HUB_OFFLINE: value }).offline, value).toBe(false);
    expect(hubConfig({}).offline).toBe(false);
  });

  it("treats a blank HF_ENDPOINT as unset and strips every trailing slash", () => {
    expect(hubConfig({ HF_ENDPOINT: "  " }).endpoint).toBe("https://huggingface.co");
    expect(hubConfig({ HF_ENDPOINT: "https://mirror.example/hf///" }).endpoint).toBe("https://mirror.example/hf");
  });
});

describe("loginHint", () => {
  it("names both login commands, the token file they write and HF_TOKEN", () => {
    const hint = loginHint(hubConfig({ HF_HOME: path.join(dir, "hint") }));
    expect(hint).toBe(`log in with \`hf auth login\` (or \`huggingface-cli login\`), which writes ${path.join(dir, "hint", "token")}, or set HF_TOKEN to a write token from https://huggingface.co/settings/tokens`);
  });
});
