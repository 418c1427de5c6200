/**
 * @internal Crash-safe model directories: a save replaces config.json and model.safetensors
 * together, so a reader (or a process killed mid-save) sees the previous model or the new one,
 * never new weights beside an old config.
 *
 * Layout (all links relative, so a copied or archived directory still works):
 *
 *     DIR/config.json        -> .current/config.json
 *     DIR/model.safetensors  -> .current/model.safetensors
 *     DIR/.current           -> .versions/<id>          (the one switch)
 *     DIR/.versions/<id>/    config.json, model.safetensors (a complete set)
 *
 * Why this design: renaming one file is the only atomic step a filesystem offers, so the
 * complete set must be reachable through one name. Making DIR itself a link to a versioned
 * directory would need a second name beside DIR (in a parent the user did not give us) and
 * cannot replace an existing real directory atomically; a manifest written last would break
 * users and tools that read DIR/config.json and DIR/model.safetensors directly. With a link
 * inside DIR both file names keep working, `io.load` reads both files through one resolution
 * of `.current`, and a save is: write `.versions/<id>/` (flushed), rename a new `.current` link
 * over the old one, remove the previous version. Directories written before this layout (two
 * plain files) still load, and the first save into one first moves the old pair into a version
 * (hard links) so that no step leaves a mix. Where symbolic links cannot be made (Windows
 * without the privilege), saving falls back to the two single-file atomic renames.
 */
import { nodeBuiltin } from "./node-builtin.js";

export const CURRENT_LINK = ".current";
export const VERSIONS_DIR = ".versions";
/** `<time>-<pid>-<random>`: the pid tells later saves whether the writer is still alive. */
const VERSION_NAME = /^[0-9a-z]+-(\d+)-[0-9a-f]+$/;
/** Temporaries of writeFileAtomic and of the link switches: `<name>.tmp-<pid>-<random>`. */
const TEMPORARY_NAME = /\.tmp-(\d+)-[0-9a-f]+$/;

const fs = (op: string) => nodeBuiltin(op, "node:fs/promises");
const path = (op: string) => nodeBuiltin(op, "node:path");
/** What symlink() says on a filesystem or platform without symbolic links for this user. */
const NO_LINKS = ["EPERM", "EACCES", "ENOSYS", "ENOTSUP", "EOPNOTSUPP"];
const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

function uniqueSuffix(op: string): string {
  return `${process.pid}-${nodeBuiltin(op, "node:crypto").randomBytes(4).toString("hex")}`;
}

/** Whether process `pid` is alive on this machine (EPERM: it exists, owned by someone else). */
function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true; // unknown: never call it stale
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) !== "ESRCH";
  }
}

/** Flushes a directory's entries (the renames in it) to disk; not every platform allows it. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs("io.save").open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a directory for fsync; the renames are still atomic there
  }
}

/** The version `.current` names (`.versions/<id>`), null when there is none (old layout). */
export async function currentVersion(op: string, dir: string): Promise<string | null> {
  const { lstat, readlink } = fs(op);
  const link = path(op).join(dir, CURRENT_LINK);
  try {
    if (!(await lstat(link)).isSymbolicLink()) throw new Error(`${op}: ${link} is not a link written by io.save`);
  } catch (error) {
    if (code(error) === "ENOENT" || code(error) === "ENOTDIR") return null;
    throw error;
  }
  const target = (await readlink(link)).replaceAll("\\", "/");
  const [first, name, ...rest] = target.split("/");
  // a stranger's directory may point the link anywhere: only a version inside DIR is read
  if (first !== VERSIONS_DIR || name === undefined || rest.length > 0 || !VERSION_NAME.test(name)) {
    throw new Error(`${op}: ${link} must point to ${VERSIONS_DIR}/<version> inside the model directory`);
  }
  return `${VERSIONS_DIR}/${name}`;
}

/**
 * Removes what dead writers left in `dir`: `*.tmp-<pid>-*` files and versions that `.current`
 * does not name, when process <pid> no longer exists. Only provably stale entries go: a live
 * pid (another save running now, even in this process) keeps its files. (The pid is checked on
 * this machine: a directory shared over a network with writers elsewhere is not supported.)
 */
