/**
 * Browser benchmark of the playground: frames per second and training steps per second while
 * training 500 points with a 2-8-8-(1|3) network, on the WASM and the pure-TS backend,
 * measured in Chromium over a few seconds.
 * Run: `node --import tsx test/playground/bench.ts` (writes test-output/playground/bench.json).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { buildPlayground, DIST, launchBrowser, OUTPUT, serve, skipReason } from "./browser.js";

const SECONDS = 5;
const CASES = [
  { name: "2 clouds, 2-8-8-1 (sigmoid), batch 10", hash: "data=clouds&points=500&features=x1,x2&layers=8,8&act=tanh&opt=adam&batch=10" },
  { name: "3 clouds, 2-8-8-3 (softmax), batch 10", hash: "data=kclouds&classes=3&points=500&features=x1,x2&layers=8,8&act=tanh&opt=adam&batch=10" },
  { name: "spiral, 2-8-8-1 (sigmoid), batch 32", hash: "data=spiral&points=500&features=x1,x2&layers=8,8&act=tanh&opt=adam&batch=32" },
  // issue 12: drawing must not slow training as the network grows (targets for the largest: ≥ 30 fps, ≥ 1,000 steps/s on WASM)
  { name: "spiral, 2-16-16-1 (sigmoid), batch 32", hash: "data=spiral&points=500&features=x1,x2&layers=16,16&act=tanh&opt=adam&batch=32" },
  { name: "spiral, largest: 6 hidden layers of 16, batch 32", hash: "data=spiral&points=500&features=x1,x2&layers=16,16,16,16,16,16&act=tanh&opt=adam&batch=32" },
];
/** BENCH_FILTER="largest|2-8-8-1" runs only the cases whose name contains one of the |-separated parts. */
const FILTER = (process.env.BENCH_FILTER ?? "").split("|");

// counts animation frames and training steps in the page over SECONDS (a string: no bundler helpers)
const MEASURE = `new Promise((resolve) => {
  const app = window.playground;
  let frames = 0;
  const count = () => { frames++; if (!done) requestAnimationFrame(count); };
  let done = false;
  const steps = app.trainer.steps;
  const start = performance.now();
  requestAnimationFrame(count);
  setTimeout(() => {
    done = true;
    const seconds = (performance.now() - start) / 1000;
    resolve({ fps: frames / seconds, stepsPerSecond: (app.trainer.steps - steps) / seconds, epoch: app.trainer.epoch, trainAccuracy: app.trainMetrics.accuracy });
  }, ${SECONDS * 1000});
})`;

async function main(): Promise<void> {
  const reason = skipReason();
  if (reason !== null) {
    console.log(reason);
    return;
  }
  await buildPlayground();
  const { url, server } = await serve(DIST);
  const { context, close } = await launchBrowser();
  const results: Record<string, unknown>[] = [];
  try {
    for (const { name: problem, hash: setup } of CASES.flatMap((c) => ["wasm", "js"].map((backend) => ({ name: `${c.name}, ${backend}`, hash: `${c.hash}&backend=${backend}` }))).filter((c) => FILTER.some((part) => c.name.includes(part)))) {
      const [name, hash] = [problem, setup];
      const page = await context.newPage();
      await page.goto(`${url}#${hash}`);
      await page.waitForSelector("#network canvas.neuron");
      await page.click("#run");
      await page.waitForTimeout(1000);
      const result = (await page.evaluate(MEASURE)) as Record<string, number>;
      results.push({ name, ...result });
      console.log(`${name}: ${result.fps!.toFixed(1)} fps, ${result.stepsPerSecond!.toFixed(0)} steps/s (epoch ${result.epoch!.toFixed(0)}, train accuracy ${result.trainAccuracy!.toFixed(3)})`);
      await page.close();
    }
  } finally {
    await close();
    server.close();
  }
  mkdirSync(OUTPUT, { recursive: true });
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, chromium: "/usr/bin/chromium (headless, --disable-gpu)" };
  writeFileSync(join(OUTPUT, "bench.json"), `${JSON.stringify({ machine, seconds: SECONDS, results }, null, 2)}\n`);
}

await main();
