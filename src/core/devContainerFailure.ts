import { classifyComposeFailure, type ComposeCli, type ComposeFailure } from './compose';
import { classifyStepFailure, type StepFailure } from './entrypointSteps';
import type { NodeProbeOutcome } from './nodeProbe';

/** Why a dev container could not be started or reached, as data; the glue words it for the user. */
export type DevContainerFailure =
  | { readonly kind: 'docker-not-installed' }
  | { readonly kind: 'compose-missing'; readonly tried: readonly string[] }
  | { readonly kind: 'docker-unreachable'; readonly host: string; readonly detail: string }
  | Exclude<ComposeFailure, { kind: 'docker-unreachable' | 'port-in-use' | 'other' }>
  | { readonly kind: 'port-in-use'; readonly port: number | undefined; readonly holder: string | undefined }
  | { readonly kind: 'compose-failed'; readonly command: string; readonly detail: string }
  | { readonly kind: 'container-exited'; readonly service: string; readonly exitCode: number; readonly lastLines: readonly string[] }
  | {
    readonly kind: 'node-not-answering';
    readonly node: string;
    readonly waitedMs: number;
    /** What the last probe saw; undefined when the probe itself could not run (its output is in lastLines). */
    readonly outcome: NodeProbeOutcome | undefined;
    readonly lastLines: readonly string[];
  }
  /** A step of the generated entrypoint failed (dependencies, compilation, database, migration). */
  | { readonly kind: 'step-failed'; readonly failed: StepFailure; readonly during: StepFailureContext; readonly lastLines: readonly string[] }
  /** Reset Database ended without its script saying which step failed. */
  | { readonly kind: 'reset-database-failed'; readonly exitCode: number | undefined; readonly lastLines: readonly string[] }
  /** Phoenix listens inside the container on loopback only, out of the published port's reach. */
  | { readonly kind: 'http-on-loopback'; readonly url: string; readonly port: number }
  | { readonly kind: 'http-not-answering'; readonly url: string; readonly waitedMs: number; readonly lastLines: readonly string[] };

/** What the entrypoint's steps were run for: a start, or "Reset Database". */
export type StepFailureContext = 'start' | 'reset-database';

/** A failure the user can act on; the message is a plain English summary for logs and benchmarks. */
export class DevContainerError extends Error {
  constructor(readonly failure: DevContainerFailure) {
    super(`dev container: ${failure.kind}`);
    this.name = 'DevContainerError';
  }
}

/** How a compose run ended, as far as its failure is concerned. */
export interface ComposeRun {
  /** Why the program could not be started (`ENOENT` when it is not installed); undefined when it ran. */
  readonly startErrorCode: string | undefined;
  /** Its stdout and stderr as they came. */
  readonly output: string;
}

/** Who the engine is, in a message, when it cannot say itself. */
export const UNNAMED_ENGINE = 'the Docker engine';

/**
 * What a failed compose run means for the user. The engine's address and the holder of a port in
 * use are not known here: `docker-unreachable` names UNNAMED_ENGINE and `port-in-use` no holder,
 * for the caller to fill in when it can ask the engine.
 */
export function composeRunFailure(cli: Pick<ComposeCli, 'command' | 'flavour'>, command: string, run: ComposeRun): DevContainerFailure {
  if (run.startErrorCode !== undefined) {
    return run.startErrorCode === 'ENOENT' && cli.command === 'docker'
      ? { kind: 'docker-not-installed' }
      : { kind: 'compose-missing', tried: [cli.flavour] };
  }
  const failure = classifyComposeFailure(run.output);
  switch (failure.kind) {
    case 'docker-unreachable': return { kind: 'docker-unreachable', host: UNNAMED_ENGINE, detail: failure.detail };
    case 'port-in-use': return { kind: 'port-in-use', port: failure.port, holder: undefined };
    case 'other': return { kind: 'compose-failed', command, detail: failure.detail };
    default: return failure;
  }
}

/** Whether the container's log may name an entrypoint step behind the failure: it stopped, or its node or page never answered. */
export function mayBeAFailedStep(failure: DevContainerFailure): boolean {
  return failure.kind === 'container-exited' || failure.kind === 'node-not-answering' || failure.kind === 'http-not-answering';
}

/**
 * A failed wait for the app, told as the entrypoint step that failed (fetching dependencies,
 * compiling, the database, a migration) when the container's last lines name it; else as it is.
 * `containerStopped`: the container is no longer running.
 */
export function failedStepOr(failure: DevContainerFailure, logs: readonly string[], containerStopped: boolean, linesShown: number): DevContainerFailure {
  if (!mayBeAFailedStep(failure)) return failure;
  const failed = classifyStepFailure(logs, failure.kind === 'container-exited' || containerStopped);
  return failed === undefined ? failure : { kind: 'step-failed', failed, during: 'start', lastLines: logs.slice(-linesShown) };
}
