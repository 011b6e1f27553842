import { resolve } from 'node:path';
import type { ComposeService } from '../compose';
import { LABELS } from '../contract';
import { mountedProjectRoot } from './paths';

/*
 * A one-off container of the app service (`compose run`), for tests and mix tasks while the dev
 * container is down: which service it is and where the project is inside it, from `compose config`.
 */

/** The app service a one-off container runs as, and the project root inside its containers. */
export interface OneOffService {
  readonly service: string;
  readonly root: string;
}

/** Why no one-off container can run: no app service, one whose name compose would misread, or none that bind-mounts the workspace folder. */
export type OneOffProblem =
  | { readonly problem: 'no-app-service'; readonly services: readonly string[] }
  | { readonly problem: 'invalid-service-name'; readonly service: string }
  | { readonly problem: 'project-not-mounted'; readonly service: string };

/** A compose service name: it goes on `compose run`'s command line, where a name like `--privileged` would read as a flag. */
const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/**
 * The app service (the one labelled with the environment's role, else the only one) and where
 * its bind mount of the workspace folder (or of a folder above it) puts the project. A relative
 * source (`../x`, as podman-compose prints the file as written) is relative to the compose project's folder.
 */
export function oneOffService(services: readonly ComposeService[], appRole: string, workspace: string, projectDirectory: string): OneOffService | OneOffProblem {
  const app = services.find((service) => service.labels[LABELS.role] === appRole) ?? (services.length === 1 ? services[0] : undefined);
  if (app === undefined) return { problem: 'no-app-service', services: services.map((service) => service.name) };
  if (!SERVICE_NAME.test(app.name)) return { problem: 'invalid-service-name', service: app.name };
  const mounts = app.mounts.map((mount) => ({
    type: mount.type,
    source: mount.type === 'bind' && mount.source.startsWith('.') ? resolve(projectDirectory, mount.source) : mount.source,
    destination: mount.target,
  }));
  const root = mountedProjectRoot(workspace, mounts);
  return root === undefined ? { problem: 'project-not-mounted', service: app.name } : { service: app.name, root };
}

/**
 * A name for a one-off container, unique by `suffix` (random hex), from the compose project's and
 * the service's names (both valid in a container name), so that a cancel can remove it by name.
 */
export function oneOffContainerName(projectName: string, service: string, suffix: string): string {
  return `${projectName}-${service}-mix-${suffix}`;
}
