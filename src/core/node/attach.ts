import type { Argv } from '../compose';
import type { NodeDiscovery, ReleaseInfo } from './discovery';
import { SESSION_VARIABLE } from './session';
import { LOOPBACK_DISTRIBUTION, PRIVATE_COOKIE_VARIABLE, cookieValue, cookieVariablesEmptied, privateCookieShellArgs } from './ownVm';

type FoundNode = NodeDiscovery & { kind: 'found' };

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** A program to run in a terminal, and environment variables only it receives. */
export interface AttachCommand extends Argv {
  readonly env: Readonly<Record<string, string>>;
}


/** Where Attach Remote IEx runs the shell: `docker exec` into the container, or iex on this machine. */
export type AttachPlace = 'container' | 'host';

/** `phoenix.attachMode` as VS Code's `inspect()` reports it, by where it is set. */
export interface AttachModeSetting {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/**
 * Where the shell runs, from `phoenix.attachMode`. Only the user's own settings count: in host
 * mode the container's node becomes a distribution peer of a VM on this machine and can run any
 * code there, so nothing a repository holds (workspace or folder settings, labels or names found
 * in its container) may choose it. `auto`, which once chose host mode when the node's name
 * allowed it, attaches in the container.
 */
export function attachPlace(attachModeSetting: AttachModeSetting | undefined): AttachPlace {
  return attachModeSetting?.globalValue === 'host' ? 'host' : 'container';
}

export interface AttachChoice {
  readonly command: AttachCommand;
  readonly place: AttachPlace;
  /** The user chose host mode, but it cannot work here: the shell runs in the container instead. */
  readonly hostImpossible: boolean;
}

/**
 * The shell's command: in the container, or on this machine when the user's own settings ask for
 * it and it can work (`local` holds this machine's iex and its address on the container's
 * network, undefined when either is missing or this is not Linux).
 */
export function chooseAttachCommand(input: {
  readonly attachModeSetting: AttachModeSetting | undefined;
  readonly docker: string;
  readonly container: string;
  readonly containerEnv: readonly string[];
  readonly node: FoundNode;
  readonly uniqueName: string;
  readonly local: { readonly iex: string | undefined; readonly address: string | undefined };
}): AttachChoice {
  const { node, uniqueName, local } = input;
  if (attachPlace(input.attachModeSetting) === 'host') {
    const host = local.iex === undefined || local.address === undefined ? undefined : hostAttachArgv({ iex: local.iex, node, hostAddress: local.address, uniqueName });
    if (host !== undefined) return { command: host, place: 'host', hostImpossible: false };
  }
  return {
    command: containerAttachArgv({ docker: input.docker, container: input.container, containerEnv: input.containerEnv, node, uniqueName }),
    place: 'container',
    hostImpossible: attachPlace(input.attachModeSetting) === 'host',
  };
}

/**
 * A remote IEx shell started inside the node's container, which works wherever Docker runs
 * (container IPs are unreachable from a Docker Desktop host): `docker exec -it <container> iex
 * --sname|--name <unique> --remsh <node>`, the cookie in a private ~/.erlang.cookie. The cookie
 * travels in the environment (`docker exec -e NAME` copies the variable from docker's own
 * environment), so it is in neither the host's process list nor the engine's event log; the
 * container's own variables that hold it (`containerEnv`, e.g. ERLANG_COOKIE) reach iex emptied.
 * A release attaches with its own `<root>/bin/<name> remote`, since its image has no iex, given
 * the cookie as RELEASE_COOKIE the same way (Mix's scripts pass it on to the VM's command line).
 * Without a known cookie value, iex reads the container user's ~/.erlang.cookie, as a node started
 * without one does, and a release's script finds its own.
 */
export function containerAttachArgv(input: { readonly docker: string; readonly container: string; readonly containerEnv: readonly string[]; readonly node: FoundNode; readonly uniqueName: string }): AttachCommand {
  const { node, uniqueName } = input;
  const cookie = cookieValue(node.cookie);
  if (node.release !== undefined) {
    // The cookie found in the container, which a vm.args of the release's own may have set instead of its environment.
    return {
      command: input.docker,
      args: ['exec', '-it', '-e', `${SESSION_VARIABLE}=${uniqueName}`, ...(cookie === undefined ? [] : ['-e', 'RELEASE_COOKIE']), input.container, releaseScript(node.release), 'remote'],
      env: cookie === undefined ? {} : { RELEASE_COOKIE: cookie },
    };
  }
  const shell = remoteShellArgs(node.mode, ownName(node, uniqueName), node.node);
  if (cookie === undefined) return { command: input.docker, args: ['exec', '-it', input.container, 'iex', ...shell], env: {} };
  const emptied = cookieVariablesEmptied(input.containerEnv, cookie).flatMap((variable) => ['-e', variable]);
  return {
    command: input.docker,
    args: ['exec', '-it', '-e', PRIVATE_COOKIE_VARIABLE, ...emptied, input.container, 'sh', ...privateCookieShellArgs(uniqueName, ['iex', ...shell])],
    env: { [PRIVATE_COOKIE_VARIABLE]: cookie },
  };
}

/**
 * A remote IEx shell started on this machine, reaching the node at its container's IP address:
 * `iex --name <unique>@<hostAddress> --remsh <node>` under `sh`, the cookie in a private
 * ~/.erlang.cookie as in the container. An epmd that its VM starts listens on loopback only
 * (ERL_EPMD_ADDRESS). Undefined when that is impossible: a short-name node (short and long names
 * cannot connect), a host part that is not an IPv4 address, or a cookie that only a file in the
 * container holds.
 */
export function hostAttachArgv(input: { readonly iex: string; readonly node: FoundNode; readonly hostAddress: string; readonly uniqueName: string }): AttachCommand | undefined {
  const { node, uniqueName } = input;
  const host = node.node.slice(node.node.indexOf('@') + 1);
  const cookie = cookieValue(node.cookie);
  if (node.mode !== 'name' || !node.node.includes('@') || !IPV4.test(host) || !IPV4.test(input.hostAddress) || cookie === undefined) return undefined;
  return {
    command: '/bin/sh',
    args: privateCookieShellArgs(uniqueName, [input.iex, ...remoteShellArgs('name', `${uniqueName}@${input.hostAddress}`, node.node)]),
    env: { [PRIVATE_COOKIE_VARIABLE]: cookie, ERL_EPMD_ADDRESS: '127.0.0.1' },
  };
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

/**
 * --hidden, like a release's `remote`: the shell stays out of the node's Node.list() and its
 * cluster. It connects out to the node, so nothing needs to reach its own listener.
 */
function remoteShellArgs(mode: FoundNode['mode'], self: string, node: string): string[] {
  return ['--erl', LOOPBACK_DISTRIBUTION, '--hidden', `--${mode}`, self, '--remsh', node];
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

function releaseScript(release: ReleaseInfo): string {
  return `${release.root.replace(/\/+$/, '')}/bin/${release.name}`;
}
