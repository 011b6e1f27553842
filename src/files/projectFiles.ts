/**
 * Reading and writing files inside a project folder without ever following a symbolic link or
 * leaving the folder: a repository can hold links that point anywhere (`.devcontainer/entrypoint.sh
 * -> ../../.bash_login`), and a scaffold must not write there.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** A file or folder the scaffold refuses to read or write, with the reason in its message. */
export class UnsafePathError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`${path} ${reason}`);
    this.name = 'UnsafePathError';
  }
}

/** More than any file a scaffold reads or merges; a bigger one is refused rather than read. */
const MAX_BYTES = 16 * 1024 * 1024;
/** `file.bak`, `file.bak.1`... at most this many tries. */
const MAX_NUMBERED = 100;
// Windows has neither flag; the lstat checks still hold there.
const { O_NOFOLLOW: NO_FOLLOW = 0, O_NONBLOCK: NON_BLOCKING = 0 } = constants as Partial<typeof constants>;

/**
 * The parts of a path relative to the project root (`/` separators); throws when it does not
 * name something inside the project (absolute, `..`, empty parts).
 */
function partsOf(relative: string): string[] {
  const parts = relative.split('/');
  if (relative === '' || /^[A-Za-z]:|\\|\0/.test(relative) || parts.some((part) => part === '' || part === '.' || part === '..')) {
    throw new UnsafePathError(relative, 'is not a path inside the project, so the scaffold does not touch it.');
  }
  return parts;
}

