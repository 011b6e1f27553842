import type { Argv } from '../compose';
import type { CookieSource, NodeDiscovery, ReleaseInfo } from './discovery';

export type { Argv };

type FoundNode = NodeDiscovery & { kind: 'found' };

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** A program to run in a terminal, and environment variables only it receives. */
export interface AttachCommand extends Argv {
  readonly env: Readonly<Record<string, string>>;
}

/** Carries the cookie from this machine into the container without putting it on any command line. */
export const ATTACH_COOKIE_VARIABLE = 'PHOENIX_IEX_COOKIE';

/**
 * A remote IEx shell started inside the node's container, which works wherever Docker runs
 * (container IPs are unreachable from a Docker Desktop host): `docker exec -it <container> iex
 * --sname|--name <unique> --cookie <cookie> --remsh <node>`. The cookie travels in the
 * environment (`docker exec -e NAME` copies the variable from docker's own environment) and a
 * fixed `sh -c` line hands it to iex, so it is in neither the host's process list nor the
 * engine's event log. A release attaches with its own `<root>/bin/<name> remote`, since its image
 * has no iex; that script finds the cookie itself. Without a known cookie value, iex reads the
 * container user's ~/.erlang.cookie, as a node started without one does.
 */
export function containerAttachArgv(input: { readonly docker: string; readonly container: string; readonly node: FoundNode; readonly uniqueName: string }): AttachCommand {
  const { node } = input;
  if (node.release !== undefined) {
    return { command: input.docker, args: ['exec', '-it', input.container, releaseScript(node.release), 'remote'], env: {} };
  }
  const shell = remoteShellArgs(node.mode, ownName(node, input.uniqueName), { kind: 'unknown' }, node.node);
  const cookie = cookieArgs(node.cookie)[1];
  if (cookie === undefined) return { command: input.docker, args: ['exec', '-it', input.container, 'iex', ...shell], env: {} };
  return {
    command: input.docker,
    args: ['exec', '-it', '-e', ATTACH_COOKIE_VARIABLE, input.container, 'sh', '-c', `exec iex "$@" --cookie "$${ATTACH_COOKIE_VARIABLE}"`, 'iex', ...shell],
    env: { [ATTACH_COOKIE_VARIABLE]: cookie },
  };
}

/**
 * A remote IEx shell started on this machine, reaching the node at its container's IP address:
 * `iex --name <unique>@<hostAddress> --cookie <cookie> --remsh <node>`. Undefined when that is
 * impossible: a short-name node (short and long names cannot connect), a host part that is not an
 * IPv4 address, or a cookie that only a file in the container holds.
 */
export function hostAttachArgv(input: { readonly iex: string; readonly node: FoundNode; readonly hostAddress: string; readonly uniqueName: string }): Argv | undefined {
  const { node } = input;
  const host = node.node.slice(node.node.indexOf('@') + 1);
  const cookie = cookieArgs(node.cookie);
  if (node.mode !== 'name' || !node.node.includes('@') || !IPV4.test(host) || !IPV4.test(input.hostAddress) || cookie.length === 0) return undefined;
  return { command: input.iex, args: remoteShellArgs('name', `${input.uniqueName}@${input.hostAddress}`, node.cookie, node.node) };
}

/** A unique, valid node name part for the attaching shell, e.g. `iex_1f2e3d4c` from random hex digits. */
export function attachingNodeName(randomHex: string): string {
  if (!/^[0-9a-f]+$/i.test(randomHex)) throw new RangeError('attachingNodeName needs hexadecimal digits.');
  return `iex_${randomHex}`;
}

/** The terminal's name, which shows the node and never the cookie. */
export function terminalName(node: string): string {
  return `IEx: ${node}`;
}

/** --hidden, like a release's `remote`: the shell stays out of the node's Node.list() and its cluster. */
function remoteShellArgs(mode: FoundNode['mode'], self: string, cookie: CookieSource, node: string): string[] {
  return ['--hidden', `--${mode}`, self, ...cookieArgs(cookie), '--remsh', node];
}

/**
 * The shell's own name in the node's mode. A short name gets the container's host name from
 * Erlang. A long name takes the node's host part, or stays bare like a bare node, so that Erlang
 * gives both the same fully qualified host name.
 */
function ownName(node: FoundNode, uniqueName: string): string {
  const at = node.node.indexOf('@');
  return node.mode === 'name' && at !== -1 ? `${uniqueName}${node.node.slice(at)}` : uniqueName;
}

/** erl ignores a -setcookie value that starts with "-", so such a cookie can only come from ~/.erlang.cookie. */
function cookieArgs(cookie: CookieSource): string[] {
  return cookie.kind === 'value' && !cookie.value.startsWith('-') ? ['--cookie', cookie.value] : [];
}

function releaseScript(release: ReleaseInfo): string {
  return `${release.root.replace(/\/+$/, '')}/bin/${release.name}`;
}
