import { randomBytes } from 'node:crypto';
import { composeArgv, type ComposeCli, type ComposeTarget } from '../core/compose';
import { endSessionArgv, sessionMark } from '../core/node';
import { phoenixContainer } from '../core/serviceView';
import { oneOffContainerName, oneOffService, type OneOffProblem } from '../core/testing/oneOff';
import { containerProjectRoot } from '../core/testing/paths';
import type { ContainerCommand } from '../core/testing/run';
import { readComposeConfig } from './composeCli';
import type { DockerEngine } from './engine';
import { runProcess, type ProcessResult } from './process';

/** Where a project's mix commands run: its running app container, or a one-off container of its app service. */
export type MixContainer = RunningMixContainer | OneOffMixContainer;

/** The running container a project's mix commands run in, and where the project is inside it. */
export interface RunningMixContainer {
  readonly kind: 'running';
  readonly id: string;
  /** The project root in the container. */
  readonly root: string;
}

/** The app service whose one-off containers (`compose run`, one per command) run a project's mix commands, and how compose runs it. */
export interface OneOffMixContainer {
  readonly kind: 'one-off';
  readonly cli: ComposeCli;
  readonly target: ComposeTarget;
  readonly service: string;
  /** The project root in its containers. */
  readonly root: string;
}

/** The project's running app container, or undefined when it is not running. */
export async function runningMixContainer(engine: DockerEngine, composeProject: string, workspaceRoot: string): Promise<RunningMixContainer | undefined> {
  const app = phoenixContainer(await engine.listComposeContainers(composeProject));
  if (app?.state !== 'running') return undefined;
  const inspected = await engine.inspectContainer(app.id);
  if (!inspected.running) return undefined;
  return { kind: 'running', id: inspected.id, root: containerProjectRoot(workspaceRoot, inspected.mounts, inspected.workingDir) };
}

/**
 * The project's app service for one-off containers, and where its bind mount of the workspace
 * folder puts the project, as `compose config` resolves the compose files. Fails with a
 * OneOffUnavailableError when there is no app service or it does not mount the workspace folder.
 */
export async function oneOffMixContainer(cli: ComposeCli, target: ComposeTarget, appRole: string, workspaceRoot: string, cliEnv: NodeJS.ProcessEnv): Promise<OneOffMixContainer> {
  const found = oneOffService(await readComposeConfig(cli, target, { env: cliEnv }), appRole, workspaceRoot, target.projectDirectory);
  if ('problem' in found) throw new OneOffUnavailableError(found);
  return { kind: 'one-off', cli, target, ...found };
}

/** No one-off container can run the project's mix commands, for `reason`. */
export class OneOffUnavailableError extends Error {
  constructor(readonly reason: OneOffProblem) {
    super(oneOffProblemText(reason));
    this.name = 'OneOffUnavailableError';
  }
}

function oneOffProblemText(reason: OneOffProblem): string {
  switch (reason.problem) {
    case 'no-app-service':
      return `The compose files define no app service (services: ${reason.services.join(', ') || 'none'}).`;
    case 'invalid-service-name':
      return `The app service's name ${JSON.stringify(reason.service)} is not a plain compose service name (letters, digits, '.', '_', '-', not starting with a symbol).`;
    case 'project-not-mounted':
      return `The ${reason.service} service does not bind-mount the project folder, so where the project is in its container is not known.`;
  }
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
  return withStop(options, async (signal) => {
    // A cancel or a timeout stops the CLI here and, by its session mark, the program in the container: the run ends once that is done.
    let ending: Promise<unknown> | undefined;
    signal.addEventListener('abort', () => { ending = engine.exec(container, endSessionArgv(session)).catch(() => undefined); }, { once: true });
    try {
      return await runProcess({ command: options.cli, args }, {
        env: { ...options.cliEnv, ...env },
        signal,
        ...(options.onLine && { onLine: options.onLine }),
        ...(options.input !== undefined && { input: options.input }),
      });
    } finally {
      await ending;
    }
  });
}

export type OneOffRunOptions = Omit<ContainerRunOptions, 'cli' | 'input'>;

/**
 * Runs a command in a one-off container of the app service (`compose run`, with the compose files,
 * project name and environment of the lifecycle; an argv, no shell), its environment passed by name.
 * The container is named, and removed by that name once compose has ended: compose v2 leaves it
 * running when interrupted (a cancel, a timeout), and any compose does when killed.
 */
export async function runInOneOffContainer(engine: DockerEngine, container: OneOffMixContainer, command: ContainerCommand, options: OneOffRunOptions): Promise<ProcessResult> {
  const name = oneOffContainerName(container.target.projectName, container.service, randomBytes(6).toString('hex'));
  const argv = composeArgv(container.cli, container.target, { kind: 'run', service: container.service, name, workdir: options.workdir, envNames: Object.keys(command.env), argv: command.argv });
  try {
    return await withStop(options, (signal) => runProcess(argv, {
      cwd: container.target.projectDirectory,
      env: { ...options.cliEnv, ...command.env },
      signal,
      ...(options.onLine && { onLine: options.onLine }),
    }));
  } finally {
    // A failed removal is told in the output: it must not replace the run's own result or error.
    await engine.removeContainer(name).catch((error: unknown) => {
      options.onLine?.(`The one-off container ${name} could not be removed (${error instanceof Error ? error.message : String(error)}): remove it with \`docker rm -f ${name}\`.`);
    });
  }
}

/** Runs `work` with one signal for the caller's cancel and the timeout, which aborts it with a ContainerRunTimeoutError. */
async function withStop<T>(options: { readonly signal?: AbortSignal; readonly timeoutMs?: number }, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const cancel = (): void => { stop.abort(options.signal?.reason); };
  if (options.signal?.aborted) cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => { stop.abort(new ContainerRunTimeoutError(options.timeoutMs ?? 0)); }, options.timeoutMs);
  try {
    return await work(stop.signal);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
  }
}

/** A command run in the container did not finish in time (and was stopped). */
class ContainerRunTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The command in the container did not finish within ${Math.round(timeoutMs / 1000)} s.`);
    this.name = 'ContainerRunTimeoutError';
  }
}

/**
 * Stops every run of `running` (each one's stop, and its run settled once it has cleaned up in its
 * container) and waits at most `waitMs` for them: runs are process groups of their own, which
 * would otherwise outlive the extension.
 */
export async function stopRuns(running: ReadonlyMap<AbortController, Promise<unknown>>, waitMs: number): Promise<void> {
  const runs = [...running].map(([stop, run]) => {
    stop.abort();
    return run;
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(runs), new Promise((resolve) => { timer = setTimeout(resolve, waitMs); })]);
  clearTimeout(timer);
}
