import { parseMounts, type MountEntry } from './mounts';

/** What the container says about file watching, before any probe. */
export interface ContainerWatchFacts {
  readonly mounts: readonly MountEntry[];
  /** The kernel's inotify limits per user (/proc/sys/fs/inotify), when readable. */
  readonly maxUserWatches: number | undefined;
  readonly maxUserInstances: number | undefined;
  /** Inotify instances and watches held by the container's processes that the check can see. */
  readonly instancesInUse: number | undefined;
  readonly watchesInUse: number | undefined;
  readonly hasInotifywait: boolean;
  readonly hasWatchman: boolean;
}

/**
 * Run as `sh -c FACTS_SCRIPT` in the container: prints sections that parseContainerFacts reads.
 * A fixed text with nothing interpolated; every loop is over the container's own /proc.
 */
export const FACTS_SCRIPT = [
  'echo "== mounts"; head -n 10000 /proc/mounts',
  'echo "== max_user_watches"; cat /proc/sys/fs/inotify/max_user_watches 2>/dev/null',
  'echo "== max_user_instances"; cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null',
  'instances=0; watches=0',
  'for fd in /proc/[0-9]*/fd/*; do',
  '  if [ "$(readlink "$fd" 2>/dev/null)" = "anon_inode:inotify" ]; then',
  '    instances=$((instances + 1))',
  '    n=$(grep -c "^inotify wd:" "${fd%/fd/*}/fdinfo/${fd##*/}" 2>/dev/null)',
  '    watches=$((watches + ${n:-0}))',
  '  fi',
  'done',
  'echo "== inotify_in_use"; echo "$instances $watches"',
  'echo "== tools"',
  'for tool in inotifywait watchman; do if command -v "$tool" >/dev/null 2>&1; then echo "$tool yes"; else echo "$tool no"; fi; done',
].join('\n');

export function parseContainerFacts(output: string): ContainerWatchFacts {
  const sections = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (current !== undefined) sections.set(current, lines.join('\n'));
  };
  for (const line of output.split('\n')) {
    const header = /^== (\w+)$/.exec(line.trim());
    if (header?.[1] !== undefined) {
      flush();
      current = header[1];
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  const [instances, watches] = (sections.get('inotify_in_use') ?? '').trim().split(/\s+/).map(count);
  const tools = sections.get('tools') ?? '';
  return {
    mounts: parseMounts(sections.get('mounts') ?? ''),
    maxUserWatches: count(sections.get('max_user_watches')),
    maxUserInstances: count(sections.get('max_user_instances')),
    instancesInUse: instances,
    watchesInUse: watches,
    hasInotifywait: /^inotifywait yes$/m.test(tools),
    hasWatchman: /^watchman yes$/m.test(tools),
  };
}

function count(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  return /^\d{1,12}$/.test(trimmed) ? Number(trimmed) : undefined;
}
