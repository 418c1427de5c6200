// `npm run bundle`: nabla as one ES module a page imports from a file, without a bundler:
//   <script type="module"> import { nn, tensor } from "./nabla.js"; </script>
// Vite's library mode (Rolldown underneath) bundles src/index.ts with its dependencies
// (protobufjs, @viz-js/viz …) into dist/browser/nabla.js. Node's built-ins are never imported:
// file functions fetch them at call time (src/io/node-builtin.ts), so they fail with a message
// in a browser instead of breaking the bundle. Optional: BUNDLE_OUT_DIR overrides the folder.
import { build } from "vite";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = process.env.BUNDLE_OUT_DIR ?? fileURLToPath(new URL("../dist/browser", import.meta.url));

await build({
  root,
  configFile: false,
  logLevel: "warn",
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    minify: false,
    lib: { entry: fileURLToPath(new URL("../src/index.ts", import.meta.url)), formats: ["es"], fileName: () => "nabla.js" },
    // Graphviz (viz.renderDot) and resvg (viz.toPng) stay in chunks of their own beside
    // nabla.js, fetched by the browser only when a page first draws a graph or a PNG.
    rolldownOptions: { output: { chunkFileNames: "chunks/[name]-[hash].js" } },
  },
});
console.log(`wrote ${outDir}/nabla.js`);
