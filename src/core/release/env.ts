import { hexBytes } from '../generated/quoting';
import type { ReleaseContext } from './context';

const COOKIE_BYTES = 32;
/** Random bytes the .env needs: 32 for RELEASE_COOKIE, 64 for SECRET_KEY_BASE. */
export const RELEASE_RANDOM_BYTES = 96;

/** The release's .env: its compose project, a new RELEASE_COOKIE and SECRET_KEY_BASE. */
export function renderEnv(c: ReleaseContext, composeProject: string, randomBytes: Uint8Array): string {
  const cookie = hexBytes(randomBytes.subarray(0, COOKIE_BYTES));
  const secret = Buffer.from(randomBytes.subarray(COOKIE_BYTES, RELEASE_RANDOM_BYTES)).toString('base64url');
  return [
    `# Read by docker compose to run the release of ${c.project.app} locally. Keep it out of version`,
    '# control: whoever has RELEASE_COOKIE can run any code in the release\'s node, and',
    '# SECRET_KEY_BASE signs its sessions and cookies.',
    // Its own compose project: the dev container's .env pins another name, and the two share no
    // containers or volumes.
    `COMPOSE_PROJECT_NAME=${composeProject}`,
    `RELEASE_COOKIE=${cookie}`,
    `SECRET_KEY_BASE=${secret}`,
    '',
  ].join('\n');
}

