/*
 * Where the project is inside the container (`/app`, or the adopted service's mount) and on this
 * machine, and paths translated between the two. Container paths are POSIX; the workspace's use
 * this machine's separator.
 */

export interface ProjectPaths {
  /** The project root in the container, absolute, without a trailing slash. */
  readonly container: string;
  /** The project root on this machine, absolute. */
  readonly workspace: string;
}

/** A bind mount as the engine reports it. */
export interface Mount {
  readonly type: string;
  readonly source: string;
  readonly destination: string;
}

/**
 * The project root in the container: the destination of the bind mount of the workspace folder
 * (or of a folder above it), else the container's working directory.
 */
export function containerProjectRoot(workspace: string, mounts: readonly Mount[], workingDir: string): string {
  return mountedProjectRoot(workspace, mounts) ?? trimSlash(workingDir === '' ? '/app' : workingDir);
}

/**
 * Where the bind mount of the workspace folder (or of a folder above it) puts the project in the
 * container; undefined when no bind mount holds it.
 */
export function mountedProjectRoot(workspace: string, mounts: readonly Mount[]): string | undefined {
  const host = normalizeHost(workspace);
  for (const mount of mounts) {
    if (mount.type !== 'bind') continue;
    const source = normalizeHost(mount.source);
    if (host === source) return trimSlash(mount.destination);
    if (host.startsWith(`${source}/`)) return `${trimSlash(mount.destination)}/${host.slice(source.length + 1)}`;
  }
  return undefined;
}

/** The workspace file for a container path under the project root; undefined for one outside it. */
export function toWorkspacePath(paths: ProjectPaths, containerPath: string): string | undefined {
  const relative = relativeTo(paths.container, containerPath);
  if (relative === undefined) return undefined;
  const separator = paths.workspace.includes('\\') && !paths.workspace.includes('/') ? '\\' : '/';
  if (relative === '') return paths.workspace;
  return `${paths.workspace.replace(/[\\/]+$/, '')}${separator}${relative.split('/').join(separator)}`;
}

/** `path` relative to `root` (POSIX separators), '' for the root itself; undefined when outside, or when it climbs with `..`. */
export function relativeTo(root: string, path: string): string | undefined {
  const base = trimSlash(root);
  if (path === base) return '';
  if (!path.startsWith(`${base}/`) && base !== '') return undefined;
  const relative = path.slice(base.length + 1);
  return relative.split('/').some((part) => part === '..') ? undefined : relative;
}

/**
 * Replaces each container path under the project root in a line of output by the workspace
 * path, so that the editor's links and problem matchers find the file. A path starts the line or
 * follows a delimiter: the root's text inside another path (`/srv/app/…` for `/app`) is left alone.
 */
export function workspacePathsInLine(paths: ProjectPaths, line: string): string {
  const root = trimSlash(paths.container);
  if (root === '' || !line.includes(root)) return line;
  const pattern = new RegExp(`(?<=^|[\\s:"'()\\[\\]{}<>,=])${escapeRegExp(root)}(/[^\\s:"'()\\[\\]{}<>,]*)?(?=$|[\\s:"'()\\[\\]{}<>,])`, 'g');
  return line.replace(pattern, (whole, rest: string | undefined) => toWorkspacePath(paths, root + (rest ?? '')) ?? whole);
}

/** A Windows path as `c:/x/y` (VS Code and compose spell the drive letter differently), a POSIX one as it is, without a trailing separator. */
function normalizeHost(path: string): string {
  return trimSlash(path.replace(/\\/g, '/').replace(/^[A-Z]:/, (drive) => drive.toLowerCase()));
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
