/** LeRobot flags accepted without effect: registered, their values checked, one note each. */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import type { NoEffectFlag } from "../../src/cli/no-effect.js";
import { DISPLAY_NO_EFFECT_FLAGS, RECORD_NO_EFFECT_FLAGS, addNoEffectOptions, noEffectNotes, parseStringList } from "../../src/cli/no-effect.js";

const FLAGS: NoEffectFlag[] = [
  { name: "a.workers", arg: "<n>", description: "workers", why: "one is enough", check: (v) => { if (v !== "1" && v !== "2") throw new Error(`must be 1 or 2, got '${v}'`); } },
  { name: "b.anything", arg: "<x>", description: "anything", why: "nothing reads it" },
];

describe("addNoEffectOptions", () => {
  it("registers each flag, so a LeRobot command line parses, and marks it in --help", () => {
    const command = addNoEffectOptions(new Command("x").exitOverride(), FLAGS);
    command.parse(["--a.workers", "2", "--b.anything=yes"], { from: "user" });
    expect(command.opts()).toEqual({ "a.workers": "2", "b.anything": "yes" });
    expect(command.helpInformation()).toMatch(/--a\.workers <n>\s+workers \(LeRobot; no effect here\)/);
  });
});

describe("noEffectNotes", () => {
  it("gives one note per flag given, in the flags' order, and none for flags not given", () => {
    expect(noEffectNotes({ "b.anything": "x", "a.workers": "1", other: "y" }, FLAGS)).toEqual([
      "note: --a.workers has no effect: one is enough",
      "note: --b.anything has no effect: nothing reads it",
    ]);
    expect(noEffectNotes({}, FLAGS)).toEqual([]);
  });

  it("checks the value as LeRobot would: a bad one is a UsageError naming the flag", () => {
    expect(() => noEffectNotes({ "a.workers": "3" }, FLAGS)).toThrow(new UsageError("--a.workers: must be 1 or 2, got '3'"));
  });

  it("passes a check's own UsageError on as it is", () => {
    expect(() => noEffectNotes({ display_mode: "tv" }, DISPLAY_NO_EFFECT_FLAGS)).toThrow(new UsageError("--display_mode must be rerun or foxglove, got 'tv'"));
  });
});

describe("RECORD_NO_EFFECT_FLAGS and DISPLAY_NO_EFFECT_FLAGS", () => {
  it("accept LeRobot's values of record's and the viewer's flags", () => {
    const values = {
      "dataset.streaming_encoding": "True", "dataset.num_image_writer_processes": "0", "dataset.num_image_writer_threads_per_camera": "4",
      "dataset.video_encoding_batch_size": "1", "dataset.encoder_queue_maxsize": "30",
      display_mode: "foxglove", display_ip: "127.0.0.1", display_port: "None", display_compressed_images: "false",
    };
    const notes = noEffectNotes(values, [...RECORD_NO_EFFECT_FLAGS, ...DISPLAY_NO_EFFECT_FLAGS]);
    expect(notes).toHaveLength(9);
    expect(notes.every((n) => /^note: --\S+ has no effect: \S/.test(n))).toBe(true);
  });

  it("refuse values LeRobot refuses, naming the flag", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ "dataset.streaming_encoding": "perhaps" }, /--dataset\.streaming_encoding must be true or false/],
      [{ "dataset.num_image_writer_processes": "-1" }, /--dataset\.num_image_writer_processes must be an integer >= 0/],
      [{ "dataset.video_encoding_batch_size": "0" }, /--dataset\.video_encoding_batch_size must be an integer >= 1/],
      [{ "dataset.encoder_queue_maxsize": "lots" }, /--dataset\.encoder_queue_maxsize must be an integer >= 1/],
      [{ display_port: "0" }, /--display_port must be an integer >= 1/],
      [{ display_compressed_images: "2" }, /--display_compressed_images must be true or false/],
    ];
    for (const [values, message] of cases) {
      expect(() => noEffectNotes(values, [...RECORD_NO_EFFECT_FLAGS, ...DISPLAY_NO_EFFECT_FLAGS])).toThrow(message);
    }
  });
});

describe("parseStringList", () => {
  it("reads a JSON list and the bare YAML form draccus also takes", () => {
    expect(parseStringList("tags", '["so101", "tutorial"]')).toEqual(["so101", "tutorial"]);
    expect(parseStringList("tags", "[so101, tutorial]")).toEqual(["so101", "tutorial"]);
    expect(parseStringList("tags", "[ 'a b', \"c\" ]")).toEqual(["a b", "c"]);
    expect(parseStringList("tags", "[]")).toEqual([]);
    expect(parseStringList("tags", " [ ] ")).toEqual([]);
    // Not a JSON list of texts: read as YAML, where 1 is the text "1" of a list[str].
    expect(parseStringList("tags", '["a", 1]')).toEqual(["a", "1"]);
  });

  it("reads null and None as no list", () => {
    expect(parseStringList("tags", "null")).toBeUndefined();
    expect(parseStringList("tags", "None")).toBeUndefined();
  });

  it("refuses what is not a list of names, naming the flag", () => {
    for (const bad of ["so101", "[a, , b]", "[a, [b]]", "[a\"b]"]) {
      expect(() => parseStringList("dataset.tags", bad), bad).toThrow(/^--dataset\.tags must be a list such as/);
    }
  });
});
