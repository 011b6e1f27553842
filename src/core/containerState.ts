/** A compose service's container as the Docker engine lists it (the fields the view needs). */
export interface ListedContainer {
  readonly id: string;
  readonly service: string;
  /** Engine state: created, running, paused, restarting, removing, exited or dead. */
  readonly state: string;
  /** Human status line, e.g. "Up 5 minutes (healthy)" or "Exited (1) 2 minutes ago". */
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
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
