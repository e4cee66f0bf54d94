import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The bundle goes to the Maven module's target/ folder; the Maven build copies it into the
// theme jar as theme/inference/admin/resources (see ../../../pom.xml).
const outDir = fileURLToPath(new URL("../../../target/admin-ui", import.meta.url));

export default defineConfig({
  plugins: [react()],
  // keycloak.v2's admin index.ftl sets <base href="${resourceUrl}/">: URLs inside the bundle
  // are relative to the bundle itself.
  base: "",
  build: {
    outDir,
    emptyOutDir: true,
    // Keycloak's admin console reads .vite/manifest.json to find the entry script and styles.
    manifest: true,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 16384,
    rollupOptions: {
      input: "src/main.tsx",
      // One script: index.ftl preloads the manifest's "imports" by their chunk keys (which are
      // not file names), so the entry must not import other chunks.
      output: { inlineDynamicImports: true },
    },
  },
});
