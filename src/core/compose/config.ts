import { readComposeServices } from '../composeYaml';
import { isRecord } from '../isRecord';
import { versionAtLeast, type ComposeCli, type ComposeFlavour } from './cli';

/** A container port published on the host. */
export interface PublishedPort {
  /** The host address it is published on; undefined for all addresses. */
  readonly hostIp: string | undefined;
  readonly published: number;
  readonly target: number;
  readonly protocol: string;
}

export interface ComposeService {
  readonly name: string;
  readonly image: string | undefined;
  readonly build: {
    readonly context: string;
    readonly dockerfile: string;
    /** Build arguments, when it sets any (v2 leaves out those without a value, v1 keeps them empty). */
    readonly args?: Readonly<Record<string, string>>;
  } | undefined;
  /** Only ports with a fixed host port; those the engine picks are left out. */
  readonly ports: readonly PublishedPort[];
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The services in `compose config` output: the normalised YAML of compose v2 and v1, and the
 * merged file as written that podman-compose prints (short port syntax, label lists, `build: .`).
 * Throws when the text is not a compose configuration.
 */
export function parseComposeConfig(text: string): ComposeService[] {
  const read = readComposeServices(text);
  if ('error' in read) {
    throw new Error(read.error === 'yaml'
      ? `compose config printed no valid YAML (${read.detail})`
      : 'compose config printed no "services:" section, so it is not a compose configuration');
  }
  return Object.entries(read.services).map(([name, service]) => readService(name, isRecord(service) ? service : {}));
}

function readService(name: string, service: Record<string, unknown>): ComposeService {
  const image = service['image'];
  return {
    name,
    image: typeof image === 'string' && image !== '' ? image : undefined,
    build: readBuild(service['build']),
    ports: Array.isArray(service['ports']) ? service['ports'].flatMap(readPort) : [],
    labels: readStringMap(service['labels']),
  };
}

function readBuild(build: unknown): ComposeService['build'] {
  if (typeof build === 'string') return { context: build, dockerfile: 'Dockerfile' };
  if (!isRecord(build)) return undefined;
  const { context, dockerfile } = build;
  const args = readStringMap(build['args']);
  return {
    // The spec's default context is the project folder; compose v1 leaves out the default Dockerfile.
    context: typeof context === 'string' ? context : '.',
    dockerfile: typeof dockerfile === 'string' ? dockerfile : 'Dockerfile',
    ...(Object.keys(args).length > 0 && { args }),
  };
}

function readPort(port: unknown): PublishedPort[] {
  if (typeof port === 'string') return shortSyntaxPorts(port);
  if (!isRecord(port)) return [];
  const published = portNumber(port['published']);
  const target = portNumber(port['target']);
  if (published === undefined || target === undefined) return [];
  const hostIp = port['host_ip'];
  const protocol = port['protocol'];
  return [{
    hostIp: typeof hostIp === 'string' && hostIp !== '' ? hostIp : undefined,
    published,
    target,
    protocol: typeof protocol === 'string' ? protocol : 'tcp',
  }];
}

/**
 * `[HOST_IP:]PUBLISHED:TARGET[/PROTOCOL]`, with ranges. compose v1 prints this form whenever a
 * host address is set, IPv6 unbracketed (`::1:5432:5432/tcp`), so the fields are cut from the right.
 */
function shortSyntaxPorts(spec: string): PublishedPort[] {
  const [mapping = '', protocol = 'tcp'] = spec.split('/');
  const targetAt = mapping.lastIndexOf(':');
  if (targetAt < 0) return [];
  const host = mapping.slice(0, targetAt);
  const publishedAt = host.lastIndexOf(':');
  const hostIp = publishedAt < 0 ? '' : host.slice(0, publishedAt).replace(/^\[(.*)\]$/, '$1');
  const published = portRange(host.slice(publishedAt + 1));
  const targets = portRange(mapping.slice(targetAt + 1));
  if (published === undefined || targets === undefined || published.count !== targets.count) return [];
  return Array.from({ length: targets.count }, (_, index) => ({
    hostIp: hostIp === '' ? undefined : hostIp,
    published: published.first + index,
    target: targets.first + index,
    protocol,
  }));
}

/** A port (`4000`) or range (`4000-4005`); undefined when empty, as in `127.0.0.1::4000` where the engine picks. */
function portRange(text: string): { readonly first: number; readonly count: number } | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (match === null) return undefined;
  const first = portNumber(match[1]);
  const last = match[2] === undefined ? first : portNumber(match[2]);
  if (first === undefined || last === undefined || last < first) return undefined;
  return { first, count: last - first + 1 };
}

/** compose v2 prints published ports as strings, v1 as numbers. */
function portNumber(value: unknown): number | undefined {
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

/** Labels and build arguments: a mapping, or a list of KEY=VALUE as written in a compose file. */
function readStringMap(entries: unknown): Record<string, string> {
  if (Array.isArray(entries)) {
    return Object.fromEntries(entries.filter((entry) => typeof entry === 'string').map((entry) => {
      const equals = entry.indexOf('=');
      return equals < 0 ? [entry, ''] : [entry.slice(0, equals), entry.slice(equals + 1)];
    }));
  }
  if (!isRecord(entries)) return {};
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, scalarText(value)]));
}

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/**
 * The image a service runs: its `image:`, else the name compose gives the image it builds,
 * `<project>-<service>` for compose v2 (since 2.10) and `<project>_<service>` for v1 and
 * podman-compose. Given the CLI rather than its flavour, the version decides, so a docker-compose
 * that is really v2 is named right.
 */
export function builtImageName(projectName: string, service: ComposeService, compose: ComposeFlavour | ComposeCli): string {
  if (service.image !== undefined) return service.image;
  const dashes = typeof compose === 'string' ? compose === 'docker compose' : versionAtLeast(compose.version, 2, 10);
  return `${projectName}${dashes ? '-' : '_'}${service.name}`;
}
