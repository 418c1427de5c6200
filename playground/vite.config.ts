/**
 * The playground is a static site. It imports nabla as "nabla", aliased to the library's
 * TypeScript source (src/index.ts), so the page always runs the code in this checkout and
 * needs no `npm run build` first; Vite compiles it along with the page.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
/** The training worker's entry name, and its file's (assets/training-worker.js) in a build. */
const WORKER_ENTRY = "training-worker";
/** Cross-origin isolation: the page gets SharedArrayBuffer, so nabla's WASM backend can use Web Workers. */
const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root,
  base: "./",
  resolve: { alias: { nabla: fileURLToPath(new URL("../src/index.ts", import.meta.url)) } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // The training worker is a second entry of the page's own build, not a worker build of
      // its own (what `new Worker(new URL("./x.ts", import.meta.url))` would make): the two
      // entries then share one chunk of nabla instead of each carrying a copy. Its file name
      // has no hash, so the page can name it (src/remote-training.ts, WORKER_MODULE).
      input: { index: join(root, "index.html"), [WORKER_ENTRY]: join(root, "src", "training-worker.ts") },
      output: { entryFileNames: (chunk) => (chunk.name === WORKER_ENTRY ? `assets/${WORKER_ENTRY}.js` : "assets/[name]-[hash].js") },
    },
  },
  server: { host: "127.0.0.1", headers },
  preview: { host: "127.0.0.1", headers },
});
