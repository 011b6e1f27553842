import type { NodeMode } from '../nodeProbe';
import { LABELS } from '../contract';
import { beamFlags, releaseIn, type PartialRelease } from './release';
import { basename, commandWords, expand, isOperator, variables, type Word } from './shellWords';

/** What `docker inspect` says about a container, plus what the caller may read inside it. */
export interface ContainerFacts {
  /** Config.Labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Config.Entrypoint and Config.Cmd (or Path and Args): Docker runs them as one argv. */
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** Config.Env, as "KEY=value" strings. */
  readonly env: readonly string[];
  /** Config.Hostname: completes a node name without a host part, as Erlang does. */
  readonly hostname: string;
  /** Config.WorkingDir, against which a relative release path resolves; Docker's default is "/". */
  readonly workingDir?: string;
  /** The contents of the release's `releases/COOKIE`, when read (the release root comes from a first discovery). */
  readonly releaseCookie?: string;
  /**
   * Last resort: the running beam.smp's argv, element by element (e.g. /proc/PID/cmdline split at
   * NUL; a space-joined `ps` line loses the bounds of a cookie that contains spaces).
   */
  readonly beamArgs?: readonly string[];
}

export type NodeDiscovery =
  | {
      readonly kind: 'found';
      /**
       * The full node name, `name@host`. A long name stays bare when the hostname has no dot:
       * Erlang completes it with a fully qualified name that only the container's resolver knows.
       */
      readonly node: string;
      readonly mode: NodeMode;
      readonly cookie: CookieSource;
      /** Set when the node is a Mix release: attach through its own `remote` command. */
      readonly release: ReleaseInfo | undefined;
      readonly source: 'labels' | 'command' | 'environment' | 'process';
    }
  /** No node to attach to; the advice says what to change, in the user's words. */
  | { readonly kind: 'not-distributed'; readonly advice: string };

/** `home-file`: the node reads the container user's ~/.erlang.cookie. */
export type CookieSource = { readonly kind: 'value'; readonly value: string } | { readonly kind: 'home-file' } | { readonly kind: 'unknown' };

/** A Mix release: its script is `<root>/bin/<name>`. */
export interface ReleaseInfo {
  readonly name: string;
  readonly root: string;
}

type Source = Extract<NodeDiscovery, { kind: 'found' }>['source'];

interface Named {
  readonly name: string;
  readonly mode: NodeMode;
  readonly source: Source;
}

interface CommandFlags {
  /** `value` is undefined when it refers to something only the running container knows, e.g. `$(hostname -i)`. */
  readonly name: { readonly mode: NodeMode; readonly value: string | undefined; readonly text: string } | undefined;
  readonly cookie: { readonly value: string | undefined } | undefined;
}

const NAME_FLAGS: ReadonlyMap<string, NodeMode> = new Map([
  ['--sname', 'sname'],
  ['-sname', 'sname'],
  ['--name', 'name'],
  ['-name', 'name'],
]);
const COOKIE_FLAGS: ReadonlySet<string> = new Set(['--cookie', '-setcookie']);
/** The programs whose node flags name a node: a `--name` of another program (postgres) does not. */
const ERLANG_PROGRAMS: ReadonlySet<string> = new Set(['elixir', 'iex', 'erl', 'mix']);

/**
 * Finds the Erlang node a container runs, and its cookie. The name comes from the first source
 * that has one: the extension's labels, the command (`--sname`/`--name`, also inside `sh -c`),
 * a release's environment (RELEASE_NODE, RELEASE_DISTRIBUTION), then the running beam.smp's argv.
 * The cookie may come from a later source than the name.
 */
