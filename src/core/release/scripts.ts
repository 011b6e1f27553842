import { fileOf } from '../generated/dockerfile';
import { shellWord } from '../scaffold/names';
import type { ReleaseContext } from './context';

/** An overlay script in the release's bin/: runs `command` from there. */
function overlayScript(command: string): string {
  return fileOf(['#!/bin/sh', 'set -eu', '', 'cd -P -- "$(dirname -- "$0")"', command]);
}

/** rel/overlays/bin/server: starts the release with the endpoint serving. */
export function renderServer(c: ReleaseContext): string {
  return overlayScript(`PHX_SERVER=true exec ${shellWord(`./${c.name}`)} start`);
}

/** rel/overlays/bin/migrate: runs the release module's migrate/0. */
export function renderMigrate(c: ReleaseContext, module: string): string {
  return overlayScript(`exec ${shellWord(`./${c.name}`)} eval ${shellWord(`${module}.migrate`)}`);
}
