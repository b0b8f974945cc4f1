import { it } from "vitest";
it("x", async () => { await import("./a.js"); });
