/** Ports by "<port>/<protocol>" with their host bindings; null when exposed but not published (as `docker inspect` gives them). */
export type ContainerPorts = Readonly<Record<string, readonly { readonly HostIp: string; readonly HostPort: string }[] | null>>;

/** A compose service's container as the Docker engine lists it (the fields the view needs). */
export interface ListedContainer {
  readonly id: string;
  readonly service: string;
  /** Engine state: created, running, paused, restarting, removing, exited or dead. */
  readonly state: string;
  /** Human status line, e.g. "Up 5 minutes (healthy)" or "Exited (1) 2 minutes ago". */
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Entrypoint and arguments joined by spaces; absent when not listed by the engine. */
  readonly command?: string;
  /** Its ports; absent when not listed by the engine. */
  readonly ports?: ContainerPorts;
}

export type ServiceState =
  | { readonly kind: 'running' | 'healthy' | 'starting' | 'unhealthy' | 'restarting' | 'paused' | 'created' | 'dead' }
  | { readonly kind: 'exited'; readonly exitCode: number | undefined };

/** Reads the health and exit code that the engine only reports inside the status line. */
export function serviceState(container: Pick<ListedContainer, 'state' | 'status'>): ServiceState {
  switch (container.state) {
    case 'running': {
      const health = /\((healthy|unhealthy|health: starting)\)/.exec(container.status)?.[1];
      if (health === 'healthy') return { kind: 'healthy' };
      if (health === 'unhealthy') return { kind: 'unhealthy' };
      if (health === 'health: starting') return { kind: 'starting' };
      return { kind: 'running' };
    }
    case 'exited': {
      const code = /^Exited \((-?\d+)\)/.exec(container.status)?.[1];
      return { kind: 'exited', exitCode: code === undefined ? undefined : Number(code) };
    }
    case 'restarting':
    case 'paused':
    case 'created':
    case 'dead':
      return { kind: container.state };
    default:
      return { kind: 'dead' };
  }
}

/**
 * A service as the view shows it: its container's state, with an exit after a stop told apart
 * from a failure, or `missing` when the compose file defines it but it has no container.
 */
export type ServiceStatus =
  | Exclude<ServiceState, { readonly kind: 'exited' }>
  | { readonly kind: 'stopped'; readonly exitCode: number | undefined }
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'missing' };

/**
 * How a process ends under `docker stop`, `compose stop` or Ctrl-C: 0 (it shut down cleanly), or
 * 128 + the signal that ended it (HUP, INT, QUIT, KILL, TERM).
 */
const STOP_EXIT_CODES: ReadonlySet<number> = new Set([0, 128 + 1, 128 + 2, 128 + 3, 128 + 9, 128 + 15]);

export function serviceStatus(container: Pick<ListedContainer, 'state' | 'status'> | undefined): ServiceStatus {
  if (container === undefined) return { kind: 'missing' };
  const state = serviceState(container);
  if (state.kind !== 'exited') return state;
  return state.exitCode === undefined || STOP_EXIT_CODES.has(state.exitCode)
    ? { kind: 'stopped', exitCode: state.exitCode }
    : { kind: 'exited', exitCode: state.exitCode };
}

/** Whether the container is up (running in any health, restarting or paused): what Stop applies to. */
export function isUp(status: ServiceStatus): boolean {
  switch (status.kind) {
    case 'running':
    case 'healthy':
    case 'starting':
    case 'unhealthy':
    case 'restarting':
    case 'paused':
      return true;
    default:
      return false;
  }
}

/** The ports of a container list entry, in the shape `docker inspect` gives them. */
export function listedPorts(ports: readonly { readonly IP?: string; readonly PrivatePort: number; readonly PublicPort?: number; readonly Type: string }[]): ContainerPorts {
  const byPort: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const port of ports) {
    const key = `${port.PrivatePort}/${port.Type}`;
    const bindings = byPort[key] ?? null;
    if (port.PublicPort === undefined || port.PublicPort === 0) {
      byPort[key] = bindings;
      continue;
    }
    byPort[key] = [...(bindings ?? []), { HostIp: port.IP ?? '', HostPort: String(port.PublicPort) }];
  }
  return byPort;
}
