import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The bundle goes to the Maven module's target/ folder; the Maven build copies it into the
// theme jar as theme/inference/account/resources (see ../../../pom.xml).
const outDir = fileURLToPath(new URL("../../../target/account-ui", import.meta.url));

export default defineConfig({
  plugins: [react()],
  // Keycloak serves the files under /resources/<version>/account/inference/ and index.ftl sets
  // no <base>: every URL inside the bundle must be relative to the bundle itself.
  base: "",
  build: {
    outDir,
    emptyOutDir: true,
    // Keycloak's AccountConsole reads .vite/manifest.json to find the entry script and styles.
    manifest: true,
    sourcemap: true,
    target: "es2022",
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: "src/main.tsx",
      // One script: Keycloak's index.ftl preloads the manifest's "imports" by their chunk keys
      // (which are not file names), so the entry must not import other chunks.
      output: { inlineDynamicImports: true },
    },
  },
  test: {
    // PatternFly's CommonJS builds require() their CSS, which Node cannot load: component tests use
    // its ES modules, which Vite transforms (CSS imports included).
    alias: [
      { find: /^@patternfly\/react-core$/, replacement: "@patternfly/react-core/dist/esm/index.js" },
      { find: /^@patternfly\/react-table$/, replacement: "@patternfly/react-table/dist/esm/index.js" },
    ],
    server: { deps: { inline: [/@patternfly\//] } },
  },
});
