/**
 * The page script of webgpu-suites.test.ts, bundled by it with Vite: the suites of test/webgpu
 * (every element-wise op of the table against the reference backend, every op and layer
 * fixture against PyTorch) on wasm and then on webgpu, in one page. The
 * fixture tables read their JSON files with `readFileSync`; the bundle serves them in its place.
 */
import { backendInfo, setBackend } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { LAYER_SUITES, OP_SUITES } from "../webgpu/fixture-suites.js";
import { TABLE_SUITES } from "../webgpu/table-op-suites.js";

/** One suite's failures (empty when every case matches PyTorch) and its time on the page. */
export interface SuiteResult {
  failures: string[];
  ms: number;
}

export interface SuitesPageResult {
  wasm: Record<string, SuiteResult>;
  gpu?: Record<string, SuiteResult>;
  adapter?: string;
  noWebGpu?: string;
}

async function runAll(): Promise<Record<string, SuiteResult>> {
  const results: Record<string, SuiteResult> = {};
  const backend = activeBackend();
  const suites = [...TABLE_SUITES.map((suite) => ({ title: suite.title, run: () => suite.run(backend) })), ...OP_SUITES, ...LAYER_SUITES];
  for (const suite of suites) {
    const start = performance.now();
    let failures: string[];
    try {
      failures = await suite.run();
    } catch (error) {
      failures = [`the suite threw: ${String((error as Error).stack ?? error).slice(0, 2000)}`];
    }
    results[suite.title] = { failures, ms: Math.round(performance.now() - start) };
  }
  return results;
}

export async function main(): Promise<SuitesPageResult> {
  setBackend("wasm");
  const wasm = await runAll();
  try {
    await setBackend("webgpu");
  } catch (error) {
    return { wasm, noWebGpu: String((error as Error).message) };
  }
  return { wasm, gpu: await runAll(), adapter: backendInfo().adapter };
}
