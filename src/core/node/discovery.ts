import type { NodeMode } from '../nodeProbe';
import { LABELS } from '../contract';

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

/** A word of the container's command; `shell` when it went through a shell, so `$VAR` expands. */
interface Word {
  readonly text: string;
  readonly shell: boolean;
}

interface CommandFlags {
  /** `value` is undefined when it refers to something only the running container knows, e.g. `$(hostname -i)`. */
  readonly name: { readonly mode: NodeMode; readonly value: string | undefined; readonly text: string } | undefined;
  readonly cookie: { readonly value: string | undefined } | undefined;
}

interface BeamFlags {
  readonly name: { readonly name: string; readonly mode: NodeMode } | undefined;
  readonly cookie: string | undefined;
  readonly release: PartialRelease | undefined;
}

interface PartialRelease {
  readonly root: string;
  /** Unknown for a wrapper such as phx.gen.release's bin/server. */
  readonly name: string | undefined;
}

const NAME_FLAGS: ReadonlyMap<string, NodeMode> = new Map([
  ['--sname', 'sname'],
  ['-sname', 'sname'],
  ['--name', 'name'],
  ['-name', 'name'],
]);
const COOKIE_FLAGS: ReadonlySet<string> = new Set(['--cookie', '-setcookie']);
/** The release script's commands that start the node (the others attach to it or run once). */
const RELEASE_STARTS: ReadonlySet<string> = new Set(['start', 'start_iex', 'daemon', 'daemon_iex']);
const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);
const OPERATOR_CHARS = '|&;<>()';

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

/** The command's words, with the script of each `sh -c '...'` split into words of its own. */
function commandWords(argv: readonly string[], shell: boolean, depth: number): Word[] {
  const words: Word[] = [];
  for (let i = 0; i < argv.length; i++) {
    const text = argv[i] ?? '';
    words.push({ text, shell });
    if (!SHELLS.has(basename(text)) || depth > 2) continue;
    // Options up to the script: -c, -ec, -lc...
    let script = i + 1;
    let runsScript = false;
    while (script < argv.length && (argv[script] ?? '').startsWith('-')) {
      runsScript ||= /^-[a-z]*c[a-z]*$/.test(argv[script] ?? '');
      script++;
    }
    const body = argv[script];
    if (!runsScript || body === undefined) continue;
    for (let option = i + 1; option < script; option++) words.push({ text: argv[option] ?? '', shell });
    // One by one: spreading a script of many words as arguments would overflow the call stack.
    for (const word of commandWords(splitShellWords(body), true, depth + 1)) words.push(word);
    i = script;
  }
  return words;
}

/** Config.Env, then the assignments in the command (`RELEASE_NODE=x exec bin/app start`, `env X=y`). */
function variables(env: readonly string[], words: readonly Word[]): Map<string, string> {
  const vars = new Map<string, string>();
  const assign = (name: string, value: string | undefined): void => {
    // An empty value counts as unset, as `${VAR:-...}` in the release script and the entrypoint treat it.
    if (value === undefined || value === '') vars.delete(name);
    else vars.set(name, value);
  };
  for (const line of env) {
    const eq = line.indexOf('=');
    if (eq > 0) assign(line.slice(0, eq), line.slice(eq + 1));
  }
  for (const word of words) {
    const assignment = /^([A-Za-z_]\w*)=/.exec(word.text);
    if (assignment?.[1] === undefined) continue;
    const value = word.text.slice(assignment[0].length);
    assign(assignment[1], word.shell ? expand(value, vars) : value);
  }
  return vars;
}

