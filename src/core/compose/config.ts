import { readComposeServices } from '../composeYaml';
import { isRecord } from '../isRecord';
import { versionAtLeast, type ComposeCli, type ComposeFlavour } from './cli';

export interface ComposeService {
  readonly name: string;
  readonly image: string | undefined;
  readonly build: {
    readonly context: string;
    readonly dockerfile: string;
    /** Build arguments, when it sets any (v2 leaves out those without a value, v1 keeps them empty). */
    readonly args?: Readonly<Record<string, string>>;
  } | undefined;
}

/**
 * The services in `compose config` output: the normalised YAML of compose v2 and v1, and the
 * merged file as written that podman-compose prints (`build: .`, build args as a KEY=VALUE list).
 * Throws when the text is not a compose configuration.
 */
export function parseComposeConfig(text: string): ComposeService[] {
  const read = readComposeServices(text);
  if ('error' in read) {
    switch (read.error) {
      case 'yaml': throw new Error(`compose config printed no valid YAML (${read.detail})`);
      case 'too-large': throw new Error(`compose config printed a configuration too large to read: ${read.detail}`);
      case 'no-services': throw new Error('compose config printed no "services:" section, so it is not a compose configuration');
    }
  }
  return Object.entries(read.services).map(([name, service]) => readService(name, isRecord(service) ? service : {}));
}

function readService(name: string, service: Record<string, unknown>): ComposeService {
  const image = service['image'];
  return {
    name,
    image: typeof image === 'string' && image !== '' ? image : undefined,
    build: readBuild(service['build']),
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

/** Build arguments: a mapping, or a list of KEY=VALUE as written in a compose file. */
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
