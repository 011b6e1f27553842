/** A line of /proc/mounts. */
export interface MountEntry {
  readonly source: string;
  readonly mountPoint: string;
  readonly fsType: string;
}

/**
 * How file change events made on this machine reach a folder of the container:
 * - `native`: the same kernel sees the write (a Linux bind mount, a named volume): inotify events arrive;
 * - `vm-share`: Docker Desktop's share from the host into its VM (VirtioFS, gRPC FUSE, osxfs): events are forwarded, sometimes late or not at all;
 * - `no-events`: a network or 9P file system (WSL2's Windows drives, NFS, SMB): writes from the other side raise no event;
 * - `not-shared`: the folder is part of the container's own file system, a copy: edits here never reach it.
 */
export type MountKind = 'native' | 'vm-share' | 'no-events' | 'not-shared';

/** More lines than any container's mount table; the rest is not read. */
const MAX_MOUNT_LINES = 10_000;

const VM_SHARES = new Set(['virtiofs', 'fakeowner', 'fuse.grpcfuse', 'grpcfuse', 'osxfs', 'fuse.osxfs']);
const NO_EVENTS = new Set(['9p', 'drvfs', 'nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'fuse.sshfs', 'sshfs', 'vboxsf', 'prl_fs', 'fuse.vmhgfs-fuse', 'vmhgfs']);
/** File systems a container's own root is made of. */
const CONTAINER_ROOTS = new Set(['overlay', 'aufs', 'vfs', 'fuse-overlayfs', 'fuse.fuse-overlayfs']);

export function parseMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n', MAX_MOUNT_LINES)) {
    const [source, mountPoint, fsType] = line.trim().split(/\s+/);
    if (source === undefined || mountPoint === undefined || fsType === undefined || !mountPoint.startsWith('/')) continue;
    entries.push({ source: unescapeMountField(source), mountPoint: unescapeMountField(mountPoint), fsType });
  }
  return entries;
}

/** /proc/mounts writes a space, tab, newline and backslash in a path as an octal escape. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** The mount that holds `path`: the deepest mount point above it, the last mounted when two share one. */
export function mountOf(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const entry of mounts) {
    const point = entry.mountPoint;
    const holds = point === '/' || path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (holds && (found === undefined || point.length >= found.mountPoint.length)) found = entry;
  }
  return found;
}

export function classifyMount(entry: MountEntry | undefined): MountKind {
  if (entry === undefined) return 'not-shared';
  if (VM_SHARES.has(entry.fsType)) return 'vm-share';
  if (NO_EVENTS.has(entry.fsType)) return 'no-events';
  if (entry.mountPoint === '/' || CONTAINER_ROOTS.has(entry.fsType)) return 'not-shared';
  return 'native';
}

/**
 * The kind of mount a dev container's bind mount of this machine's project gets, known before any
 * container runs: Docker Desktop's VM share on macOS and Windows, a file system without events
 * when `fileEventsUnreliable` (a Windows drive seen from WSL2), else the same kernel's.
 */
export function expectedMountKind(platform: NodeJS.Platform, fileEventsUnreliable = false): MountKind {
  if (fileEventsUnreliable) return 'no-events';
  return platform === 'darwin' || platform === 'win32' ? 'vm-share' : 'native';
}

/** Whether `path` is a Windows drive seen from WSL (`/mnt/c/...`), whose writes from Windows raise no inotify event in Linux. */
export function onWindowsDriveFromWsl(path: string, procVersion: string | undefined): boolean {
  return /microsoft|WSL/i.test(procVersion ?? '') && /^\/mnt\/[a-zA-Z](\/|$)/.test(path);
}
