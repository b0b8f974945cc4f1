import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lerobotHome } from "../../src/system/hf-home.js";

describe("lerobotHome", () => {
  it("is HF_LEROBOT_HOME when set, whatever HF_HOME and XDG_CACHE_HOME say", () => {
    expect(lerobotHome({ HF_LEROBOT_HOME: "/data/lr", HF_HOME: "/data/hf", XDG_CACHE_HOME: "/data/xdg" })).toBe(path.resolve("/data/lr"));
  });

  it("is HF_HOME/lerobot when only HF_HOME is set (HF_HOME wins over XDG_CACHE_HOME)", () => {
    expect(lerobotHome({ HF_HOME: "/data/hf", XDG_CACHE_HOME: "/data/xdg" })).toBe(path.resolve("/data/hf/lerobot"));
  });

  it("is XDG_CACHE_HOME/huggingface/lerobot when neither is set, as huggingface_hub puts its home there", () => {
    expect(lerobotHome({ XDG_CACHE_HOME: "/data/xdg" })).toBe(path.resolve("/data/xdg/huggingface/lerobot"));
  });

  it("is ~/.cache/huggingface/lerobot when nothing is set, or only empty values", () => {
    const fallback = path.join(os.homedir(), ".cache", "huggingface", "lerobot");
    expect(lerobotHome({})).toBe(fallback);
    expect(lerobotHome({ HF_LEROBOT_HOME: "", HF_HOME: "", XDG_CACHE_HOME: "" })).toBe(fallback);
  });

  it("expands a leading ~ to the home directory, as Python's expanduser does", () => {
    expect(lerobotHome({ HF_LEROBOT_HOME: "~/lr" })).toBe(path.join(os.homedir(), "lr"));
    expect(lerobotHome({ HF_HOME: "~" })).toBe(path.join(os.homedir(), "lerobot"));
    expect(lerobotHome({ XDG_CACHE_HOME: "~/cache" })).toBe(path.join(os.homedir(), "cache", "huggingface", "lerobot"));
    // Only a leading ~ names the home: elsewhere it is an ordinary character.
    expect(lerobotHome({ HF_LEROBOT_HOME: "/data/~lr" })).toBe(path.resolve("/data/~lr"));
  });

  it("makes a relative path absolute against the working directory", () => {
    expect(lerobotHome({ HF_LEROBOT_HOME: "rel/lr" })).toBe(path.join(process.cwd(), "rel", "lr"));
    expect(lerobotHome({ HF_HOME: "rel/hf" })).toBe(path.join(process.cwd(), "rel", "hf", "lerobot"));
  });

  it("reads process.env when given no environment", () => {
    const saved = process.env.HF_LEROBOT_HOME;
    process.env.HF_LEROBOT_HOME = "/from/process/env";
    try {
      expect(lerobotHome()).toBe(path.resolve("/from/process/env"));
    } finally {
      if (saved === undefined) delete process.env.HF_LEROBOT_HOME;
      else process.env.HF_LEROBOT_HOME = saved;
    }
  });
});
