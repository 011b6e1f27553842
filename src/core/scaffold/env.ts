import { hexBytes } from '../generated/quoting';
import type { DevContainerContext } from './context';

/** The dev container's .env: the compose project, the host's UID and GID, and a new Erlang cookie. */
export function renderEnv(c: DevContainerContext, randomBytes: Uint8Array): string {
  return [
    '# Read by docker compose for the dev container. Keep it out of version control:',
    '# whoever has ERLANG_COOKIE can run any code in the dev server\'s node.',
    // Names the compose project whichever way compose is started, so that two projects never share
    // containers or volumes (compose would otherwise name it after this folder). An adopted compose
    // file keeps the name compose gives it at the project root, where this file is not read.
    ...(c.adopt === undefined ? [`COMPOSE_PROJECT_NAME=${c.composeProject}`] : []),
    `UID=${c.uid}`,
    `GID=${c.gid}`,
    `ERLANG_COOKIE=${hexBytes(randomBytes)}`,
    '',
  ].join('\n');
}
