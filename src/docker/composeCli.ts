import {
  COMPOSE_FLAVOURS,
  candidateFlavours,
  composeArgv,
  composeCli,
  parseComposeConfig,
  parseComposeVersion,
  versionProbe,
  type ComposeAction,
  type ComposeCli,
  type ComposeService,
  type ComposeSetting,
  type ComposeTarget,
} from '../core/compose';
import { DevContainerError, UNNAMED_ENGINE, composeRunFailure, type DevContainerFailure } from '../core/devContainerFailure';
import type { DockerEngine } from './engine';
import { describePortHolder } from './portHolder';
import { runProcess, type ProcessResult } from './process';

/** How a compose command runs: its environment, how it is stopped, where its lines go. */
export interface ComposeRunOptions {
  /** Environment for compose (e.g. DOCKER_HOST for the engine the extension uses). */
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** Each line of compose's output, as it comes. */
  readonly onLine?: (line: string) => void;
}

/** The first compose CLI that answers, in the setting's order; fails saying what was tried. */
export async function detectComposeCli(setting: ComposeSetting, env: NodeJS.ProcessEnv = process.env): Promise<ComposeCli> {
  const flavours = candidateFlavours(setting);
  const missingPrograms = new Set<string>();
  for (const flavour of flavours) {
    const probe = versionProbe(flavour);
    const result = await runProcess(probe, { env, timeoutMs: 15_000 });
    const version = result.code === 0 ? parseComposeVersion(result.stdout) : undefined;
    if (version !== undefined) return composeCli(flavour, version);
    if (result.startError?.code === 'ENOENT') missingPrograms.add(probe.command);
  }
  // Without the docker program there is no compose v2 either, and nothing else to try first.
  if (missingPrograms.has('docker') && flavours.every((flavour) => missingPrograms.has(versionProbe(flavour).command))) {
    throw new DevContainerError({ kind: 'docker-not-installed' });
  }
  throw new DevContainerError({ kind: 'compose-missing', tried: flavours.length > 0 ? flavours : COMPOSE_FLAVOURS });
}

/** Runs a compose action in the project's folder; fails with what its output says went wrong. */
export async function runComposeAction(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, action: ComposeAction, options: ComposeRunOptions): Promise<void> {
  const result = await runCompose(cli, target, action, options);
  if (result.code !== 0) throw new DevContainerError(await describeComposeFailure(engine, cli, action.kind, result));
}

/** The services of the project as compose resolves its files. */
export async function readComposeConfig(cli: ComposeCli, target: ComposeTarget, options: Omit<ComposeRunOptions, 'onLine'>): Promise<ComposeService[]> {
  const result = await runCompose(cli, target, { kind: 'config' }, options);
  if (result.code !== 0) throw new DevContainerError(await describeComposeFailure(undefined, cli, 'config', result));
  try {
    return parseComposeConfig(result.stdout);
  } catch (error) {
    throw new DevContainerError({ kind: 'compose-failed', command: 'config', detail: errorText(error) });
  }
}

/** Fails saying the engine is unreachable, and where it was looked for, when it does not answer. */
export async function ensureDockerAnswers(engine: DockerEngine): Promise<void> {
  try {
    await engine.ping();
  } catch (error) {
    throw new DevContainerError({ kind: 'docker-unreachable', host: await engine.host().catch(() => UNNAMED_ENGINE), detail: errorText(error) });
  }
}

function runCompose(cli: ComposeCli, target: ComposeTarget, action: ComposeAction, options: ComposeRunOptions): Promise<ProcessResult> {
  return runProcess(composeArgv(cli, target, action), {
    cwd: target.projectDirectory,
    ...(options.env && { env: options.env }),
    ...(options.signal && { signal: options.signal }),
    ...(options.onLine && { onLine: options.onLine }),
  });
}

/** The failure, with the engine's address and the holder of a port in use when the engine can say. */
async function describeComposeFailure(engine: DockerEngine | undefined, cli: ComposeCli, command: string, result: ProcessResult): Promise<DevContainerFailure> {
  const failure = composeRunFailure(cli, command, { startErrorCode: result.startError?.code, output: result.output });
  if (engine === undefined) return failure;
  switch (failure.kind) {
    case 'docker-unreachable':
      return { ...failure, host: await engine.host().catch(() => failure.host) };
    case 'port-in-use':
      return failure.port === undefined ? failure : { ...failure, holder: await describePortHolder(engine, failure.port) };
    default:
      return failure;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
