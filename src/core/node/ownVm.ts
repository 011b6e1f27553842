import type { CookieSource } from './discovery';

/*
 * How the extension starts its own Erlang VMs (the node probe, remote shells): never with a cookie
 * anyone could guess, never with the real one on a command line or in the VM's environment (a VM's
 * environment is one System.get_env away for any node connected to it), and listening for
 * distribution on loopback only.
 */

/** Carries the cookie into the wrapper script below, which unsets it before the VM starts. */
export const PRIVATE_COOKIE_VARIABLE = 'PHOENIX_IEX_COOKIE';

/** `elixir --erl` words that bind the VM's distribution listener to loopback: it only connects out. */
export const LOOPBACK_DISTRIBUTION = '-kernel inet_dist_use_interface {127,0,0,1}';

/*
 * Runs a program ("$@" after the session name $1) with the cookie in $HOME/.erlang.cookie, where
 * Erlang reads it when no --cookie is given: --cookie would put it on the VM's command line,
 * which every user of the machine can read. When the user's own cookie file holds it already (the
 * dev container's entrypoint writes it there), the program runs as it is. Otherwise HOME points to
 * a private folder for the VM, removed 30 s later, once the VM has read the cookie at its start
 * (and by the terminal's cleanup); version managers keep finding their installs in the real home.
 * `[` and printf are the shell's builtins, so the cookie is on no command line here either. The
 * remover is a new sh, not a subshell: a forked shell keeps the environment it was started with,
 * cookie included, in /proc/<pid>/environ. A fixed script: nothing is interpolated into it.
 */
const WITH_PRIVATE_COOKIE = [
  'set -eu',
  'session="$1"; shift',
  `if [ "$(cat "\${HOME:-}/.erlang.cookie" 2>/dev/null || true)" = "$${PRIVATE_COOKIE_VARIABLE}" ]; then unset ${PRIVATE_COOKIE_VARIABLE}; exec "$@"; fi`,
  'home="${TMPDIR:-/tmp}/$session"',
  'mkdir -m 700 "$home"',
  `(umask 077; printf '%s' "$${PRIVATE_COOKIE_VARIABLE}" > "$home/.erlang.cookie")`,
  `unset ${PRIVATE_COOKIE_VARIABLE}`,
  `sh -c 'trap "" HUP; sleep 30; rm -rf "$1"' sh "$home" </dev/null >/dev/null 2>&1 &`,
  'export ASDF_DATA_DIR="${ASDF_DATA_DIR:-${HOME:-}/.asdf}" MISE_DATA_DIR="${MISE_DATA_DIR:-${HOME:-}/.local/share/mise}" MISE_CONFIG_DIR="${MISE_CONFIG_DIR:-${HOME:-}/.config/mise}"',
  'export HOME="$home"',
  'exec "$@"',
].join('\n');

/**
 * The arguments of `sh` that run `program` with the cookie in a private ~/.erlang.cookie; sh must
 * get the cookie as PRIVATE_COOKIE_VARIABLE in its environment. `session` names the private
 * folder: unique, a valid file name.
 */
export function privateCookieShellArgs(session: string, program: readonly string[]): string[] {
  return ['-c', WITH_PRIVATE_COOKIE, 'sh', session, ...program];
}

/**
 * The cookie to hand to a VM of ours. One that starts with "-" is left to the container user's
 * ~/.erlang.cookie: erl ignores such a -setcookie value, so the node must have read it from there.
 */
export function cookieValue(cookie: CookieSource): string | undefined {
  return cookie.kind === 'value' && !cookie.value.startsWith('-') ? cookie.value : undefined;
}

/**
 * `NAME=` for each of the container's variables that holds the cookie (the dev container's
 * ERLANG_COOKIE): docker exec hands the container's environment to every program it runs, so a VM
 * of ours started there must get these emptied.
 */
export function cookieVariablesEmptied(containerEnv: readonly string[], cookie: string): string[] {
  return containerEnv.flatMap((variable) => {
    const equals = variable.indexOf('=');
    return equals > 0 && variable.slice(equals + 1) === cookie ? [`${variable.slice(0, equals)}=`] : [];
  });
}
