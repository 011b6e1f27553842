import { isUp, type ContainerPorts, type ListedContainer, type ServiceStatus } from './containerState';
import { LABELS } from './contract';
import { environmentOfRole } from './environments';

/** A row of the view under a project: a container of a service, or a service the compose files define without one. */
export interface ServiceEntry {
  readonly name: string;
  readonly container: ListedContainer | undefined;
}

/**
 * The services to show, by name: every container of the compose project, and each service the
 * compose files define that has no container.
 */
export function mergeServices(containers: readonly ListedContainer[], defined: readonly string[]): ServiceEntry[] {
  const entries: ServiceEntry[] = containers.map((container) => ({ name: container.service, container }));
  for (const name of new Set(defined)) {
    if (!containers.some((container) => container.service === name)) entries.push({ name, container: undefined });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name) || (a.container?.id ?? '').localeCompare(b.container?.id ?? ''));
}

/** Whether a container runs the Phoenix app of an environment (the dev server, the release), as the scaffolds label them. */
export function runsPhoenix(container: Pick<ListedContainer, 'labels'>): boolean {
  return environmentOfRole(container.labels[LABELS.role]) !== undefined;
}

/** The project's Phoenix container: the labelled one, or the only one. */
export function phoenixContainer<T extends Pick<ListedContainer, 'labels'>>(containers: readonly T[]): T | undefined {
  return containers.find(runsPhoenix) ?? (containers.length === 1 ? containers[0] : undefined);
}

/**
 * Published ports as `published→target` (with the host address when it is a single one, and the
 * protocol when not tcp), one per port whatever the number of addresses: "4000→4000",
 * "127.0.0.1:5432→5432", "5353→53/udp".
 */
export function publishedPorts(ports: ContainerPorts | undefined): string[] {
  const texts = Object.entries(ports ?? {})
    .map(([key, bindings]) => ({ key, bindings: bindings ?? [], target: Number.parseInt(key, 10) }))
    .sort((a, b) => a.target - b.target)
    .flatMap(({ key, bindings }) => {
      const [target = key, protocol = 'tcp'] = key.split('/');
      const suffix = protocol === 'tcp' ? '' : `/${protocol}`;
      return bindings.map((binding) => {
        const everywhere = binding.HostIp === '' || binding.HostIp === '0.0.0.0' || binding.HostIp === '::';
        const host = everywhere ? '' : `${binding.HostIp.includes(':') ? `[${binding.HostIp}]` : binding.HostIp}:`;
        return `${host}${binding.HostPort}→${target}${suffix}`;
      });
    });
  return [...new Set(texts)];
}

/** The words a state puts in a context value: `running` for every running container, then its health. */
const STATE_WORDS: Readonly<Record<ServiceStatus['kind'], string>> = {
  running: 'running',
  healthy: 'running healthy',
  starting: 'running starting',
  unhealthy: 'running unhealthy',
  restarting: 'restarting',
  paused: 'paused',
  created: 'created',
  stopped: 'stopped',
  exited: 'exited',
  dead: 'dead',
  missing: 'missing',
};

/**
 * A service item's context value, space-separated words the menus match: `service`, its state
 * (running [healthy|starting|unhealthy], restarting, paused, created, stopped, exited (failed),
 * dead or missing (not created)), then `node` when it runs an Erlang node and `web` when Phoenix's
 * port is published. E.g. "service running node web", "service exited", "service missing".
 */
export function serviceContextValue(status: ServiceStatus, traits: { readonly node: boolean; readonly web: boolean }): string {
  return ['service', STATE_WORDS[status.kind], ...(traits.node ? ['node'] : []), ...(traits.web ? ['web'] : [])].join(' ');
}

/** A project item's context value: "project running" when any of its containers is up, else "project stopped". */
export function projectContextValue(statuses: readonly ServiceStatus[]): string {
  return statuses.some(isUp) ? 'project running' : 'project stopped';
}
