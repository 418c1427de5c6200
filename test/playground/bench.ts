/**
 * Browser benchmark of the playground: frames per second and training steps per second while
 * training 500 points with a 2-8-8-(1|3) network, on the WASM and the pure-TS backend,
 * measured in Chromium over a few seconds.
 * Run: `node --import tsx test/playground/bench.ts` (writes test-output/playground/bench.json).
 * A/B against another checkout (say a copy of main), on a loaded machine:
 * `BENCH_BASELINE=/path/to/checkout BENCH_REPEAT=3 node --import tsx test/playground/bench.ts`
 * builds both pages, runs every case on each in turn (baseline, this, baseline, this …) and
 * reports the medians of each and their ratio.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
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
/** Another checkout to compare with (BENCH_BASELINE), and how many times each case runs on each (BENCH_REPEAT). */
const BASELINE = process.env.BENCH_BASELINE;
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1));

interface Measurement {
  fps: number;
  stepsPerSecond: number;
  epoch: number;
  trainAccuracy: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function describe(m: Measurement): string {
  return `${m.fps.toFixed(1)} fps, ${m.stepsPerSecond.toFixed(0)} steps/s (epoch ${m.epoch.toFixed(0)}, train accuracy ${m.trainAccuracy.toFixed(3)})`;
}

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
  const builds = [{ label: "this", ...(await serve(DIST)) }];
  let baselineDist: string | undefined;
  if (BASELINE !== undefined) {
    baselineDist = mkdtempSync(join(tmpdir(), "nabla-playground-baseline-"));
    await buildPlayground(baselineDist, BASELINE);
    builds.unshift({ label: "baseline", ...(await serve(baselineDist)) });
  }
  const { context, close } = await launchBrowser();
  const results: Record<string, unknown>[] = [];
  const measure = async (url: string, hash: string): Promise<Measurement> => {
    const page = await context.newPage();
    await page.goto(`${url}#${hash}`);
    await page.waitForSelector("#network .neuron");
    await page.click("#run");
    await page.waitForTimeout(1000);
    const result = (await page.evaluate(MEASURE)) as Measurement;
    await page.close();
    return result;
  };
  try {
    for (const { name, hash } of CASES.flatMap((c) => ["wasm", "js"].map((backend) => ({ name: `${c.name}, ${backend}`, hash: `${c.hash}&backend=${backend}` }))).filter((c) => FILTER.some((part) => c.name.includes(part)))) {
      const runs = new Map<string, Measurement[]>(builds.map((b) => [b.label, []]));
      for (let r = 0; r < REPEAT; r++) {
        for (const build of builds) {
          const result = await measure(build.url, hash);
          runs.get(build.label)!.push(result);
          if (REPEAT > 1 || builds.length > 1) console.log(`  ${build.label} #${r + 1}: ${describe(result)}`);
        }
      }
      const medians = new Map([...runs].map(([label, list]) => [label, Object.fromEntries((["fps", "stepsPerSecond", "epoch", "trainAccuracy"] as const).map((key) => [key, median(list.map((m) => m[key]))])) as unknown as Measurement]));
      const mine = medians.get("this")!;
      const base = medians.get("baseline");
      results.push({ name, ...mine, ...(base === undefined ? {} : { baseline: base }) });
      console.log(`${name}: ${describe(mine)}`);
      if (base !== undefined) console.log(`  baseline: ${describe(base)}; ratio ${(mine.fps / base.fps).toFixed(2)}× fps, ${(mine.stepsPerSecond / base.stepsPerSecond).toFixed(2)}× steps/s`);
    }
  } finally {
    await close();
    for (const build of builds) build.server.close();
    if (baselineDist !== undefined) rmSync(baselineDist, { recursive: true, force: true });
  }
  mkdirSync(OUTPUT, { recursive: true });
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, chromium: "/usr/bin/chromium (headless, --disable-gpu)" };
  writeFileSync(join(OUTPUT, "bench.json"), `${JSON.stringify({ machine, seconds: SECONDS, repeat: REPEAT, baseline: BASELINE ?? null, results }, null, 2)}\n`);
}

await main();