export function discoverNode(facts: ContainerFacts): NodeDiscovery {
  const words = commandWords([...facts.entrypoint, ...facts.cmd], false, 0);
  const vars = variables(facts.env, words);
  const values = words.map((word) => (word.shell ? expand(word.text, vars) : word.text));
  const flags = commandFlags(values, words);
  const beam = facts.beamArgs === undefined ? undefined : beamFlags(facts.beamArgs);
  const commandRelease = releaseIn(values, facts.workingDir ?? '/');
  // RELEASE_NODE or RELEASE_DISTRIBUTION in the environment: a release, maybe started by a script of the image's own.
  const isRelease = commandRelease !== undefined || beam?.release !== undefined || vars.has('RELEASE_NODE') || vars.has('RELEASE_DISTRIBUTION');
  const distribution = vars.get('RELEASE_DISTRIBUTION') ?? 'sname';

  const named = fromLabels(facts.labels)
    ?? (flags.name?.value === undefined ? undefined : { name: flags.name.value, mode: flags.name.mode, source: 'command' as const })
    ?? (isRelease ? fromRelease(vars, distribution, commandRelease) : undefined)
    ?? (beam?.name === undefined ? undefined : { ...beam.name, source: 'process' as const });
  if (named === undefined) {
    return { kind: 'not-distributed', advice: advice(flags, isRelease, distribution, values, facts.beamArgs !== undefined) };
  }

  const node = completeNode(named.name, named.mode, facts.hostname);
  const release = commandRelease ?? beam?.release;
  return {
    kind: 'found',
    node,
    mode: named.mode,
    cookie: cookieOf(flags, vars, isRelease, facts.releaseCookie, beam?.cookie),
    // RELEASE_NODE defaults to the release's name, so a wrapper's release is named after its node.
    release: release && { name: release.name ?? nodeNamePart(node), root: release.root },
    source: named.source,
  };
}

function fromLabels(labels: Readonly<Record<string, string>>): Named | undefined {
  const name = labels[LABELS.nodeName];
  if (name === undefined || name === '') return undefined;
  const label = labels[LABELS.nodeMode];
  // Same rule as the generated entrypoint: a host part with a dot needs a long name.
  const mode = label === 'sname' || label === 'name' ? label : /@.*\./.test(name) ? 'name' : 'sname';
  return { name, mode, source: 'labels' };
}

/** The node a release script starts: RELEASE_NODE, which defaults to RELEASE_NAME, then the script's name. */
function fromRelease(vars: ReadonlyMap<string, string>, distribution: string, release: PartialRelease | undefined): Named | undefined {
  if (distribution !== 'sname' && distribution !== 'name') return undefined;
  const name = vars.get('RELEASE_NODE') ?? vars.get('RELEASE_NAME') ?? release?.name;
  return name === undefined ? undefined : { name, mode: distribution, source: 'environment' };
}

/**
 * Adds the host part Erlang would: a short name takes the host name up to its first dot. A long
 * name takes the fully qualified host name, which is Config.Hostname only when that has a dot;
 * otherwise it comes from the container's resolver, so the name stays bare and an attaching node
 * inside the container, also bare, gets the same host part from Erlang.
 */
function completeNode(name: string, mode: NodeMode, hostname: string): string {
  if (name.includes('@') || hostname === '') return name;
  if (mode === 'sname') return `${name}@${hostname.split('.')[0] ?? hostname}`;
  return hostname.includes('.') ? `${name}@${hostname}` : name;
}

function nodeNamePart(node: string): string {
  const at = node.indexOf('@');
  return at === -1 ? node : node.slice(0, at);
}

function cookieOf(flags: CommandFlags, vars: ReadonlyMap<string, string>, isRelease: boolean, releaseCookie: string | undefined, beamCookie: string | undefined): CookieSource {
  const value = (cookie: string): CookieSource => ({ kind: 'value', value: cookie });
  // The command's own cookie is the one the node uses; if it cannot be read, only the process tells.
  if (flags.cookie !== undefined) {
    const cookie = flags.cookie.value ?? beamCookie;
    return cookie === undefined ? { kind: 'unknown' } : value(cookie);
  }
  if (isRelease) {
    // The release script's order: RELEASE_COOKIE, then releases/COOKIE (read with `$(cat ...)`, which drops trailing newlines).
    const fromFile = releaseCookie?.replace(/\n+$/, '');
    const cookie = vars.get('RELEASE_COOKIE') ?? (fromFile === '' ? undefined : fromFile) ?? beamCookie;
    return cookie === undefined ? { kind: 'unknown' } : value(cookie);
  }
  // ERLANG_COOKIE is the generated entrypoint's: it writes it to ~/.erlang.cookie, where the node reads it.
  const cookie = vars.get('ERLANG_COOKIE') ?? beamCookie;
  return cookie === undefined ? { kind: 'home-file' } : value(cookie);
}