async function lstatOrMissing(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/**
 * Checks every part of `relative` under `root` with lstat: each existing folder must be a real
 * folder and the file, when it exists, a regular file; none may be a symbolic link.
 * Returns the file's lstat, or undefined when it (or a folder above it) does not exist.
 */
export async function checkWritablePath(root: string, relative: string): Promise<Stats | undefined> {
  const parts = partsOf(relative);
  for (let depth = 1; depth <= parts.length; depth++) {
    const shown = parts.slice(0, depth).join('/');
    const stats = await lstatOrMissing(join(root, ...parts.slice(0, depth)));
    if (stats === undefined) return undefined;
    if (stats.isSymbolicLink()) {
      throw new UnsafePathError(shown, `is a symbolic link, and the scaffold never writes through one (it could point outside the project). Replace the link with a real ${depth < parts.length ? 'folder' : 'file'}, or remove it, then scaffold again.`);
    }
    if (depth < parts.length && !stats.isDirectory()) throw new UnsafePathError(shown, 'is not a folder; move it away, then scaffold again.');
    if (depth === parts.length) {
      if (!stats.isFile()) throw new UnsafePathError(shown, 'is not a regular file; move it away, then scaffold again.');
      return stats;
    }
  }
  return undefined;
}

/** Creates the folders above `relative` one at a time, each checked: never through a link. */
async function makeParents(root: string, relative: string): Promise<void> {
  const parts = partsOf(relative);
  for (let depth = 1; depth < parts.length; depth++) await makeCheckedFolder(root, parts, depth);
}

/** Creates the folder `relative` and those above it, one at a time, each checked: never through a link. */
export async function makeFolders(root: string, relative: string): Promise<void> {
  const parts = partsOf(relative);
  for (let depth = 1; depth <= parts.length; depth++) await makeCheckedFolder(root, parts, depth);
}

async function makeCheckedFolder(root: string, parts: readonly string[], depth: number): Promise<void> {
  const path = join(root, ...parts.slice(0, depth));
  try {
    await mkdir(path);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
  }
  const stats = await lstat(path);
  if (stats.isSymbolicLink() || !stats.isDirectory()) {
    throw new UnsafePathError(parts.slice(0, depth).join('/'), 'is not a real folder (a symbolic link or a file), and the scaffold never writes through one.');
  }
}

/** Removes a regular file inside the project, never through a link; a missing one is fine. */
export async function removeFile(root: string, relative: string): Promise<void> {
  if ((await checkWritablePath(root, relative)) === undefined) return;
  await unlink(join(root, ...partsOf(relative))).catch((error: unknown) => {
    if (!isCode(error, 'ENOENT')) throw error;
  });
}

/** Removes an empty folder inside the project, never through a link; a missing one is fine. */
export async function removeEmptyFolder(root: string, relative: string): Promise<void> {
  const parts = partsOf(relative);
  for (let depth = 1; depth <= parts.length; depth++) {
    const stats = await lstatOrMissing(join(root, ...parts.slice(0, depth)));
    if (stats === undefined) return;
    if (stats.isSymbolicLink() || !stats.isDirectory()) throw new UnsafePathError(parts.slice(0, depth).join('/'), 'is not a real folder (a symbolic link or a file), so it was left alone.');
  }
  await rmdir(join(root, ...parts)).catch((error: unknown) => {
    if (!isCode(error, 'ENOENT')) throw error;
  });
}

/** A file as it is now: its bytes and permissions, or undefined when it does not exist. */
export interface FileNow {
  readonly bytes: Buffer;
  readonly mode: number;
}

/** Reads a file the scaffold may write, refusing links and anything but a regular file. */
export async function readWritable(root: string, relative: string): Promise<FileNow | undefined> {
  if ((await checkWritablePath(root, relative)) === undefined) return undefined;
  let handle: FileHandle;
  try {
    handle = await open(join(root, ...partsOf(relative)), constants.O_RDONLY | NO_FOLLOW | NON_BLOCKING);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw refusal(relative, error);
  }
  try {
    return await readOpen(handle, relative);
  } finally {
    await handle.close();
  }
}

async function readOpen(handle: FileHandle, relative: string): Promise<FileNow> {
  const stats = await handle.stat();
  if (!stats.isFile()) throw new UnsafePathError(relative, 'is not a regular file; move it away, then scaffold again.');
  if (stats.size > MAX_BYTES) throw new UnsafePathError(relative, `is larger than ${MAX_BYTES / 1024 / 1024} MiB, too large for a file the scaffold merges.`);
  const buffer = Buffer.alloc(stats.size);
  const { bytesRead } = await handle.read(buffer, 0, stats.size, 0);
  return { bytes: buffer.subarray(0, bytesRead), mode: stats.mode & 0o777 };
}

/**
 * Creates a new file with `bytes`, exclusively: false when a file (or a link) is there by now,
 * which the caller then treats like any existing file.
 */
export async function createFile(root: string, relative: string, bytes: Uint8Array, mode?: number): Promise<boolean> {
  await checkWritablePath(root, relative);
  await makeParents(root, relative);
  let handle: FileHandle;
  try {
    // O_EXCL fails on any existing path, a dangling link included: nothing is followed.
    handle = await open(join(root, ...partsOf(relative)), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, mode ?? 0o666);
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw refusal(relative, error);
  }
  try {
    await ensureOpenedInside(handle, root, relative, { created: true });
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Creates `base`, or `base.1`, `base.2`... whichever does not exist yet, exclusively.
 * Returns the path it created.
 */
export async function createNumbered(root: string, base: string, bytes: Uint8Array, mode?: number): Promise<string> {
  for (let n = 0; n < MAX_NUMBERED; n++) {
    const candidate = n === 0 ? base : `${base}.${n}`;
    if (await createFile(root, candidate, bytes, mode)) return candidate;
  }
  throw new UnsafePathError(base, `and ${MAX_NUMBERED - 1} numbered files next to it exist already; remove some, then scaffold again.`);
}

/** Appends `bytes` to an existing regular file, leaving its own bytes as they are. */
export async function appendToFile(root: string, relative: string, bytes: Uint8Array): Promise<void> {
  await checkWritablePath(root, relative);
  const handle = await openExisting(root, relative, constants.O_WRONLY | constants.O_APPEND);
  try {
    await ensureOpenedInside(handle, root, relative);
    if (!(await handle.stat()).isFile()) throw new UnsafePathError(relative, 'is not a regular file; move it away, then scaffold again.');
    await handle.write(bytes);
  } finally {
    await handle.close();
  }
}

/**
 * Replaces the content of an existing file with `bytes`, after copying what it holds at that
 * moment to a new backup file (`<file>.bak`, then `.bak.1`...) with the same permissions.
 * Returns the backup's path, or undefined when the file already held `bytes`.
 */
export async function replaceFile(root: string, relative: string, bytes: Uint8Array, mode?: number): Promise<string | undefined> {
  await checkWritablePath(root, relative);
  const handle = await openExisting(root, relative, constants.O_RDWR);
  try {
    await ensureOpenedInside(handle, root, relative);
    const now = await readOpen(handle, relative);
    if (now.bytes.equals(bytes)) return undefined;
    const backup = await createNumbered(root, `${relative}.bak`, now.bytes, now.mode);
    await handle.truncate(0);
    await handle.write(bytes, 0, bytes.length, 0);
    if (mode !== undefined) await handle.chmod(mode);
    return backup;
  } finally {
    await handle.close();
  }
}

/**
 * Takes read and write permission away from others (group and other users), for a file that
 * holds a secret. Returns the permissions the file has afterwards.
 */
export async function restrictToOwner(root: string, relative: string): Promise<number> {
  await checkWritablePath(root, relative);
  const handle = await openExisting(root, relative, constants.O_RDONLY | NON_BLOCKING);
  try {
    await ensureOpenedInside(handle, root, relative);
    const { mode } = await handle.stat();
    if ((mode & 0o077) !== 0) await handle.chmod(mode & 0o700).catch(() => undefined);
    return (await handle.stat()).mode & 0o777;
  } finally {
    await handle.close();
  }
}

/**
 * Fails unless the file just opened is `relative` inside the project. The folders above it were
 * checked before the open, but one can be swapped for a link in between (by the running dev
 * container, say), and O_NOFOLLOW covers the file's own name only. Linux names an open file in
 * /proc/self/fd; elsewhere the checks before the open are what there is. A file this open created
 * in the wrong place is removed again.
 */
async function ensureOpenedInside(handle: FileHandle, root: string, relative: string, { created = false } = {}): Promise<void> {
  if (process.platform !== 'linux') return;
  const opened = await readlink(`/proc/self/fd/${String(handle.fd)}`).catch(() => undefined);
  if (opened === undefined) return;
  const expected = join(await realpath(root), ...partsOf(relative));
  if (opened === expected) return;
  if (created) await unlink(opened).catch(() => undefined);
  throw new UnsafePathError(relative, 'turned out to be somewhere else when it was opened: a folder above it was replaced by a symbolic link meanwhile, and the scaffold never writes through one. Check the project folder, then scaffold again.');
}

async function openExisting(root: string, relative: string, flags: number): Promise<FileHandle> {
  try {
    return await open(join(root, ...partsOf(relative)), flags | NO_FOLLOW);
  } catch (error) {
    throw refusal(relative, error);
  }
}

/** ELOOP is what O_NOFOLLOW answers for a link that appeared since the checks. */
function refusal(relative: string, error: unknown): unknown {
  return isCode(error, 'ELOOP') ? new UnsafePathError(relative, 'is a symbolic link, and the scaffold never writes through one.') : error;
}

/**
 * Reads a project file the scaffold takes its input from. Links are followed only when the file
 * they reach is inside the project too; a file outside it is refused. Undefined when missing.
 */
export async function readInside(root: string, relative: string): Promise<Buffer | undefined> {
  const path = join(root, ...partsOf(relative));
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return undefined;
    throw error;
  }
  await requireInside(root, real, relative);
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | NON_BLOCKING);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'EISDIR')) return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    // A FIFO or a device would block or never end.
    if (!stats.isFile()) return undefined;
    return (await readOpen(handle, relative)).bytes;
  } finally {
    await handle.close();
  }
}

/** The names of the folders directly inside `relative` (not links to them); none when it is missing. */
export async function foldersInside(root: string, relative: string): Promise<string[]> {
  const path = join(root, ...partsOf(relative));
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
    throw error;
  }
  await requireInside(root, real, relative);
  try {
    return (await readdir(real, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if (isCode(error, 'ENOTDIR')) return [];
    throw error;
  }
}

async function requireInside(root: string, real: string, relative: string): Promise<void> {
  const realRoot = await realpath(root);
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    throw new UnsafePathError(relative, `is a symbolic link to ${real}, outside the project, so the scaffold stopped: it reads and writes only inside the project folder. Replace the link with a copy of the file.`);
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
