/**
 * What each browser test file shares: the skip rule, and a suite set-up that builds the page
 * into a temporary directory, serves it and opens pages in Chromium that record console errors,
 * page errors and any request leaving the local server.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { backendUnderTest } from "../helpers.js";
import { buildPlayground, launchBrowser, OUTPUT, serve, skipReason } from "./browser.js";

/** Why this run skips the browser tests: the page picks its own backend, so they run once (js). */
export function browserSkip(): string | false {
  const reason = backendUnderTest !== "js" ? "browser tests run once, with the js backend" : skipReason();
  if (reason !== null) console.log(`# ${reason}`);
  return reason ?? false;
}

export interface PlaygroundPages {
  /** Opens the page at `hash`, once its network diagram is built. */
  open(hash?: string): Promise<{ page: Page; problems: string[] }>;
  /** Saves a screenshot to test-output/playground/, closes the page, asserts nothing went wrong. */
  finish(page: Page, problems: string[], screenshot: string): Promise<void>;
  /** The number shown in the element with this id. */
  number(page: Page, id: string): Promise<number>;
  /** The directory the page was built into (set once the suite's set-up ran). */
  distDir(): string;
}

/**
 * Registers before/after hooks of the enclosing suite and returns page helpers for its tests;
 * `browserArgs` are extra Chromium flags (the WebGPU ones).
 */
export function usePlayground({ browserArgs = [] }: { browserArgs?: readonly string[] } = {}): PlaygroundPages {
  let server: Server;
  let url: string;
  let context: BrowserContext;
  let close: () => Promise<void>;
  let dist: string;

  before(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    dist = mkdtempSync(join(tmpdir(), "nabla-playground-"));
    await buildPlayground(dist);
    ({ url, server } = await serve(dist));
    ({ context, close } = await launchBrowser(browserArgs));
  });

  after(async () => {
    await close?.();
    server?.close();
    if (dist !== undefined) rmSync(dist, { recursive: true, force: true });
  });

  return {
    async open(hash = "") {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console error: ${message.text()}`);
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("request", (request) => {
        const target = request.url();
        if (!target.startsWith(url) && !target.startsWith("blob:") && !target.startsWith("data:")) problems.push(`network request: ${target}`);
      });
      await page.goto(`${url}#${hash}`);
      await page.waitForSelector("#network .neuron", { state: "attached" });
      return { page, problems };
    },
    async finish(page, problems, screenshot) {
      await page.screenshot({ path: join(OUTPUT, `${screenshot}.png`), fullPage: true });
      await page.close();
      assert.deepEqual(problems, []);
    },
    async number(page, id) {
      return Number(await page.textContent(`#${id}`));
    },
    distDir: () => dist,
  };
}
