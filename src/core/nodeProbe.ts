import type { Argv } from './compose';

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

/** The environment variable that carries the cookie into the probe, so it is never in an argv. */
export const PROBE_COOKIE_VARIABLE = 'PHOENIX_PROBE_COOKIE';

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
case System.get_env("${PROBE_COOKIE_VARIABLE}") do
  nil -> :ok
  cookie -> Node.set_cookie(target, String.to_atom(cookie))
end
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

/**
 * The command that waits up to `waitMs` for `node` to answer, run inside the node's container.
 * The probe's own name must use the same mode as the node's: short and long names cannot connect.
 * With `cookieInEnvironment` the node's cookie is read from PROBE_COOKIE_VARIABLE and set for
 * that node only (the probe's own is a placeholder); without, both use the container user's
 * ~/.erlang.cookie, as the node does.
 */
export function nodeProbeArgv(node: string, mode: NodeMode, probeName: string, waitMs: number, cookieInEnvironment: boolean): Argv {
  const host = node.includes('@') ? node.slice(node.indexOf('@') + 1) : undefined;
  const self = mode === 'name' && host !== undefined ? `${probeName}@${host}` : probeName;
  return {
    command: 'elixir',
    args: [`--${mode}`, self, ...(cookieInEnvironment ? ['--cookie', 'phoenix_probe'] : []), '--erl', '-hidden', '-e', PROBE_CODE, node, String(Math.round(waitMs))],
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
