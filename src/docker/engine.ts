import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import {
  chooseDockerHost,
  contextDockerHost,
  currentDockerContext,
  parseDockerHost,
  type DockerHostChoice,
} from '../core/dockerEndpoint';
import type { ListedContainer } from '../core/containerState';
import type * as DockerodeBundle from './dockerode';

const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** The Docker engine the extension talks to, connected lazily on first use. */
export class DockerEngine {
  private connection: Promise<Dockerode> | undefined;

  constructor(private readonly dockerHostSetting: () => string) {}

  /** Forgets the connection so the next call resolves the engine again (after a setting change). */
  reset(): void {
    this.connection = undefined;
  }

  /** The containers of a compose project, found by label so compose v1 and v2 naming both work. */
  async listComposeContainers(project: string): Promise<ListedContainer[]> {
    const client = await this.connect();
    const containers = await client.listContainers({
      all: true,
      // One-off `compose run` containers are not the service itself.
      filters: { label: [`${COMPOSE_PROJECT_LABEL}=${project}`, 'com.docker.compose.oneoff=False'] },
    });
    return containers.map((info) => ({
      id: info.Id,
      service: info.Labels[COMPOSE_SERVICE_LABEL] ?? info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12),
      state: info.State,
      status: info.Status,
    }));
  }

  /**
   * The IPv4 subnets of the engine's networks, to keep a fixed-subnet network from clashing;
   * without those of `ownProject`, whose network a scaffold may define again.
   */
  async networkSubnets(ownProject: string): Promise<string[]> {
    const client = await this.connect();
    const networks = await client.listNetworks();
    return networks
      .filter((network) => network.Labels?.[COMPOSE_PROJECT_LABEL] !== ownProject)
      .flatMap((network) => (network.IPAM?.Config ?? []).map((config) => config.Subnet ?? ''))
      .filter((subnet) => subnet !== '');
  }

  private connect(): Promise<Dockerode> {
    this.connection ??= (async () => {
      const choice = await resolveDockerHost(this.dockerHostSetting());
      const { createDockerode } = loadDockerodeBundle();
      return createDockerode(parseDockerHost(choice.host));
    })();
    const connection = this.connection;
    // A failed resolution must not stick (the next call tries again), unless a newer one replaced it.
    connection.catch(() => {
      if (this.connection === connection) this.connection = undefined;
    });
    return connection;
  }
}

function loadDockerodeBundle(): typeof DockerodeBundle {
  // Resolved next to dist/extension.js at run time (esbuild keeps it external).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./dockerode.js') as typeof DockerodeBundle;
}

async function resolveDockerHost(setting: string): Promise<DockerHostChoice> {
  const dockerConfigDir = process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
  const context = currentDockerContext(process.env, await readOptional(join(dockerConfigDir, 'config.json')));
  const contextMeta = context === undefined
    ? undefined
    : await readOptional(join(dockerConfigDir, 'contexts', 'meta', createHash('sha256').update(context).digest('hex'), 'meta.json'));
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
