/**
 * Regenerates docs/playground.png, the README's picture of the playground: a spiral learned by
 * two hidden layers. Run: `node --import tsx test/playground/screenshot.ts`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildPlayground, DIST, launchBrowser, REPO, serve, skipReason } from "./browser.js";

async function main(): Promise<void> {
  const reason = skipReason();
  if (reason !== null) throw new Error(reason);
  await buildPlayground();
  const { url, server } = await serve(DIST);
  const { context, close } = await launchBrowser();
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1360, height: 820 });
    await page.goto(`${url}#data=spiral&noise=0.1&layers=8,8&act=tanh&opt=adam&lr=0.01&batch=32&features=x1,x2`);
    await page.waitForSelector("#network .neuron");
    await page.click("#run");
    await page.waitForFunction(() => Number(document.querySelector("#train-accuracy")!.textContent) >= 0.97, null, { timeout: 60_000 });
    await page.click("#run");
    await page.waitForTimeout(200);
    mkdirSync(join(REPO, "docs"), { recursive: true });
    await page.screenshot({ path: join(REPO, "docs", "playground.png") });
  } finally {
    await close();
    server.close();
  }
}

await main();
