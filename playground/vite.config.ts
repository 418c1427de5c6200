/**
 * The playground is a static site. It imports nabla as "nabla", aliased to the library's
 * TypeScript source (src/index.ts), so the page always runs the code in this checkout and
 * needs no `npm run build` first; Vite compiles it along with the page.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
/** Cross-origin isolation: the page gets SharedArrayBuffer, so nabla's WASM backend can use Web Workers. */
const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root,
  base: "./",
  resolve: { alias: { nabla: fileURLToPath(new URL("../src/index.ts", import.meta.url)) } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2000 },
  server: { host: "127.0.0.1", headers },
  preview: { host: "127.0.0.1", headers },
});
