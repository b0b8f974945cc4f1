import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
  // The layers of docs/ARCHITECTURE.md: the lower ones never import upward.
  ...lowerLayer("src/system/**", ["dataset", "hardware", "processes", "edit", "hub", "remote", "verify", "inspect", "view", "cli"]),
  ...lowerLayer("src/dataset/**", ["hardware", "processes", "edit", "hub", "remote", "verify", "inspect", "view", "cli"]),
  ...lowerLayer("src/hardware/**", ["dataset", "processes", "edit", "hub", "remote", "verify", "inspect", "view", "cli"]),
);

/** A files pattern whose modules may not import the named top-level folders of src/. */
function lowerLayer(files, forbidden) {
  const group = forbidden.flatMap((layer) => [`../${layer}/*`, `../../${layer}/*`, `../../../${layer}/*`, `../${layer}/**`, `../../${layer}/**`, `../../../${layer}/**`]);
  return [{
    files: [files.replace("**", "**/*.ts")],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group, message: `a lower layer imports no layer above it (docs/ARCHITECTURE.md)` }] }] },
  }];
}
