import type { NodeMode } from '../nodeProbe';

/** A Mix release found in a container's command or its VM's arguments. */
export interface PartialRelease {
  readonly root: string;
  /** Unknown for a wrapper such as phx.gen.release's bin/server. */
  readonly name: string | undefined;
}

/** What the running beam.smp's argv says. */
export interface BeamFlags {
  readonly name: { readonly name: string; readonly mode: NodeMode } | undefined;
  readonly cookie: string | undefined;
  readonly release: PartialRelease | undefined;
}

/** The release script's commands that start the node (the others attach to it or run once). */
const RELEASE_STARTS: ReadonlySet<string> = new Set(['start', 'start_iex', 'daemon', 'daemon_iex']);

/** The node name, cookie and release root in beam.smp's argv, up to `-extra`, after which come the program's own arguments. */
export function beamFlags(args: readonly string[]): BeamFlags {
  const extra = args.indexOf('-extra');
  const erlangArgs = extra === -1 ? args : args.slice(0, extra);
  const after = (flag: string): string | undefined => {
    const index = erlangArgs.indexOf(flag);
    return index === -1 ? undefined : erlangArgs[index + 1];
  };
  const sname = after('-sname');
  const longName = after('-name');
  const cookie = after('-setcookie');
  const root = after('-root');
  const boot = after('-boot');
  return {
    name: sname !== undefined ? { name: sname, mode: 'sname' } : longName !== undefined ? { name: longName, mode: 'name' } : undefined,
    cookie: cookie?.startsWith('-') === false ? cookie : undefined,
    // A release boots from its own releases/ folder; plain elixir's root is the Erlang installation.
    release: root !== undefined && boot?.startsWith(`${root.replace(/\/$/, '')}/releases/`) === true ? { root: resolvePath(root), name: undefined } : undefined,
  };
}

/** A release script in the command: `<root>/bin/<name> start`, or phx.gen.release's `<root>/bin/server`. */
export function releaseIn(values: readonly (string | undefined)[], workingDir: string): PartialRelease | undefined {
  for (const [i, value] of values.entries()) {
    const script = value === undefined ? null : /^(?:(.*)\/)?bin\/([^/]+)$/.exec(value);
    const name = script?.[2];
    if (script === null || name === undefined) continue;
    const command = values[i + 1];
    const starts = command !== undefined && RELEASE_STARTS.has(command);
    if (!starts && name !== 'server') continue;
    const dir = script[1] ?? '.';
    return { root: resolvePath(dir.startsWith('/') || dir === '' ? `/${dir}` : `${workingDir}/${dir}`), name: starts ? name : undefined };
  }
  return undefined;
}

function resolvePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return `/${parts.join('/')}`;
}
