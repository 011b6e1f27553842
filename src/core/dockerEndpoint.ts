import { isRecord } from './isRecord';

/** Where the Docker (or Podman) engine API is reached, in the shape dockerode accepts. */
export type DockerEndpoint =
  | { readonly socketPath: string }
  | { readonly protocol: 'http' | 'https'; readonly host: string; readonly port: number }
  | { readonly protocol: 'ssh'; readonly host: string; readonly port: number; readonly username?: string };

export type DockerHostSource = 'setting' | 'DOCKER_HOST' | 'context' | 'podman' | 'default';

export interface DockerHostChoice {
  readonly host: string;
  readonly source: DockerHostSource;
}

export interface DockerHostInputs {
  /** The `phoenix.dockerHost` setting; empty when unset. */
  readonly setting: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The Docker CLI context's endpoint, when a non-default context is current. */
  readonly contextHost: string | undefined;
  /** A rootless Podman socket that exists, used only when the default socket does not. */
  readonly podmanSocket: string | undefined;
  readonly defaultSocketExists: boolean;
  readonly platform: NodeJS.Platform;
}

/** Chooses the engine the way the Docker CLI does, with the extension's setting first. */
export function chooseDockerHost(inputs: DockerHostInputs): DockerHostChoice {
  const setting = inputs.setting.trim();
  if (setting !== '') return { host: setting, source: 'setting' };
  const fromEnv = inputs.env['DOCKER_HOST']?.trim();
  if (fromEnv) return { host: fromEnv, source: 'DOCKER_HOST' };
  if (inputs.contextHost) return { host: inputs.contextHost, source: 'context' };
  const defaultHost = inputs.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
  if (!inputs.defaultSocketExists && inputs.podmanSocket) return { host: `unix://${inputs.podmanSocket}`, source: 'podman' };
  return { host: defaultHost, source: 'default' };
}

/** Parses a DOCKER_HOST-style address (`unix://`, `npipe://`, `tcp://`, `ssh://`). */
export function parseDockerHost(host: string): DockerEndpoint {
  const unix = /^unix:\/\/(\/.*)$/.exec(host);
  if (unix?.[1]) return { socketPath: unix[1] };
  const pipe = /^npipe:\/\/(.+)$/.exec(host);
  if (pipe?.[1]) return { socketPath: pipe[1].replace(/\//g, '\\') };
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new Error(`"${host}" is not a Docker host address. Use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.`);
  }
  switch (url.protocol) {
    case 'tcp:':
    case 'http:':
      return { protocol: 'http', host: url.hostname, port: Number(url.port || 2375) };
    case 'https:':
      return { protocol: 'https', host: url.hostname, port: Number(url.port || 2376) };
    case 'ssh:':
      return {
        protocol: 'ssh',
        host: url.hostname,
        port: Number(url.port || 22),
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      };
    default:
      throw new Error(`Docker host "${host}" uses an unsupported scheme "${url.protocol}". Use unix://, npipe://, tcp:// or ssh://.`);
  }
}

/** The Docker CLI's current context name: DOCKER_CONTEXT, else the CLI config's `currentContext`. */
export function currentDockerContext(env: Readonly<Record<string, string | undefined>>, cliConfigJson: string | undefined): string | undefined {
  const fromEnv = env['DOCKER_CONTEXT']?.trim();
  if (fromEnv) return fromEnv === 'default' ? undefined : fromEnv;
  if (cliConfigJson === undefined) return undefined;
  const current = parseJsonObject(cliConfigJson)?.['currentContext'];
  return typeof current === 'string' && current !== '' && current !== 'default' ? current : undefined;
}

/** The engine address in a context's `meta.json` (`Endpoints.docker.Host`). */
export function contextDockerHost(metaJson: string): string | undefined {
  const endpoints = parseJsonObject(metaJson)?.['Endpoints'];
  if (!isRecord(endpoints)) return undefined;
  const docker = endpoints['docker'];
  if (!isRecord(docker)) return undefined;
  const host = docker['Host'];
  return typeof host === 'string' && host !== '' ? host : undefined;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
