import { readComposeServices } from '../composeYaml';
import { isRecord } from '../isRecord';

/** A service of the user's own compose file that runs the project, so it can be adopted. */
export interface AdoptableService {
  readonly name: string;
  /** Where the service bind-mounts the project folder (`.:/app` gives `/app`). */
  readonly projectMount: string;
  readonly hasWorkingDir: boolean;
}

export interface RootCompose {
  /** The top-level `name:`, which compose v2 uses for the project when nothing else names it. */
  readonly name: string | undefined;
  /** Services that bind-mount the project, those that build an image first. */
  readonly candidates: AdoptableService[];
  /** The first service running Postgres, MySQL or MariaDB, for the entrypoint to wait for. */
  readonly databaseService: string | undefined;
}

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/** Reads a compose file at the project root; throws with compose-like wording when it is not one. */
export function readRootCompose(text: string): RootCompose {
  const read = readComposeServices(text);
  if ('error' in read) throw new Error(read.error === 'yaml' ? `it is not valid YAML (${read.detail})` : 'it has no "services:" section');
  const services = read.services;

  const candidates: (AdoptableService & { builds: boolean })[] = [];
  let databaseService: string | undefined;
  for (const [name, service] of Object.entries(services)) {
    // Compose accepts no other service names; the generated files write the name in comments too.
    if (!isRecord(service) || !SERVICE_NAME.test(name)) continue;
    const image = typeof service['image'] === 'string' ? service['image'] : '';
    if (databaseService === undefined && /(^|\/)(postgres|postgis|mysql|mariadb)[:@]?/.test(image)) databaseService = name;
    const projectMount = projectMountOf(service['volumes']);
    if (projectMount !== undefined) {
      candidates.push({ name, projectMount, hasWorkingDir: typeof service['working_dir'] === 'string', builds: service['build'] !== undefined });
    }
  }
  candidates.sort((a, b) => Number(b.builds) - Number(a.builds));
  return { name: read.name, candidates: candidates.map(({ name, projectMount, hasWorkingDir }) => ({ name, projectMount, hasWorkingDir })), databaseService };
}

/** The container path of a bind mount of `.` (short `.:/app[:mode]` or long `{ source: ., target }`). */
function projectMountOf(volumes: unknown): string | undefined {
  if (!Array.isArray(volumes)) return undefined;
  for (const volume of volumes) {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      if (isProjectRoot(source) && target?.startsWith('/')) return target;
    } else if (isRecord(volume) && isProjectRoot(volume['source']) && typeof volume['target'] === 'string') {
      return volume['target'];
    }
  }
  return undefined;
}

function isProjectRoot(source: unknown): boolean {
  return source === '.' || source === './';
}
