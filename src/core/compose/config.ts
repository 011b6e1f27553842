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
  readonly labels: Readonly<Record<string, string>>;
  /** Its bind mounts of this machine's folders, and its named and anonymous volumes (not its tmpfs mounts). */
  readonly mounts: readonly ServiceMount[];
}

/** A volume of a service: `source` is a path on this machine for a bind mount (relative as podman-compose prints it), a volume's name, or '' for an anonymous volume. */
export interface ServiceMount {
  readonly type: 'bind' | 'volume';
  readonly source: string;
  readonly target: string;
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
  const { image, volumes } = service;
  return {
    name,
    image: typeof image === 'string' && image !== '' ? image : undefined,
    build: readBuild(service['build']),
    labels: readStringMap(service['labels']),
    mounts: Array.isArray(volumes) ? volumes.flatMap((volume) => readMount(volume)) : [],
  };
}

/**
 * A volume in its long form (v2 prints every one so, v1 those written so) or its short one,
 * `source:target[:mode]` or a bare `target`; a Windows source keeps its drive letter.
 */
function readMount(volume: unknown): ServiceMount[] {
  if (isRecord(volume)) {
    const { type = 'volume', source, target } = volume;
    if ((type !== 'bind' && type !== 'volume') || typeof target !== 'string' || target === '') return [];
    return [{ type, source: typeof source === 'string' ? source : '', target }];
  }
  if (typeof volume !== 'string') return [];
  const drive = /^[A-Za-z]:[\\/]/.test(volume) ? volume.slice(0, 2) : '';
  const [first = '', second] = volume.slice(drive.length).split(':');
  if (second === undefined) return first === '' ? [] : [{ type: 'volume', source: '', target: first }];
  const source = `${drive}${first}`;
  // Compose reads a source as a path when it starts like one, and as a volume's name otherwise.
  return [{ type: drive !== '' || /^[./~]/.test(first) ? 'bind' : 'volume', source, target: second }];
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
