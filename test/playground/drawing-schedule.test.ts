import "../helpers.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { DrawingSchedule, type DrawingPart } from "../../playground/src/drawing-schedule.js";

/** The parts a schedule picks over `seconds` of frames every `frameMs`, with thumbnail passes of `partsPerPass` parts. */
function simulate(schedule: DrawingSchedule, frameMs: number, seconds: number, partsPerPass: number): { parts: DrawingPart[]; passes: number; links: number } {
  const parts: DrawingPart[] = [];
  let left = 0;
  let passes = 0;
  let links = 0;
  for (let now = 0; now < seconds * 1000; now += frameMs) {
    const part = schedule.next(now, left > 0);
    parts.push(part);
    if (part !== "neurons") continue;
    if (left === 0) {
      left = partsPerPass;
      passes++;
    }
    left--;
    if (left === 0 && schedule.linksDue(now)) links++;
  }
  return { parts, passes, links };
}

test("drawing schedule: the plane most frames, the metrics 4 times a second, never two thumbnail parts in a row", () => {
  const { parts } = simulate(new DrawingSchedule(17, 88), 1000 / 60, 2, 2);
  assert.equal(parts.filter((p) => p === "metrics").length, 8);
  assert.ok(parts.filter((p) => p === "plane").length > parts.length / 2);
  for (let i = 1; i < parts.length; i++) assert.ok(!(parts[i] === "neurons" && parts[i - 1] === "neurons"), `frame ${i}`);
});

test("drawing schedule: a larger network's thumbnails and links are refreshed less often, a small one's about every pass", () => {
  // six hidden layers of 16: 97 maps (6 passes of 16 per pass) and 1,584 links
  const large = simulate(new DrawingSchedule(97, 2 * 16 + 5 * 16 * 16 + 16), 1000 / 60, 10, 7);
  const small = simulate(new DrawingSchedule(17, 2 * 8 + 8 * 8 + 8), 1000 / 60, 10, 2);
  assert.ok(large.passes >= 15 && large.passes <= 21, `a pass about every ½ s: ${large.passes} in 10 s`);
  assert.ok(large.links >= 9 && large.links <= 13, `links about every 0.8 s: ${large.links} in 10 s`);
  assert.ok(small.passes > 60, `small network: ${small.passes} passes in 10 s`);
  assert.equal(small.links, small.passes, "a small network's links follow every pass");
});
