import type { CookieSource, ReleaseInfo } from '../node/discovery';
import type { ContainerCommand, NodeMode } from '../nodeProbe';
import { LOOPBACK_DISTRIBUTION, PRIVATE_COOKIE_VARIABLE, cookieValue, cookieVariablesEmptied, privateCookieShellArgs } from '../node/ownVm';

/*
 * Elixir: reads the helper's source line from standard input, compiles it in memory and runs it
 * with the node's name (the script's argument). Fixed text: nothing is interpolated into it.
 */
const BOOTSTRAP = `src = IO.read(:stdio, :line)
{:ok, tokens, _} = :erl_scan.string(String.to_charlist(src))
forms = Enum.chunk_while(tokens, [], fn t, acc -> if elem(t, 0) == :dot, do: {:cont, Enum.reverse([t | acc]), []}, else: {:cont, [t | acc]} end, fn acc -> {:cont, acc} end)
{:ok, mod, bin} = :compile.forms(Enum.map(forms, fn form -> {:ok, parsed} = :erl_parse.parse_form(form); parsed end), [])
{:module, _} = :code.load_binary(mod, ~c"nofile", bin)
mod.main(hd(System.argv()))`;

/*
 * Runs the elixir script a Mix release ships (releases/<vsn>/elixir, as the release's own `remote`
 * does) with the release's clean boot, so that a release image, which has no elixir on its PATH,
 * runs the helper too. $1 is the release's root, the VM's arguments follow. A fixed script.
 */
const RELEASE_ELIXIR = [
  'root="$1"; shift',
  'vsn="$(cut -d " " -f 2 "$root/releases/start_erl.data")"',
  'dir="$root/releases/$vsn"',
  'exec "$dir/elixir" --boot "$dir/start_clean" --boot-var RELEASE_LIB "$root/lib" "$@"',
].join('\n');

/**
 * The command that starts the helper inside the node's container, the way the node probe starts:
 * a hidden VM under a name of the node's mode, listening on loopback only, with the node's own
 * cookie in a private ~/.erlang.cookie (never on a command line, and the container's variables
 * that hold it emptied), or the container user's ~/.erlang.cookie when the node reads it there.
 * A release's node gets the VM of the release's own elixir. `helperName` must be unique: it also
 * names the private cookie folder.
 */
export function observerHelperCommand(input: {
  readonly node: string;
  readonly mode: NodeMode;
  readonly cookie: CookieSource;
  readonly release: ReleaseInfo | undefined;
  readonly helperName: string;
  readonly containerEnv: readonly string[];
}): ContainerCommand {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(input.helperName)) throw new RangeError('observerHelperCommand needs a node name part of lower-case letters, digits and _.');
  const at = input.node.indexOf('@');
  const self = input.mode === 'name' && at !== -1 ? `${input.helperName}${input.node.slice(at)}` : input.helperName;
  const vm = [`--${input.mode}`, self, '--hidden', '--erl', LOOPBACK_DISTRIBUTION, '-e', BOOTSTRAP, input.node];
  const program = input.release === undefined ? ['elixir', ...vm] : ['sh', '-c', RELEASE_ELIXIR, 'sh', input.release.root.replace(/\/+$/, ''), ...vm];
  const cookie = cookieValue(input.cookie);
  if (cookie === undefined) return { argv: program, env: [] };
  return {
    argv: ['sh', ...privateCookieShellArgs(input.helperName, program)],
    env: [`${PRIVATE_COOKIE_VARIABLE}=${cookie}`, ...cookieVariablesEmptied(input.containerEnv, cookie)],
  };
}

/** `docker exec` of a container command, its standard input open; `env` holds the values, which docker copies by name, so none is on a command line. */
export function helperExecArgv(input: { readonly docker: string; readonly container: string; readonly command: ContainerCommand }): { readonly command: string; readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> } {
  const env: Record<string, string> = {};
  const names: string[] = [];
  for (const variable of input.command.env) {
    const equals = variable.indexOf('=');
    if (equals <= 0) throw new RangeError('A container variable is NAME=value.');
    const name = variable.slice(0, equals);
    const value = variable.slice(equals + 1);
    // An emptied variable says nothing: written out, so docker cannot skip it as unset.
    if (value === '') {
      names.push('-e', `${name}=`);
    } else {
      env[name] = value;
      names.push('-e', name);
    }
  }
  return { command: input.docker, args: ['exec', '-i', ...names, input.container, ...input.command.argv], env };
}
