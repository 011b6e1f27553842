import type { Argv } from './compose';
import type { CookieSource } from './node/discovery';
import { LOOPBACK_DISTRIBUTION, PRIVATE_COOKIE_VARIABLE, cookieValue, cookieVariablesEmptied, privateCookieShellArgs } from './node/ownVm';

/** The Erlang distribution mode of a node: short (`--sname`) or long (`--name`) host names. */
export type NodeMode = 'sname' | 'name';

/** What a node probe saw when it gave up or succeeded. */
export type NodeProbeOutcome =
  /** The node answered a ping. */
  | 'answered'
  /** epmd lists the node, but it refuses the connection: most likely another cookie. */
  | 'refused'
  /** epmd does not list the node (not started yet, crashed, or another name). */
  | 'unregistered';

/*
 * Runs in a throwaway VM inside the container and waits there until the node answers, so one VM
 * start covers the whole wait. It pings only once epmd lists the node (pinging earlier makes the
 * node log a rejected connection for nothing), and slows down when the node refuses, since each
 * refusal is logged by the node.
 * Arguments: node name, deadline in milliseconds. Prints one outcome word; exits 0 when answered.
 */
const PROBE_CODE = `
[node, wait_ms] = System.argv()
{name, host} =
  case String.split(node, "@", parts: 2) do
    [name, host] -> {name, host}
    # A bare long name: Erlang gives it the host part it gave this probe's own name.
    [name] -> {name, Node.self() |> Atom.to_string() |> String.split("@") |> List.last()}
  end
target = String.to_atom("#{name}@#{host}")
deadline = System.monotonic_time(:millisecond) + String.to_integer(wait_ms)
check = fn ->
  # The probe's own start launched epmd, so asking it always gets an answer.
  {:ok, names} = :erl_epmd.names(String.to_charlist(host))
  cond do
    not List.keymember?(names, String.to_charlist(name), 0) -> "unregistered"
    Node.ping(target) == :pong -> "answered"
    true -> "refused"
  end
end
loop = fn loop ->
  outcome = check.()
  cond do
    outcome == "answered" -> IO.puts(outcome)
    System.monotonic_time(:millisecond) >= deadline -> IO.puts(outcome); System.halt(1)
    true -> Process.sleep(if outcome == "refused", do: 1000, else: 100); loop.(loop)
  end
end
loop.(loop)
`;

/** A program to run in the container: its argv, and "NAME=value" variables only it receives. */
export interface ContainerCommand {
  readonly argv: readonly string[];
  readonly env: readonly string[];
}

/**
 * The command that waits up to `waitMs` for `node` to answer, run inside the node's container.
 * The probe's own name must use the same mode as the node's: short and long names cannot connect.
 * Anyone who can reach the container may try to connect to the probe, so it has the node's own
 * cookie, never one of its own that could be guessed, and on no command line or in its environment:
 * a known value goes into a private ~/.erlang.cookie (the container's variables that hold it reach
 * the probe emptied); otherwise the probe reads the container user's ~/.erlang.cookie, as the node
 * does. It listens for distribution on loopback only and is hidden.
 */
export function nodeProbeCommand(input: {
  readonly node: string;
  readonly mode: NodeMode;
  readonly cookie: CookieSource;
  readonly probeName: string;
  readonly waitMs: number;
  readonly containerEnv: readonly string[];
}): ContainerCommand {
  const { node, probeName } = input;
  const host = node.includes('@') ? node.slice(node.indexOf('@') + 1) : undefined;
  const self = input.mode === 'name' && host !== undefined ? `${probeName}@${host}` : probeName;
  const elixir = ['elixir', `--${input.mode}`, self, '--hidden', '--erl', LOOPBACK_DISTRIBUTION, '-e', PROBE_CODE, node, String(Math.round(input.waitMs))];
  const cookie = cookieValue(input.cookie);
  if (cookie === undefined) return { argv: elixir, env: [] };
  return {
    argv: ['sh', ...privateCookieShellArgs(probeName, elixir)],
    env: [`${PRIVATE_COOKIE_VARIABLE}=${cookie}`, ...cookieVariablesEmptied(input.containerEnv, cookie)],
  };
}

/** The environment variable that names the release's node (its name part) to the registration check. */
export const PROBE_NODE_VARIABLE = 'PHOENIX_PROBE_NODE';

/*
 * Whether the container's epmd lists the node: `refused` when it does (the node is up, so a failed
 * rpc means another cookie), else `unregistered`. `eval` starts no distribution of its own.
 */
const RELEASE_REGISTRATION_CODE = `name = System.fetch_env!("${PROBE_NODE_VARIABLE}")
registered =
  case :erl_epmd.names(~c"localhost") do
    {:ok, names} -> List.keymember?(names, String.to_charlist(name), 0)
    _ -> false
  end
IO.puts(if registered, do: "refused", else: "unregistered")`;

type Release = { readonly name: string; readonly root: string };

/**
 * A release has no elixir: its own script asks the node (`ping`, run with the cookie the
 * container gives it, or RELEASE_COOKIE when the caller sets it), and when that fails,
 * `registration` tells a node that is not up from one that refuses the cookie.
 */
export function releaseProbeArgv(release: Release): { readonly ping: Argv; readonly registration: Argv } {
  const script = `${release.root.replace(/\/+$/, '')}/bin/${release.name}`;
  return {
    ping: { command: script, args: ['rpc', 'IO.puts("answered")'] },
    registration: { command: script, args: ['eval', RELEASE_REGISTRATION_CODE] },
  };
}

/** Reads the probe's last printed word; anything else (a crash, no elixir) is undefined. */
export function parseNodeProbe(output: string): NodeProbeOutcome | undefined {
  const last = output.trim().split(/\r?\n/).pop()?.trim();
  return last === 'answered' || last === 'refused' || last === 'unregistered' ? last : undefined;
}