/** Expands `$VAR`, `${VAR}` and `${VAR:-default}`; undefined when the text needs more (`$(...)`, an unset variable). */
function expand(text: string, vars: ReadonlyMap<string, string>): string | undefined {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (char === '`') return undefined;
    if (char !== '$') {
      out += char;
      i++;
      continue;
    }
    const rest = text.slice(i + 1);
    const braced = /^\{([A-Za-z_]\w*)(?:(:?-)([^}]*))?\}/.exec(rest);
    const plain = /^[A-Za-z_]\w*/.exec(rest);
    if (braced?.[1] !== undefined) {
      const value = vars.get(braced[1]);
      const expanded = value === undefined && braced[2] !== undefined ? expand(braced[3] ?? '', vars) : value;
      if (expanded === undefined) return undefined;
      out += expanded;
      i += 1 + braced[0].length;
    } else if (plain !== null) {
      const value = vars.get(plain[0]);
      if (value === undefined) return undefined;
      out += value;
      i += 1 + plain[0].length;
    } else if (!/^[\w{(@*#?$!-]/.test(rest)) {
      // A `$` that starts no expansion stays as it is.
      out += '$';
      i++;
    } else {
      return undefined;
    }
  }
  return out;
}

function commandFlags(values: readonly (string | undefined)[], words: readonly Word[]): CommandFlags {
  let name: CommandFlags['name'];
  let cookie: CommandFlags['cookie'];
  for (const [i, flag] of values.entries()) {
    const text = words[i + 1]?.text;
    if (flag === undefined || text === undefined) continue;
    const value = values[i + 1];
    const mode = NAME_FLAGS.get(flag);
    if (mode !== undefined && name === undefined) name = { mode, value, text };
    // erl ignores a -setcookie value that starts with "-": the node then reads ~/.erlang.cookie.
    if (COOKIE_FLAGS.has(flag) && cookie === undefined && !(value ?? '').startsWith('-')) cookie = { value };
  }
  return { name, cookie };
}

/** The node name, cookie and release root in beam.smp's argv, up to `-extra`, after which come the program's own arguments. */
function beamFlags(args: readonly string[]): BeamFlags {
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
function releaseIn(values: readonly (string | undefined)[], workingDir: string): PartialRelease | undefined {
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

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function isOperator(word: string): boolean {
  return /^[|&;<>()]+$/.test(word);
}

/**
 * Splits a `sh -c` command string into words the way the shell would for simple cases (quotes,
 * no expansion); used to look inside `sh -c "..."` commands. Quotes are removed; `$(...)`,
 * backquotes and `${...}` stay whole inside their word; control operators and redirections
 * (`&&`, `;`, `|`, `>`) come out as words of their own; a `#` comment is dropped. The quoting of
 * `$` is lost, so a `'$VAR'` later expands like `$VAR`.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word may be empty (`''`), so whether one has started is tracked apart from its text.
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (/\s/.test(char)) {
      endWord();
      i++;
    } else if (char === '#' && !inWord) {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? text.length : newline;
    } else if (OPERATOR_CHARS.includes(char)) {
      endWord();
      let end = i;
      while (end < text.length && OPERATOR_CHARS.includes(text.charAt(end))) end++;
      words.push(text.slice(i, end));
      i = end;
    } else if (char === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close === -1 ? text.length : close;
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (char === '"') {
      inWord = true;
      i++;
      while (i < text.length && text.charAt(i) !== '"') {
        const inner = text.charAt(i);
        const next = text.charAt(i + 1);
        if (inner === '\\' && next !== '' && '$`"\\\n'.includes(next)) {
          if (next !== '\n') word += next;
          i += 2;
        } else if ((inner === '$' && (next === '(' || next === '{')) || inner === '`') {
          const end = substitutionEnd(text, i);
          word += text.slice(i, end);
          i = end;
        } else {
          word += inner;
          i++;
        }
      }
      i++;
    } else if (char === '\\') {
      const next = text.charAt(i + 1);
      // A backslash before a newline joins the lines.
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else if ((char === '$' && (text.charAt(i + 1) === '(' || text.charAt(i + 1) === '{')) || char === '`') {
      const end = substitutionEnd(text, i);
      word += text.slice(i, end);
      inWord = true;
      i = end;
    } else {
      word += char;
      inWord = true;
      i++;
    }
  }
  endWord();
  return words;
}

/** Where a `$(...)`, `${...}` or backquoted substitution starting at `start` ends (quotes inside it included). */
function substitutionEnd(text: string, start: number): number {
  if (text.charAt(start) === '`') {
    const close = text.indexOf('`', start + 1);
    return close === -1 ? text.length : close + 1;
  }
  const open = text.charAt(start + 1);
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '\\') {
      i++;
    } else if (char === "'" && open === '(') {
      const quote = text.indexOf("'", i + 1);
      if (quote === -1) return text.length;
      i = quote;
    } else if (char === '"') {
      i++;
      while (i < text.length && text.charAt(i) !== '"') i += text.charAt(i) === '\\' ? 2 : 1;
    } else if (char === open) {
      depth++;
    } else if (char === close && --depth === 0) {
      return i + 1;
    }
  }
  return text.length;
}