function advice(flags: CommandFlags, isRelease: boolean, distribution: string, values: readonly (string | undefined)[], sawProcesses: boolean): string {
  if (flags.name !== undefined) {
    return `The container's command names its node "${flags.name.text}", which is only known inside the running container${sawProcesses ? ', and its processes do not show it' : ''}. Give the node a fixed name, such as --${flags.name.mode} app, then restart the container.`;
  }
  if (isRelease && distribution === 'none') {
    return 'The release runs with RELEASE_DISTRIBUTION=none, so it is not a distributed node. Set RELEASE_DISTRIBUTION=sname in the container\'s environment (or in rel/env.sh.eex), then restart the container.';
  }
  if (isRelease && distribution !== 'sname' && distribution !== 'name') {
    return `RELEASE_DISTRIBUTION is "${distribution}", but a release accepts only sname, name or none. Set RELEASE_DISTRIBUTION=sname in the container's environment, then restart the container.`;
  }
  if (isRelease) {
    return 'The container runs a release whose node name could not be read. Set RELEASE_NODE (for example RELEASE_NODE=app) in the container\'s environment, then restart the container.';
  }
  // The last mix in a script is the one left running (`mix ecto.migrate && mix phx.server`).
  let mix = values.length - 1;
  while (mix >= 0 && basename(values[mix] ?? '') !== 'mix') mix--;
  if (mix !== -1) {
    const end = values.findIndex((value, index) => index > mix && (value === undefined || isOperator(value)));
    const task = values.slice(mix, end === -1 ? undefined : end).join(' ');
    const before = values[mix - 2];
    const program = values[mix - 1] === '-S' && before !== undefined && basename(before) === 'iex' ? 'iex' : 'elixir';
    return `The container runs "${task}" without a node name, so no shell can attach to it. Run it as "${program} --sname app -S ${task}" instead, then restart the container.`;
  }
  return 'The container\'s command starts no distributed Erlang node (no --sname or --name), so no shell can attach to it. For a Phoenix server, run "elixir --sname app -S mix phx.server"; for a release, keep RELEASE_DISTRIBUTION at sname or name.';
}

/** The first node flag after an Erlang program names the node (none when what follows is another flag); a cookie flag anywhere gives the cookie. */
function commandFlags(values: readonly (string | undefined)[], words: readonly Word[]): CommandFlags {
  let name: CommandFlags['name'];
  let named = false;
  let cookie: CommandFlags['cookie'];
  let program = false;
  for (const [i, flag] of values.entries()) {
    program ||= flag !== undefined && ERLANG_PROGRAMS.has(basename(flag));
    const text = words[i + 1]?.text;
    if (flag === undefined || text === undefined) continue;
    const value = values[i + 1];
    const mode = NAME_FLAGS.get(flag);
    if (mode !== undefined && program && !named) {
      named = true;
      if (!text.startsWith('-')) name = { mode, value, text };
    }
    // erl ignores a -setcookie value that starts with "-": the node then reads ~/.erlang.cookie.
    if (COOKIE_FLAGS.has(flag) && cookie === undefined && !(value ?? '').startsWith('-')) cookie = { value };
  }
  return { name, cookie };
}

/**
 * The node the view shows for a container as Docker lists it (its labels, its command as one
 * line, no environment or hostname): what discoverNode finds in that much, so the view and
 * Attach never disagree. Bare when the name has no host part.
 */
export function erlangNodeName(container: { readonly labels: Readonly<Record<string, string>>; readonly command?: string | undefined }): string | undefined {
  const cmd = (container.command ?? '').split(/\s+/).filter((word) => word !== '');
  const discovery = discoverNode({ labels: container.labels, entrypoint: [], cmd, env: [], hostname: '' });
  return discovery.kind === 'found' ? discovery.node : undefined;
}
