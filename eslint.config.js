import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** src/'s top-level folders; a sub-folder (dataset/video/) belongs to its layer. */
const LAYERS = ["system", "dataset", "hardware", "processes", "edit", "hub", "remote", "verify", "inspect", "view", "cli"];

/**
 * docs/ARCHITECTURE.md's list, top to bottom: a layer may not import any layer above it. dataset
 * and hardware are siblings and know nothing of each other.
 */
const ORDER = ["cli", "processes", "edit", "view", "verify", "inspect", "remote", "hub", "dataset", "hardware", "system"];
const ABOVE = Object.fromEntries(ORDER.map((layer, i) => [layer, ORDER.slice(0, i)]));
ABOVE.dataset.push("hardware");

export default tseslint.config(
  { ignores: ["dist/**", "dist-check/**", "node_modules/**", "scratch/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", performance: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  // The layers of docs/ARCHITECTURE.md: the lower ones never import upward, and every layer
  // imports another only through its index.ts. src/index.ts (no layer) and test/, bench/, scripts/
  // are not covered.
  ...LAYERS.map((layer) => layerRule(layer, ABOVE[layer] ?? [])),
);

/**
 * The import rule of one layer's modules: no import of the forbidden layers, and no path inside
 * another layer but its index.js (cli, the top, has none: nothing imports it). One config object
 * per layer, since flat config replaces, not merges, a rule's options for the same file.
 */
function layerRule(layer, forbidden) {
  const alt = (names) => names.join("|");
  const others = LAYERS.filter((other) => other !== layer && other !== "cli" && !forbidden.includes(other));
  const noCli = layer === "cli" || forbidden.includes("cli") ? [] : ["cli"];
  const patterns = [];
  if (forbidden.length) {
    patterns.push({ regex: `^(\\.\\./)+(${alt(forbidden)})/`, message: "a lower layer imports no layer above it (docs/ARCHITECTURE.md)" });
  }
  if (others.length) {
    // The same layer's own files are imported directly (its index would make a cycle), so only
    // other layers' names are matched; no sub-folder is named like a layer.
    patterns.push({ regex: `^(\\.\\./)+(${alt(others)})/(?!index\\.js$)`, message: "import another layer through its index.js (docs/ARCHITECTURE.md)" });
  }
  if (noCli.length) patterns.push({ regex: "^(\\.\\./)+cli/", message: "nothing imports the cli layer (docs/ARCHITECTURE.md)" });
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: { "no-restricted-imports": ["error", { patterns }] },
  };
}
