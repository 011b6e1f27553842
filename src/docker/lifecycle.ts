import type { ComposeAction, ComposeCli, ComposeTarget } from '../core/compose';
import type { EntrypointStep } from '../core/entrypointSteps';
import { phoenixContainer } from '../core/serviceView';
import { checkBuilds, recordBuilds, type BuildRecords } from './builds';
import { ensureDockerAnswers, readComposeConfig, runComposeAction } from './composeCli';
import type { DockerEngine } from './engine';
import { waitUntilReady, type ReadyDevContainer } from './readiness';

/** The stages of a start, in order, reported as they begin. */
export type StartStage = 'checking' | 'building' | 'starting' | 'waiting-for-node' | 'waiting-for-http' | 'ready';

export interface LifecycleReport {
  stage(stage: StartStage): void;
  /** A line of compose's output or of the app container's log, as it comes. */
  line(text: string): void;
  /** A step of the generated entrypoint begins (fetching dependencies, compiling, migrating...). */
  step?(step: EntrypointStep): void;
}

export interface LifecycleOptions {
  readonly signal?: AbortSignal;
  readonly report?: LifecycleReport;
  /** How long the node and Phoenix's port may take to answer (the first start compiles everything). */
  readonly readyTimeoutMs?: number;
  /** Environment for compose (e.g. DOCKER_HOST for the engine the extension uses). */
  readonly env?: NodeJS.ProcessEnv;
  /** What images were built from; without it an image is built when older than its Dockerfile. */
  readonly buildRecords?: BuildRecords;
  /**
   * When Start builds: `when-changed` (the default) when an image is missing or its Dockerfile
   * changed; `always` for images that hold the code, such as a release's (the layer cache keeps
   * it cheap).
   */
  readonly build?: 'when-changed' | 'always';
}

const SILENT: LifecycleReport = { stage: () => undefined, line: () => undefined };

/*
 * The operations on a compose project, in the order of the lifecycle. Each one runs compose
 * (composeCli.ts) and, when the app was (re)started, waits for it (readiness.ts).
 */

/**
 * Takes a compose project to ready: the compose file checked, images built when missing or older
 * than their Dockerfile (or always, as `options.build` says), the services started detached
 * (compose recreates those whose image changed), then the app's node and Phoenix's port answering.
 */
export async function startComposeProject(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions = {}): Promise<ReadyDevContainer> {
  const report = options.report ?? SILENT;
  report.stage('checking');
  const [services] = await Promise.all([readComposeConfig(cli, target, options), ensureDockerAnswers(engine)]);
  const stale = (await checkBuilds(engine, cli, target, services, options.buildRecords)).filter((check) => options.build === 'always' || check.needed);
  if (stale.length > 0) {
    report.stage('building');
    await compose(engine, cli, target, { kind: 'build', services: stale.map((check) => check.service) }, options);
    await recordBuilds(engine, stale, options.buildRecords);
  }
  report.stage('starting');
  await compose(engine, cli, target, { kind: 'up', build: 'never' }, options);
  return waitUntilReady(engine, target, report, options);
}

/** Builds the images again (optionally from scratch), then recreates the services and waits for them. */
export async function rebuildComposeProject(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, noCache: boolean, options: LifecycleOptions = {}): Promise<ReadyDevContainer> {
  const report = options.report ?? SILENT;
  report.stage('checking');
  const [services] = await Promise.all([readComposeConfig(cli, target, options), ensureDockerAnswers(engine)]);
  report.stage('building');
  await compose(engine, cli, target, { kind: 'build', noCache }, options);
  await recordBuilds(engine, await checkBuilds(engine, cli, target, services, undefined), options.buildRecords);
  report.stage('starting');
  await compose(engine, cli, target, { kind: 'up', build: 'never', forceRecreate: true }, options);
  return waitUntilReady(engine, target, report, options);
}

/**
 * Restarts the services' containers as they are (only those of `services` when given), then waits
 * for the app when it was restarted.
 */
export async function restartComposeProject(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options?: LifecycleOptions): Promise<ReadyDevContainer>;
export async function restartComposeProject(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions, services: readonly string[] | undefined): Promise<ReadyDevContainer | undefined>;
export async function restartComposeProject(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions = {}, services?: readonly string[]): Promise<ReadyDevContainer | undefined> {
  await ensureDockerAnswers(engine);
  // Nothing created yet (compose would restart nothing and say so as success): the user wants it running.
  if (services === undefined && (await engine.listComposeContainers(target.projectName)).length === 0) {
    return startComposeProject(engine, cli, target, options);
  }
  (options.report ?? SILENT).stage('starting');
  await compose(engine, cli, target, { kind: 'restart', ...(services && { services }) }, options);
  return waitUntilReadyIfApp(engine, target, services, options);
}

/** Starts the existing containers of `services` (compose start), then waits for the app when it is one of them. */
export async function startComposeServices(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, services: readonly string[], options: LifecycleOptions = {}): Promise<ReadyDevContainer | undefined> {
  (options.report ?? SILENT).stage('starting');
  await ensureDockerAnswers(engine);
  await compose(engine, cli, target, { kind: 'start', services }, options);
  return waitUntilReadyIfApp(engine, target, services, options);
}

/** Stops the services (only those of `services` when given), keeping their containers. */
export async function stopComposeProject(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions = {}, services?: readonly string[]): Promise<void> {
  await ensureDockerAnswers(engine);
  await compose(engine, cli, target, { kind: 'stop', ...(services && { services }) }, options);
}

/** Removes the containers and networks; the volumes (database, caches) only when asked to. */
export async function tearDownComposeProject(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, removeVolumes: boolean, options: LifecycleOptions = {}): Promise<void> {
  await ensureDockerAnswers(engine);
  await compose(engine, cli, target, { kind: 'down', removeVolumes }, options);
}

/** Waits for the app when all services (`services` undefined) or the app's own were (re)started. */
async function waitUntilReadyIfApp(engine: DockerEngine, target: ComposeTarget, services: readonly string[] | undefined, options: LifecycleOptions): Promise<ReadyDevContainer | undefined> {
  if (services !== undefined) {
    const app = phoenixContainer(await engine.listComposeContainers(target.projectName));
    if (app === undefined || !services.includes(app.service)) return undefined;
  }
  return waitUntilReady(engine, target, options.report ?? SILENT, options);
}

function compose(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, action: ComposeAction, options: LifecycleOptions): Promise<void> {
  const report = options.report ?? SILENT;
  return runComposeAction(engine, cli, target, action, { ...options, onLine: (line) => { report.line(line); } });
}
