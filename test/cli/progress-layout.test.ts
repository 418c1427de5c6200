import { test } from "node:test";
import assert from "node:assert/strict";
import cliProgress from "cli-progress";
import "../helpers.js";
import { barLayout } from "../../src/cli/progress.js";

/** The line cli-progress draws for this layout with the widest values a run can show. */
function drawn(columns: number, epochs: number, batches: number, eta: number): string {
  const { format, barsize } = barLayout(columns, epochs, batches);
  const options = { format, barsize, barCompleteString: "█".repeat(barsize), barIncompleteString: "░".repeat(barsize), barGlue: "", autopaddingChar: "0", align: "left" };
  const params = { progress: 0.21, eta, startTime: Date.now(), total: epochs * batches, value: 1, maxWidth: columns };
  return cliProgress.Format.Formatter(options as never, params as never, { epoch: epochs, epochs, batch: batches, batches, loss: "1234.5678", acc: "0.9000" });
}

test("the progress line fits the terminal: the bar shrinks, then goes, before any number does", () => {
  for (const [epochs, batches] of [[10, 1500], [1000, 60000]] as const) {
    for (const columns of [50, 60, 80, 100, 120, 200]) {
      for (const eta of [5, 4000, Infinity]) {
        const line = drawn(columns, epochs, batches, eta);
        assert.ok(line.length < columns, `${columns} columns: ${JSON.stringify(line)} is ${line.length} long`);
        assert.match(line, /loss 1234\.5678/, `${columns} columns: the loss must stay`);
      }
    }
  }
  assert.match(drawn(80, 10, 1500, 5), /batch 1500\/1500 \| loss 1234\.5678 \| acc 0\.9000 \| ETA 05s$/, "80 columns keep every number, without the bar");
  assert.doesNotMatch(drawn(80, 10, 1500, 5), /█|░/);
  assert.match(drawn(120, 10, 1500, 5), /epoch 10\/10 [█░]{20,40} 21%/, "a wide terminal gets the bar too");
});
