import { isUp, serviceStatus, type ListedContainer, type ServiceStatus } from './containerState';
import { phoenixContainer } from './serviceView';

/** What a status is called: a service's status, or Docker not answering. The glue words each one. */
export type StatusWord = ServiceStatus['kind'] | 'unreachable';

interface Look {
  /** The codicon, e.g. `pass-filled` or `loading~spin`. */
  readonly icon: string;
  /** The theme colour of the icon, when it has one. */
  readonly color?: 'testing.iconPassed' | 'testing.iconFailed';
}

/** How a status is shown, the same in the view and the status bar; a failed container's exit code goes with its word. */
export type StatusLook = Look & ({ readonly word: Exclude<StatusWord, 'exited'> } | { readonly word: 'exited'; readonly exitCode: number });

/** A service's row: its status, with an icon that says whether it is up, on its way, failed or idle. */
export function serviceLook(status: ServiceStatus): StatusLook {
  switch (status.kind) {
    case 'running':
    case 'healthy':
      return { word: status.kind, icon: 'pass-filled', color: 'testing.iconPassed' };
    case 'starting':
    case 'restarting':
      return { word: status.kind, icon: 'loading~spin' };
    case 'exited':
      return { word: 'exited', exitCode: status.exitCode, icon: 'error', color: 'testing.iconFailed' };
    case 'unhealthy':
    case 'dead':
      return { word: status.kind, icon: 'error', color: 'testing.iconFailed' };
    case 'paused':
      return { word: status.kind, icon: 'debug-pause' };
    case 'stopped':
    case 'created':
      return { word: status.kind, icon: 'circle-outline' };
    case 'missing':
      return { word: status.kind, icon: 'dash' };
  }
}

/** A project's icon: a running machine when any of its containers is up. */
export function projectIcon(statuses: readonly ServiceStatus[]): 'vm-running' | 'vm-outline' {
  return statuses.some(isUp) ? 'vm-running' : 'vm-outline';
}

/**
 * A project in one line (the status bar): the status of its app (else of its first container, or
 * `missing` without any) with the project's icon; `unreachable` when Docker did not answer.
 */
export function projectLook(containers: readonly ListedContainer[] | 'unreachable'): StatusLook {
  if (containers === 'unreachable') return { word: 'unreachable', icon: projectIcon([]) };
  const app = serviceLook(serviceStatus(phoenixContainer(containers) ?? containers[0]));
  const icon = projectIcon(containers.map((container) => serviceStatus(container)));
  return app.word === 'exited' ? { word: 'exited', exitCode: app.exitCode, icon } : { word: app.word, icon };
}
