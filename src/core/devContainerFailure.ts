import type { ComposeFailure } from './compose';
import type { StepFailure } from './entrypointSteps';
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
