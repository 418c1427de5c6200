// Issue 11: io.save renamed config.json and model.safetensors one after the other, so a process
// killed between the renames left new weights beside the old config (loading silently with the
// wrong normalization, or not at all when the architecture changed), and every kill left a
// *.tmp-* file behind. Here a child process saves two different models alternately into one
// directory and is killed with SIGKILL at random moments: every outcome must load as exactly
// one of the two models, and the next save must leave no temporaries of dead writers.
import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io } from "../../src/index.js";
import { identify, modelPair } from "./model-pair.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "nabla-atomic-"));
// A few seconds in `npm test`; NABLA_KILL_RUNS=60 repeats the measurement.
const RUNS = Number(process.env.NABLA_KILL_RUNS ?? 8);

/**
 * The save loop as one plain JS file (esbuild, which tsx brings), so each child starts in a
 * fraction of the second that transpiling the sources through tsx takes.
 */
async function bundleSaveLoop(): Promise<string> {
  const { build } = await import("esbuild");
  const outfile = join(tempDir(), "save-loop.mjs");
  await build({ entryPoints: [new URL("save-loop.ts", import.meta.url).pathname], bundle: true, platform: "node", format: "esm", outfile, logLevel: "error" });
  return outfile;
}

/** Starts the save loop, waits until it is saving, lets it run `delayMs`, then kills it with SIGKILL. */
function killDuringSaves(script: string, dir: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir], { stdio: ["ignore", "pipe", "inherit"] });
    child.on("error", reject);
    child.on("exit", () => resolve());
    child.stdout.once("data", () => setTimeout(() => child.kill("SIGKILL"), delayMs));
  });
}

/** A pid that belonged to a process that has exited (so no writer of that pid is alive). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
  return Number(pid);
}

// File handling does not depend on the backend: the kills run once, under the js backend.
test(`SIGKILL at random moments during saves: the directory always loads as the previous or the new model (${RUNS} kills)`, { skip: backendUnderTest !== "js" && "file handling is the same on every backend" }, async (t) => {
  const pair = modelPair();
  const dir = join(tempDir(), "model");
  // the first kills hit a directory of the old layout (two plain files), which a save converts
  mkdirSync(dir);
  const old = await io.save(pair[0].model, join(tempDir(), "plain"), pair[0].config);
  writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors(pair[0].model.stateDict()));
  writeFileSync(join(dir, "config.json"), JSON.stringify(old));
  assert.equal(identify(pair, await io.load(dir)), "A");
  const outcomes: string[] = [];
  const script = await bundleSaveLoop();
  for (let run = 0; run < RUNS; run++) {
    // delays spread over a few saves (each takes 5-40 ms here: the fsyncs)
    await killDuringSaves(script, dir, (run * 7919) % 41);
    const loaded = await io.load(dir);
    outcomes.push(identify(pair, loaded));
    assert.ok(outcomes.at(-1) === "A" || outcomes.at(-1) === "B", `kill ${run}: the directory holds ${outcomes.at(-1)}`);
  }
  t.diagnostic(`outcomes: ${outcomes.filter((o) => o === "A").length} × A, ${outcomes.filter((o) => o === "B").length} × B`);
  // the next save removes whatever the killed writers left (their pids are dead)
  await io.save(pair[1].model, dir, pair[1].config);
  assert.equal(identify(pair, await io.load(dir)), "B");
  const left = readdirSync(dir).filter((name) => name.includes(".tmp-"));
  assert.deepEqual(left, [], "temporaries of killed writers");
  assert.deepEqual(readdirSync(join(dir, ".versions")), [readlinkSync(join(dir, ".current")).split("/")[1]], "only the current version is kept");
});

test("a save removes only provably stale temporaries: those of dead processes, never a live writer's", async () => {
  const pair = modelPair();
  const dir = tempDir();
  await io.save(pair[0].model, dir, pair[0].config);
  const dead = deadPid();
  const deadFile = `config.json.tmp-${dead}-0badc0de`;
  const liveFile = `config.json.tmp-${process.pid}-0badc0de`;
  const deadVersion = join(".versions", `mx0-${dead}-0badc0de`);
  const liveVersion = join(".versions", `mx0-${process.pid}-0badc0de`);
  for (const name of [deadFile, liveFile]) writeFileSync(join(dir, name), "partial");
  for (const name of [deadVersion, liveVersion]) mkdirSync(join(dir, name));
  await io.save(pair[1].model, dir, pair[1].config);
  assert.equal(existsSync(join(dir, deadFile)), false);
  assert.equal(existsSync(join(dir, deadVersion)), false);
  assert.equal(existsSync(join(dir, liveFile)), true, "a live process may still be writing it");
  assert.equal(existsSync(join(dir, liveVersion)), true);
  assert.equal(identify(pair, await io.load(dir)), "B");
});

test("a directory of the old layout (two plain files) loads, and a save into it switches both files together", async () => {
  const pair = modelPair();
  const dir = tempDir();
  const config = await io.save(pair[0].model, join(tempDir(), "elsewhere"), pair[0].config);
  writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors(pair[0].model.stateDict()));
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  assert.equal(identify(pair, await io.load(dir)), "A");
  await io.save(pair[1].model, dir, pair[1].config);
  assert.equal(identify(pair, await io.load(dir)), "B");
  assert.equal(readlinkSync(join(dir, "config.json")), ".current/config.json");
});

test("io.load reads a model directory only inside itself: links leading out are refused, contents never echoed", async () => {
  const pair = modelPair();
  const outside = tempDir();
  writeFileSync(join(outside, "secret.txt"), "the secret first line\n");
  // .current pointing out of the directory, directly or through ".."
  const hostile = tempDir();
  await io.save(pair[0].model, hostile, pair[0].config);
  const current = join(hostile, ".current");
  for (const target of [outside, `.versions/${readlinkSync(current).split("/")[1]}/../../..`]) {
    symlinkSync(target, `${current}.new`);
    renameSync(`${current}.new`, current);
    await assert.rejects(io.load(hostile), /\.current must point to \.versions\/<version> inside the model directory/);
  }
  // a plain-layout config.json that is a link to a file elsewhere
  const linked = tempDir();
  symlinkSync(join(outside, "secret.txt"), join(linked, "config.json"));
  await assert.rejects(io.load(linked), (error: Error) => {
    assert.match(error.message, /config\.json is a link to a file outside the model directory/);
    assert.doesNotMatch(error.message, /secret/);
    return true;
  });
  // a config.json that is not JSON: the error gives the position, not the text
  const text = tempDir();
  writeFileSync(join(text, "config.json"), "the secret first line\nmore");
  await assert.rejects(io.load(text), (error: Error) => {
    assert.match(error.message, /config\.json is not valid JSON/);
    assert.doesNotMatch(error.message, /secret/);
    return true;
  });
});

test("writeFileAtomic (saveSafetensors) removes the temporaries dead writers left beside the file, not a live one's", async () => {
  const dir = tempDir();
  const file = join(dir, "weights.safetensors");
  const dead = deadPid();
  for (const name of [`weights.safetensors.tmp-${dead}-0badc0de`, `weights.safetensors.tmp-${process.pid}-0badc0de`, `other.bin.tmp-${dead}-0badc0de`]) writeFileSync(join(dir, name), "partial");
  await io.saveSafetensors(file, modelPair()[0].model.stateDict());
  assert.deepEqual(readdirSync(dir).sort(), [`other.bin.tmp-${dead}-0badc0de`, "weights.safetensors", `weights.safetensors.tmp-${process.pid}-0badc0de`]);
});