export async function removeStaleTemporaries(op: string, dir: string): Promise<void> {
  const { readdir, rm } = fs(op);
  const { join } = path(op);
  const stale = (name: string, pattern: RegExp): boolean => {
    const match = pattern.exec(name);
    return match !== null && !processAlive(Number(match[1]));
  };
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (stale(name, TEMPORARY_NAME)) await rm(join(dir, name), { force: true });
  }
  const current = await currentVersion(op, dir).catch(() => null);
  for (const name of await readdir(join(dir, VERSIONS_DIR)).catch(() => [] as string[])) {
    if (`${VERSIONS_DIR}/${name}` !== current && stale(name, VERSION_NAME)) await rm(join(dir, VERSIONS_DIR, name), { recursive: true, force: true });
  }
}

/** Removes the `<file>.tmp-<pid>-*` siblings of `file` whose writer is dead (see removeStaleTemporaries). */
export async function removeStaleTemporariesOf(op: string, file: string): Promise<void> {
  const { readdir, rm } = fs(op);
  const { basename, dirname, join } = path(op);
  const dir = dirname(file);
  const prefix = `${basename(file)}.tmp-`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = name.startsWith(prefix) ? TEMPORARY_NAME.exec(name) : null;
    if (match !== null && !processAlive(Number(match[1]))) await rm(join(dir, name), { force: true });
  }
}

/** Points link `at` to `target` with one rename (a new link renamed over the old one). */
async function replaceLink(op: string, target: string, at: string): Promise<void> {
  const { symlink, rename, rm } = fs(op);
  const temporary = `${at}.tmp-${uniqueSuffix(op)}`;
  await symlink(target, temporary);
  try {
    await rename(temporary, at);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeDurable(op: string, file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs(op).open(file, "wx");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A directory of the old layout (plain files): its files become a version first, so that replacing them by links never shows a mix. */
async function adoptPlainFiles(op: string, dir: string, names: readonly string[]): Promise<void> {
  const { lstat, link, copyFile, mkdir } = fs(op);
  const { join } = path(op);
  const plain: string[] = [];
  for (const name of names) {
    const stats = await lstat(join(dir, name)).catch(() => null);
    if (stats?.isFile()) plain.push(name);
  }
  if (plain.length === 0) return;
  const version = `${Date.now().toString(36)}-${uniqueSuffix(op)}`;
  const versionDir = join(dir, VERSIONS_DIR, version);
  await mkdir(versionDir, { recursive: true });
  for (const name of plain) await link(join(dir, name), join(versionDir, name)).catch(() => copyFile(join(dir, name), join(versionDir, name)));
  await syncDirectory(versionDir);
  await replaceLink(op, `${VERSIONS_DIR}/${version}`, join(dir, CURRENT_LINK));
}

/**
 * Writes `files` (name → contents) into `dir` as one complete set that replaces the previous
 * set atomically. Returns false, having written nothing, where symbolic links cannot be made.
 */
export async function writeDirectoryAtomic(op: string, dir: string, files: Record<string, Uint8Array | string>): Promise<boolean> {
  const { mkdir, rm, lstat, readlink } = fs(op);
  const { join } = path(op);
  await mkdir(dir, { recursive: true });
  await removeStaleTemporaries(op, dir);
  const names = Object.keys(files);
  const version = `${Date.now().toString(36)}-${uniqueSuffix(op)}`;
  const versionDir = join(dir, VERSIONS_DIR, version);
  await mkdir(versionDir, { recursive: true });
  try {
    for (const name of names) await writeDurable(op, join(versionDir, name), files[name]!);
    await syncDirectory(versionDir);
    const before = await currentVersion(op, dir);
    try {
      if (before === null) await adoptPlainFiles(op, dir, names);
      // the visible names: links through .current (a plain file replaced here holds the same
      // bytes as the version it now leads to: adoptPlainFiles made it the current one)
      for (const name of names) {
        const at = join(dir, name);
        const target = `${CURRENT_LINK}/${name}`;
        const existing = await lstat(at).then((s) => (s.isSymbolicLink() ? readlink(at) : ""), () => null);
        if (existing !== target) await replaceLink(op, target, at);
      }
    } catch (error) {
      if (before === null && NO_LINKS.includes(code(error) ?? "")) {
        await rm(versionDir, { recursive: true, force: true });
        return false;
      }
      throw error;
    }
    const previous = before ?? (await currentVersion(op, dir));
    await replaceLink(op, `${VERSIONS_DIR}/${version}`, join(dir, CURRENT_LINK));
    await syncDirectory(dir);
    if (previous !== null && previous !== (await currentVersion(op, dir))) await rm(join(dir, previous), { recursive: true, force: true });
    return true;
  } catch (error) {
    if ((await currentVersion(op, dir).catch(() => null)) !== `${VERSIONS_DIR}/${version}`) await rm(versionDir, { recursive: true, force: true });
    throw error;
  }
}
