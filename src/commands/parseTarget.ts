import { isRecord } from '../core/isRecord';
import type { PhoenixProject } from '../ui/phoenixProjects';
import type { Target } from '../ui/target';

/** What a command was given: a target, nothing (the palette), or something it must not act on. */
export type ParsedTarget = { readonly target: Target | undefined } | { readonly rejected: string };

/** The kinds of the view's rows that carry a target (a message row carries none). */
const ROW_KINDS: ReadonlySet<unknown> = new Set(['project', 'service', 'missing', 'detail']);
/** A full or short Docker container id: nothing else goes into `docker exec`'s argv as one. */
const CONTAINER_ID = /^[0-9a-f]{12,64}$/;
/** A compose service or node name: no whitespace or control characters, never read as an option. */
const NAME = /^[^\s\p{Cc}-][^\s\p{Cc}]{0,254}$/u;
const URL_PATTERN = /^https?:\/\/[^\s\p{Cc}]{1,2000}$/u;

/**
 * Parses what VS Code passes to a command: nothing from the palette or a keybinding, a row of
 * the Phoenix view (which carries its target), a target that another command or notification
 * passed on, or the link `{ url }` of a URL row. Everything is checked, not just that keys exist:
 * a project is one of `projects` (the current scan, which the result refers to), a container an
 * id, a name never an option. Anything else is rejected, with why.
 */
export function parseTarget(value: unknown, projects: readonly PhoenixProject[]): ParsedTarget {
  if (value === undefined) return { target: undefined };
  if (!isRecord(value)) return { rejected: `not a target: ${typeof value}` };
  const fromRow = ROW_KINDS.has(value['kind']) && 'target' in value ? value['target'] : value;
  if (fromRow === value && onlyKeys(value, ['url'])) return parseUrl(value['url']);
  return isRecord(fromRow) ? parseRecord(fromRow, projects) : { rejected: 'a row without a target' };
}

function parseRecord(value: Readonly<Record<string, unknown>>, projects: readonly PhoenixProject[]): ParsedTarget {
  switch (value['kind']) {
    case 'environment': {
      if (!onlyKeys(value, ['kind', 'project'])) return { rejected: 'an environment with other keys' };
      const project = scannedProject(value['project'], projects);
      return project === undefined ? { rejected: 'an environment that is not in the workspace' } : { target: { kind: 'environment', project } };
    }
    case 'service': {
      if (!onlyKeys(value, ['kind', 'project', 'service', 'container'])) return { rejected: 'a service with other keys' };
      const project = scannedProject(value['project'], projects);
      const { service, container } = value;
      if (project === undefined) return { rejected: 'a service of an environment that is not in the workspace' };
      if (!isName(service)) return { rejected: 'a service without a valid name' };
      if (container !== undefined && !isContainerId(container)) return { rejected: 'a service whose container is not a container id' };
      return { target: { kind: 'service', project, service, container } };
    }
    case 'node': {
      if (!onlyKeys(value, ['kind', 'project', 'service', 'container', 'node'])) return { rejected: 'a node with other keys' };
      const project = scannedProject(value['project'], projects);
      const { service, container, node } = value;
      if (project === undefined) return { rejected: 'a node of an environment that is not in the workspace' };
      if (!isName(service) || !isName(node) || !isContainerId(container)) return { rejected: 'a node without a valid service, container or name' };
      return { target: { kind: 'node', project, service, container, node } };
    }
    case 'url':
      return onlyKeys(value, ['kind', 'url']) ? parseUrl(value['url']) : { rejected: 'a URL with other keys' };
    default:
      return { rejected: 'not a target' };
  }
}

function parseUrl(url: unknown): ParsedTarget {
  return typeof url === 'string' && URL_PATTERN.test(url) && URL.canParse(url) ? { target: { kind: 'url', url } } : { rejected: 'not an http(s) URL' };
}

/** The scanned project that `value` names by its folder and environment; undefined when there is none. */
function scannedProject(value: unknown, projects: readonly PhoenixProject[]): PhoenixProject | undefined {
  if (!isRecord(value) || !isRecord(value['folder']) || !isRecord(value['environment'])) return undefined;
  const uri = value['folder']['uri'];
  const kind = value['environment']['kind'];
  // Projects are folders on disk (file: URIs), so their path names them.
  const path = isRecord(uri) ? uri['fsPath'] : undefined;
  if (typeof path !== 'string' || typeof kind !== 'string') return undefined;
  return projects.find((project) => project.environment.kind === kind && project.folder.uri.fsPath === path);
}

function onlyKeys(value: Readonly<Record<string, unknown>>, keys: readonly string[]): boolean {
  return Object.keys(value).every((key) => keys.includes(key));
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}

function isContainerId(value: unknown): value is string {
  return typeof value === 'string' && CONTAINER_ID.test(value);
}
