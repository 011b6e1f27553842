import { randomBytes } from 'node:crypto';
import { endRemoteShellArgv, sessionMark } from '../core/node';
import { phoenixContainer } from '../core/serviceView';
import { containerProjectRoot } from '../core/testing/paths';
import type { ContainerCommand } from '../core/testing/run';
import type { DockerEngine } from './engine';
import { runProcess, type ProcessResult } from './process';

/** The running container a project's mix commands run in, and where the project is inside it. */
export interface MixContainer {
  readonly id: string;
  /** The project root in the container. */
  readonly root: string;
}

/** The project's running app container, or undefined when it is not running. */
export async function runningMixContainer(engine: DockerEngine, composeProject: string, workspaceRoot: string): Promise<MixContainer | undefined> {
  const app = phoenixContainer(await engine.listComposeContainers(composeProject));
  if (app?.state !== 'running') return undefined;
  const inspected = await engine.inspectContainer(app.id);
  if (!inspected.running) return undefined;
  return { id: inspected.id, root: containerProjectRoot(workspaceRoot, inspected.mounts, inspected.workingDir) };
}

export interface ContainerRunOptions {
  /** The container CLI (docker, or podman where compose is Podman's) and the environment it runs in. */
  readonly cli: string;
  readonly cliEnv: NodeJS.ProcessEnv;
  /** The working directory in the container. */
  readonly workdir: string;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
  /** Text for the program's standard input. */
  readonly input?: string;
  readonly timeoutMs?: number;
}

/**
 * Runs a command in a running container through the container CLI (an argv, no shell on this
 * machine), its environment passed by name so that no value shows on a command line. Cancelling
 * also ends what it started in the container: `docker exec` leaves it running otherwise.
 */
export async function runInContainer(engine: DockerEngine, container: string, command: ContainerCommand, options: ContainerRunOptions): Promise<ProcessResult> {
  const session = `mix_${randomBytes(6).toString('hex')}`;
  const [markName = '', markValue = ''] = sessionMark(session).split('=');
  const env: Record<string, string> = { ...command.env, [markName]: markValue };
  const args = [
    'exec',
    ...(options.input === undefined ? [] : ['-i']),
    '-w', options.workdir,
    ...Object.keys(env).flatMap((name) => ['-e', name]),
    container,
    ...command.argv,
  ];
  // A cancel or a timeout stops the CLI here and, by its session mark, the program in the container.
  const stop = new AbortController();
  const cancel = (): void => { stop.abort(options.signal?.reason); };
  if (options.signal?.aborted) cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => { stop.abort(new ContainerRunTimeoutError(options.timeoutMs ?? 0)); }, options.timeoutMs);
  stop.signal.addEventListener('abort', () => { void engine.exec(container, endRemoteShellArgv(session)).catch(() => undefined); }, { once: true });
  try {
    return await runProcess({ command: options.cli, args }, {
      env: { ...options.cliEnv, ...env },
      signal: stop.signal,
      ...(options.onLine && { onLine: options.onLine }),
      ...(options.input !== undefined && { input: options.input }),
    });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
  }
}

/** A command run in the container did not finish in time (and was stopped). */
export class ContainerRunTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The command in the container did not finish within ${Math.round(timeoutMs / 1000)} s.`);
    this.name = 'ContainerRunTimeoutError';
  }
}
