import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chooseDockerHost, contextDockerHost, currentDockerContext, type DockerHostChoice } from '../core/dockerEndpoint';

/** The engine's address as chooseDockerHost picks it, from this machine's Docker config, environment and sockets. */
export async function resolveDockerHost(setting: string): Promise<DockerHostChoice> {
  const dockerConfigDir = process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
  const context = currentDockerContext(process.env, await readOptional(join(dockerConfigDir, 'config.json')));
  // The CLI keeps a context's endpoint under the SHA-256 of its name.
  const contextMeta = context === undefined
    ? undefined
    : await readOptional(join(dockerConfigDir, 'contexts', 'meta', (await import('node:crypto')).createHash('sha256').update(context).digest('hex'), 'meta.json'));
  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  const podmanSocket = runtimeDir === undefined ? undefined : join(runtimeDir, 'podman', 'podman.sock');
  return chooseDockerHost({
    setting,
    env: process.env,
    contextHost: contextMeta === undefined ? undefined : contextDockerHost(contextMeta),
    podmanSocket: podmanSocket !== undefined && existsSync(podmanSocket) ? podmanSocket : undefined,
    defaultSocketExists: process.platform === 'win32' || existsSync('/var/run/docker.sock'),
    platform: process.platform,
  });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
