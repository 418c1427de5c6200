// Child process of the kill -9 test (atomic-save.test.ts): saves models A and B alternately
// into the directory given as argv[2] until it is killed. It says "saving" once the first save
// is done (the first one pays for loading the backend), so the kill lands among saves.
// Not a test file itself.
import { io } from "../../src/index.js";
import { modelPair } from "./model-pair.js";

const dir = process.argv[2]!;
const pair = modelPair();
for (let i = 0; ; i++) {
  const { model, config } = pair[i % 2]!;
  const start = performance.now();
  await io.save(model, dir, config);
  if (i === 0) process.stdout.write(`saving ${(performance.now() - start).toFixed(1)}\n`);
  if (i === 1 && process.env.NABLA_SAVE_TIME) process.stderr.write(`second save ${(performance.now() - start).toFixed(1)} ms\n`);
}
