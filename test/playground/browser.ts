/**
 * Shared set-up for the browser tests and the benchmark: builds the playground with Vite,
 * serves playground/dist from 127.0.0.1 and drives Debian's Chromium through playwright-core
 * (never a downloaded browser), headless with a throw-away profile.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const DIST = join(REPO, "playground", "dist");
export const OUTPUT = join(REPO, "test-output", "playground");

/** Why the browser tests cannot run here, or null when they can. */
export function skipReason(): string | null {
  if (!existsSync(CHROMIUM)) return `browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`;
  return null;
}

/**
 * Builds the page (Vite, with the nabla alias to src/index.ts) into `outDir`, by default
 * playground/dist; `repo` is the checkout to build (another one for the benchmark's A/B runs).
 */
export async function buildPlayground(outDir = DIST, repo = REPO): Promise<void> {
  const { build } = await import("vite");
  await build({ root: join(repo, "playground"), configFile: join(repo, "playground", "vite.config.ts"), logLevel: "error", build: { outDir, emptyOutDir: true } });
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** Serves `root` over HTTP on 127.0.0.1 (a free port); resolves with its URL and the server. */
export async function serve(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(root) || !existsSync(file)) {
      response.writeHead(404).end("not found");
      return;
    }
    // served cross-origin isolated, as `npm run playground` does, so the page has SharedArrayBuffer
    response.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    });
    response.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** A headless Chromium with a fresh profile directory, removed again by `close()`. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "nabla-chromium-"));
  const args = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ];
  // playwright passes the profile as --user-data-dir itself
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args, viewport: { width: 1400, height: 900 }, acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
