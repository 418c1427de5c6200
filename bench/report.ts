// Medians, the same-loss check and the printed table of `npm run bench`.
import type { WorkerResult } from "./data.js";

/** Expected values from WORKLOADS.md, used when PyTorch is not there to compare with. */
const EXPECTED: Record<string, { finalLoss?: number; loss20?: number }> = {
  W1: { finalLoss: 0.0084014 },
  W2: { finalLoss: 0.1325359 },
  W3: { loss20: 1.44917 },
  W5: { loss20: 1.92054 },
  W6: { finalLoss: 3.7231 }, // step 40; WORKLOADS.md gives 5 digits
};

export interface Row {
  workload: string;
  unit: string;
  /** framework → median value */
  medians: Record<string, number>;
  runs: Record<string, number>;
  peakRssMB: Record<string, number>;
  /** framework → the loss (or W4 error) it reached */
  check: Record<string, number>;
  accuracy: Record<string, number>;
}

export interface Summary {
  frameworks: string[];
  rows: Row[];
  mismatches: string[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function checkValue(result: WorkerResult): number | undefined {
  return result.finalLoss ?? result.checks?.loss20 ?? result.checks?.maxRelError;
}

export function summarize(results: WorkerResult[], frameworks: string[]): Summary {
  const workloads = [...new Set(results.map((r) => r.workload))];
  const mismatches: string[] = [];
  const rows = workloads.map((workload): Row => {
    const row: Row = { workload, unit: "", medians: {}, runs: {}, peakRssMB: {}, check: {}, accuracy: {} };
    for (const framework of frameworks) {
      const mine = results.filter((r) => r.workload === workload && r.framework === framework);
      if (mine.length === 0) continue;
      row.unit = mine[0]!.unit;
      row.medians[framework] = median(mine.map((r) => r.value));
      row.runs[framework] = mine.length;
      row.peakRssMB[framework] = Math.max(...mine.map((r) => r.peakRssMB));
      const check = checkValue(mine[0]!);
      if (check !== undefined) row.check[framework] = check;
      if (mine[0]!.accuracy !== undefined) row.accuracy[framework] = mine[0]!.accuracy;
    }
    // same initial weights and batch order: every framework must reach the same loss (5 digits)
    const base = workload.startsWith("W4") ? undefined : row.check.pytorch ?? EXPECTED[workload]?.finalLoss ?? EXPECTED[workload]?.loss20;
    for (const [framework, value] of Object.entries(row.check)) {
      if (workload.startsWith("W4")) {
        if (value > 1e-5) mismatches.push(`${workload} ${framework}: relative error ${value.toExponential(2)} vs float64`);
      } else if (base !== undefined && Math.abs(value - base) > 1e-4 * Math.abs(base) + 1e-7) {
        mismatches.push(`${workload} ${framework}: loss ${value} vs ${base}`);
      }
    }
    return row;
  });
  return { frameworks, rows, mismatches };
}

const LABEL: Record<string, string> = {
  W1: "W1 tiny MLP, steps/s",
  W2: "W2 logreg, steps/s",
  "W1-steady": "W1 steps 5,001–10,000, steps/s",
  "W2-steady": "W2 steps 5,001–10,000, steps/s",
  W3: "W3 MNIST MLP epoch, s",
  W5: "W5 CNN, images/s (steps 11–100)",
  W6: "W6 tiny GPT, steps/s",
};

function format(value: number | undefined): string {
  if (value === undefined) return "—";
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(3);
}

export function formatTable(summary: Summary): string {
  const peers = summary.frameworks.filter((f) => !f.startsWith("nabla"));
  // eager and compiled nabla each get a ratio column per peer
  const mine = ["nabla-wasm", "nabla-wasm-compiled"].filter((f) => f === "nabla-wasm" || summary.frameworks.includes(f));
  const pairs = mine.flatMap((m) => peers.map((p) => [m, p] as const));
  const header = ["workload", ...summary.frameworks, ...pairs.map(([m, p]) => `${m === "nabla-wasm" ? "wasm" : "compiled"}÷${p}`), "loss / error (nabla-wasm)"];
  const lines = [header];
  for (const row of summary.rows) {
    const label = LABEL[row.workload] ?? `${row.workload.replace("-", " sgemm n=")}, GFLOP/s`;
    const ratios = pairs.map(([m, p]) => (row.medians[m] !== undefined && row.medians[p] !== undefined ? `${(row.medians[m]! / row.medians[p]!).toFixed(2)}×` : "—"));
    const check = row.check["nabla-wasm"];
    lines.push([label, ...summary.frameworks.map((f) => format(row.medians[f])), ...ratios, check === undefined ? "—" : check.toPrecision(6)]);
    if (row.workload === "W3") {
      lines.push(["W3 peak RSS, MB", ...summary.frameworks.map((f) => format(row.peakRssMB[f])), ...pairs.map(() => ""), ""]);
      lines.push(["W3 test accuracy", ...summary.frameworks.map((f) => (row.accuracy[f] === undefined ? "—" : row.accuracy[f]!.toFixed(4))), ...pairs.map(() => ""), ""]);
    }
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const render = (l: string[]): string => "| " + l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(" | ") + " |";
  const rule = "|" + widths.map((w, c) => (c === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [render(header), rule, ...lines.slice(1).map(render), "", "ratios are nabla-wasm (eager, or its step compiled with compile()) ÷ peer of the metric shown: above 1 is faster for steps/s and GFLOP/s, below 1 is faster for W3's epoch seconds"].join("\n");
}
