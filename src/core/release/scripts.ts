import { fileOf } from '../generated/dockerfile';
import { shellWord } from '../scaffold/names';
import type { ReleaseContext } from './context';
import { LOOPBACK_FORWARD_FILE, LOOPBACK_FORWARD_FLAGS, LOOPBACK_FORWARD_PORT } from './loopbackForward';

/** An overlay script in the release's bin/: runs `command` from there. */
function overlayScript(command: readonly string[]): string {
  return fileOf(['#!/bin/sh', 'set -eu', '', 'cd -P -- "$(dirname -- "$0")"', ...command]);
}

/** Text for inside a POSIX shell's double quotes, where only $, `, " and \ need a backslash. */
function inDoubleQuotes(text: string): string {
  return text.replace(/[$`"\\]/g, '\\$&');
}

/**
 * rel/overlays/bin/server: starts the release with the endpoint serving; with
 * LOOPBACK_FORWARD_PORT set, the VM also runs the loopback forwarder once it booted.
 */
export function renderServer(c: ReleaseContext): string {
  return overlayScript([
    `# "Run Release Locally" sets ${LOOPBACK_FORWARD_PORT}. When config/runtime.exs binds the endpoint to`,
    "# loopback, which the container's published port cannot reach, the VM then forwards that port from",
    `# the container's own addresses to it (${LOOPBACK_FORWARD_FILE.replace(/^bin\//, '')}). Unset, nothing changes.`,
    `if [ -n "\${${LOOPBACK_FORWARD_PORT}:-}" ]; then`,
    `  export ERL_ZFLAGS="\${ERL_ZFLAGS:+$ERL_ZFLAGS }${inDoubleQuotes(LOOPBACK_FORWARD_FLAGS)}"`,
    'fi',
    `PHX_SERVER=true exec ${shellWord(`./${c.name}`)} start`,
  ]);
}

/** rel/overlays/bin/migrate: runs the release module's migrate/0. */
export function renderMigrate(c: ReleaseContext, module: string): string {
  return overlayScript([`exec ${shellWord(`./${c.name}`)} eval ${shellWord(`${module}.migrate`)}`]);
}
