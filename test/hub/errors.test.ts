/**
 * Hub errors as one line each: the Hub's own error text with its status, or the network reason
 * when the Hub cannot be reached. Failures come from real calls to the test Hub (and to a port
 * nobody listens on), so the shapes are the ones product code meets.
 */
import { HubApiError } from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubError, PushError, describeHubFailure, hubStatus } from "../../src/hub/errors.js";
import { listRefs } from "../../src/hub/refs.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";

let hub: HubServer;
let deadEndpoint: string;

beforeAll(async () => {
  hub = await startHubServer();
  const gone = await startHubServer();
  deadEndpoint = gone.endpoint;
  await gone.close();
});
afterAll(async () => {
  await hub?.close();
});

/** The error a call throws (the test fails if it does not throw). */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("HubError and PushError", () => {
  it("carry their name, message and cause; a PushError is a HubError", () => {
    const cause = new Error("socket hang up");
    const error = new PushError("push to a/b failed", { cause });
    expect(error).toBeInstanceOf(HubError);
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.message, error.cause]).toEqual(["PushError", "push to a/b failed", cause]);
    const plain = new HubError("no token");
    expect(plain.name).toBe("HubError");
    expect(plain).not.toBeInstanceOf(PushError);
    expect("cause" in plain).toBe(false);
  });
});

describe("describeHubFailure", () => {
  it("says the status and the Hub's own message for an HTTP error", async () => {
    const missing = await failure(() => listRefs({ endpoint: hub.endpoint, token: undefined, repoId: "nobody/nothing" }));
    expect(describeHubFailure(missing, hub.endpoint)).toBe("the Hub answered 404: Repository not found");
    const refused = await failure(() => listRefs({ endpoint: hub.endpoint, token: "hf_wrong", repoId: "nobody/nothing" }));
    expect(describeHubFailure(refused, hub.endpoint)).toBe("the Hub answered 401: Invalid credentials in Authorization header");
  });

  it("keeps only the first line of a long error text", () => {
    const error = new HubApiError("https://hub/api/x", 500, undefined, "  internal error  \n  at line 2\n  at line 3");
    expect(describeHubFailure(error, "https://hub")).toBe("the Hub answered 500: internal error");
  });

  it("names the endpoint and the network reason when the Hub cannot be reached", async () => {
    const error = await failure(() => fetch(`${deadEndpoint}/api/whoami-v2`));
    expect(describeHubFailure(error, deadEndpoint)).toBe(`cannot reach ${deadEndpoint}: ECONNREFUSED`);
  });

  it("passes a HubError's message through unchanged", () => {
    expect(describeHubFailure(new HubError("HF_HUB_OFFLINE is set"), "https://hub")).toBe("HF_HUB_OFFLINE is set");
  });

  it("gives the first line of any other error, and of a thrown non-Error", () => {
    expect(describeHubFailure(new Error("bad JSON\nat position 3"), "https://hub")).toBe("bad JSON");
    expect(describeHubFailure("plain text", "https://hub")).toBe("plain text");
  });
});

describe("hubStatus", () => {
  it("is the HTTP status of a failed Hub call, undefined for anything else", async () => {
    const missing = await failure(() => listRefs({ endpoint: hub.endpoint, token: undefined, repoId: "nobody/nothing" }));
    expect(hubStatus(missing)).toBe(404);
    expect(hubStatus(await failure(() => fetch(`${deadEndpoint}/`)))).toBeUndefined();
    expect(hubStatus(new HubError("x"))).toBeUndefined();
    expect(hubStatus(undefined)).toBeUndefined();
    expect(hubStatus({ statusCode: "404" })).toBeUndefined();
  });
});
