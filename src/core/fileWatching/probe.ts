/** What became of the probe file written on this machine, as seen from the container. */
export type ProbeOutcome =
  | { readonly kind: 'arrived'; readonly latencyMs: number }
  | { readonly kind: 'no-event'; readonly waitedMs: number }
  /** The probe's folder does not exist in the container: it does not see this project folder. */
  | { readonly kind: 'not-visible'; readonly containerPath: string }
  | { readonly kind: 'no-inotifywait' }
  | { readonly kind: 'failed'; readonly detail: string };

/** Folders where the probe goes, in order of preference: ignored by git and by Phoenix's live reload patterns. */
const PROBE_PARENTS = ['_build', 'deps', 'tmp'] as const;

/** The probe's own folder name inside the chosen parent; `nonce` keeps two checks apart. */
export function probeFolderName(nonce: string): string {
  if (!/^[a-z0-9]{4,32}$/.test(nonce)) throw new RangeError('The probe nonce must be 4 to 32 lowercase letters or digits.');
  return `.phoenix-file-watch-${nonce}`;
}

/**
 * The probe file's name, with a random part of its own chosen only when it is written: were the
 * folder swapped for a link by the container before the file is removed, no file of that name
 * would exist wherever the link points.
 */
export function probeFileName(nonce: string): string {
  if (!/^[a-z0-9]{4,32}$/.test(nonce)) throw new RangeError('The probe nonce must be 4 to 32 lowercase letters or digits.');
  return `probe-${nonce}`;
}

/**
 * The folder (relative to the project root) the probe goes in: the first of _build, deps and tmp
 * that the container does not keep in a volume of its own (a write here would never reach it),
 * preferring one that .gitignore ignores, so git and the editor's source control do not see it.
 */
export function chooseProbeParent(gitignore: string | undefined, volumeFolders: readonly string[]): { readonly folder: string; readonly ignoredByGit: boolean } {
  const shared = PROBE_PARENTS.filter((folder) => !volumeFolders.includes(folder));
  const ignored = shared.find((folder) => ignoresFolder(gitignore ?? '', folder));
  if (ignored !== undefined) return { folder: ignored, ignoredByGit: true };
  return { folder: shared[0] ?? 'tmp', ignoredByGit: false };
}

/** Whether a .gitignore line ignores `folder` at the project root (`/_build/`, `_build`, `/_build`, `_build/`). */
function ignoresFolder(gitignore: string, folder: string): boolean {
  return gitignore.split('\n', 10_000).some((line) => {
    const rule = line.trim();
    return rule === folder || rule === `/${folder}` || rule === `${folder}/` || rule === `/${folder}/`;
  });
}

/**
 * inotifywait waits in the container's `folder` for the probe, as phoenix_live_reload's file_system
 * does on Linux: one event, then it exits (0), or after `seconds` without one (2).
 */
export function probeWatchArgv(folder: string, seconds: number): string[] {
  return ['inotifywait', '-e', 'create', '-e', 'close_write', '-e', 'moved_to', '-t', String(seconds), '--format', '%e %f', folder];
}

/** inotifywait's line once it listens: the probe file may be written. */
export function watchesEstablished(line: string): boolean {
  return line.startsWith('Watches established');
}

/** Whether inotifywait's line reports the probe file `name` (`CREATE probe-…`, `CLOSE_WRITE,CLOSE probe-…`). */
export function isProbeEvent(line: string, name: string): boolean {
  const match = /^[A-Z_,]+ (.*)$/.exec(line.trim());
  return match?.[1] === name;
}

/** inotifywait's words when the folder is missing: the container does not see this project folder. */
export function folderMissing(output: string): boolean {
  return /No such file or directory/.test(output);
}

/** The container path of the project's `relative` folder. */
export function containerPath(projectDir: string, relative: string): string {
  return `${projectDir.replace(/\/+$/, '')}/${relative}`;
}
