import { setTimeout as sleep } from 'node:timers/promises';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  COMPOSE_FLAVOURS,
  builtImageName,
  candidateFlavours,
  listensOnLoopbackOnly,
  classifyComposeFailure,
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
import type { ContainerPorts } from '../core/containerState';
import { DevContainerError } from '../core/devContainerFailure';
import { classifyStepFailure, parseStepMarker, type EntrypointStep } from '../core/entrypointSteps';
import { lastLines } from '../core/lines';
import { LABELS } from '../core/contract';
import { phoenixContainer } from '../core/serviceView';
import type { DockerEngine, InspectedContainer } from './engine';
import { LOG_LINES_IN_ERRORS, discoverContainerNode, throwIfExited, waitForNode } from './containerNode';
import { describePortHolder } from './portHolder';
import { runProcess, type ProcessResult } from './process';

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

export interface ReadyDevContainer {
  readonly containerId: string;
  readonly service: string;
  /** The app's Erlang node, when it runs one. */
  readonly node: string | undefined;
  /** Phoenix's URL on this machine, when its port is published. */
  readonly url: string | undefined;
}

const DEFAULT_READY_TIMEOUT_MS = 300_000;
/** A container started this recently is one this start (re)started: its output is followed from its start. */
const JUST_STARTED_MS = 60_000;
const SILENT: LifecycleReport = { stage: () => undefined, line: () => undefined };

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

/**
 * Takes a dev container to ready: the compose file checked, images built when missing or older
 * than their Dockerfile (or always, as `options.build` says), the services started detached
 * (compose recreates those whose image changed), then the app's node and Phoenix's port answering.
 */
export async function startDevContainer(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions = {}): Promise<ReadyDevContainer> {
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
  return waitUntilReady(engine, target, options);
}

/** Builds the images again (optionally from scratch), then recreates the services and waits for them. */
export async function rebuildDevContainer(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, noCache: boolean, options: LifecycleOptions = {}): Promise<ReadyDevContainer> {
  const report = options.report ?? SILENT;
  report.stage('checking');
  const [services] = await Promise.all([readComposeConfig(cli, target, options), ensureDockerAnswers(engine)]);
  report.stage('building');
  await compose(engine, cli, target, { kind: 'build', noCache }, options);
  await recordBuilds(engine, await checkBuilds(engine, cli, target, services, undefined), options.buildRecords);
  report.stage('starting');
  await compose(engine, cli, target, { kind: 'up', build: 'never', forceRecreate: true }, options);
  return waitUntilReady(engine, target, options);
}

/**
 * Restarts the services' containers as they are (only those of `services` when given), then waits
 * for the app when it was restarted.
 */
export async function restartDevContainer(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options?: LifecycleOptions): Promise<ReadyDevContainer>;
export async function restartDevContainer(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions, services: readonly string[] | undefined): Promise<ReadyDevContainer | undefined>;
export async function restartDevContainer(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions = {}, services?: readonly string[]): Promise<ReadyDevContainer | undefined> {
  await ensureDockerAnswers(engine);
  // Nothing created yet (compose would restart nothing and say so as success): the user wants it running.
  if (services === undefined && (await engine.listComposeContainers(target.projectName)).length === 0) {
    return startDevContainer(engine, cli, target, options);
  }
  (options.report ?? SILENT).stage('starting');
  await compose(engine, cli, target, { kind: 'restart', ...(services && { services }) }, options);
  return waitUntilReadyIfApp(engine, target, services, options);
}

/** Starts the existing containers of `services` (compose start), then waits for the app when it is one of them. */
export async function startServices(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, services: readonly string[], options: LifecycleOptions = {}): Promise<ReadyDevContainer | undefined> {
  (options.report ?? SILENT).stage('starting');
  await ensureDockerAnswers(engine);
  await compose(engine, cli, target, { kind: 'start', services }, options);
  return waitUntilReadyIfApp(engine, target, services, options);
}

/** Stops the services (only those of `services` when given), keeping their containers. */
export async function stopDevContainer(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions = {}, services?: readonly string[]): Promise<void> {
  await ensureDockerAnswers(engine);
  await compose(engine, cli, target, { kind: 'stop', ...(services && { services }) }, options);
}

/** Removes the containers and networks; the volumes (database, caches) only when asked to. */
export async function tearDownDevContainer(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, removeVolumes: boolean, options: LifecycleOptions = {}): Promise<void> {
  await ensureDockerAnswers(engine);
  await compose(engine, cli, target, { kind: 'down', removeVolumes }, options);
}

/** The app container once running, its node answering and Phoenix's port responding. */
export async function waitUntilReady(engine: DockerEngine, target: ComposeTarget, options: LifecycleOptions = {}): Promise<ReadyDevContainer> {
  const report = options.report ?? SILENT;
  const deadline = Date.now() + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  const app = await findAppContainer(engine, target.projectName);
  const following = new AbortController();
  const stopFollowing = (): void => { following.abort(); };
  options.signal?.addEventListener('abort', stopFollowing, { once: true });
  // The app's own output (dependencies, compilation, migrations) is what the user waits on, from
  // its start when that was just now (its first steps come before the logs are followed).
  const justStarted = Date.now() - app.startedAt < JUST_STARTED_MS;
  engine.followLogs(app.id, (line) => {
    const marker = parseStepMarker(line);
    if (marker?.kind === 'begins') report.step?.(marker.step);
    report.line(line);
  }, following.signal, justStarted ? app.startedAt : Date.now()).catch(() => undefined);
  try {
    const discovery = await discoverContainerNode(engine, app);
    const node = discovery.kind === 'found' ? discovery : undefined;
    if (node !== undefined) {
      report.stage('waiting-for-node');
      await waitForNode(engine, app, node, deadline, options.signal);
    }
    const url = publishedUrl(app);
    if (url !== undefined) {
      report.stage('waiting-for-http');
      await waitForHttp(engine, app, url, deadline, options.signal);
    }
    report.stage('ready');
    return { containerId: app.id, service: app.labels['com.docker.compose.service'] ?? app.name, node: node?.node, url };
  } catch (error) {
    // A connection error here most often means the engine went away mid-way: say that instead.
    if (!(error instanceof DevContainerError) && !options.signal?.aborted) await ensureDockerAnswers(engine);
    throw await withFailedStepNamed(engine, app, error);
  } finally {
    stopFollowing();
    options.signal?.removeEventListener('abort', stopFollowing);
  }
}

/** Lines of the app's log read to find which entrypoint step failed and why. */
const STEP_FAILURE_LOG_LINES = 200;

/**
 * A container that stopped, or a node or page that never answered, is reported as the entrypoint
 * step that failed (fetching dependencies, compiling, the database, a migration) when the
 * container's log names it; any other error is returned as it is.
 */
async function withFailedStepNamed(engine: DockerEngine, app: InspectedContainer, error: unknown): Promise<unknown> {
  if (!(error instanceof DevContainerError)) return error;
  const { kind } = error.failure;
  if (kind !== 'container-exited' && kind !== 'node-not-answering' && kind !== 'http-not-answering') return error;
  const now = await engine.inspectContainer(app.id).catch(() => undefined);
  const logs = lastLines(await engine.logTail(app.id, STEP_FAILURE_LOG_LINES).catch(() => ''), STEP_FAILURE_LOG_LINES);
  const failed = classifyStepFailure(logs, kind === 'container-exited' || (now !== undefined && !now.running));
  return failed === undefined ? error : new DevContainerError({ kind: 'step-failed', failed, during: 'start', lastLines: logs.slice(-LOG_LINES_IN_ERRORS) });
}

/** Waits for the app when all services (`services` undefined) or the app's own were (re)started. */
async function waitUntilReadyIfApp(engine: DockerEngine, target: ComposeTarget, services: readonly string[] | undefined, options: LifecycleOptions): Promise<ReadyDevContainer | undefined> {
  if (services !== undefined) {
    const app = phoenixContainer(await engine.listComposeContainers(target.projectName));
    if (app === undefined || !services.includes(app.service)) return undefined;
  }
  return waitUntilReady(engine, target, options);
}

/** Phoenix's URL on this machine for a project's running app container; undefined when it is not running or not published. */
export async function runningAppUrl(engine: DockerEngine, projectName: string): Promise<string | undefined> {
  const app = phoenixContainer(await engine.listComposeContainers(projectName));
  return app?.state === 'running' ? publishedUrl(await engine.inspectContainer(app.id)) : undefined;
}

async function findAppContainer(engine: DockerEngine, projectName: string): Promise<InspectedContainer> {
  const app = phoenixContainer(await engine.listComposeContainers(projectName));
  if (app === undefined) {
    throw new DevContainerError({ kind: 'compose-failed', command: 'up', detail: `compose started no app container in the project ${projectName}` });
  }
  const inspected = await engine.inspectContainer(app.id);
  await throwIfExited(engine, inspected);
  return inspected;
}

async function waitForHttp(engine: DockerEngine, app: InspectedContainer, url: string, deadline: number, signal: AbortSignal | undefined): Promise<void> {
  const started = Date.now();
  let lastStateCheck = Date.now();
  let onLoopbackBefore = false;
  for (;;) {
    signal?.throwIfAborted();
    if (await httpResponds(url, signal)) return;
    if (Date.now() >= deadline) break;
    if (Date.now() - lastStateCheck > 1000) {
      await throwIfExited(engine, await engine.inspectContainer(app.id));
      // Twice in a row, a second apart: a release's forwarder listens just after its endpoint did.
      const onLoopback = await listensOnLoopback(engine, app);
      if (onLoopback && onLoopbackBefore) throw new DevContainerError({ kind: 'http-on-loopback', url, port: Number(app.labels[LABELS.httpPort]) });
      onLoopbackBefore = onLoopback;
      lastStateCheck = Date.now();
    }
    await sleep(150, undefined, signal ? { signal } : {});
  }
  const logs = await engine.logTail(app.id, LOG_LINES_IN_ERRORS).catch(() => '');
  throw new DevContainerError({ kind: 'http-not-answering', url, waitedMs: Date.now() - started, lastLines: lastLines(logs, LOG_LINES_IN_ERRORS) });
}

/*
 * A fresh Phoenix app binds its endpoint to 127.0.0.1, which the published port cannot reach from
 * outside the container: seen in the container's socket table, that is known at once instead of
 * after the whole wait.
 */
async function listensOnLoopback(engine: DockerEngine, app: InspectedContainer): Promise<boolean> {
  const sockets = await engine.exec(app.id, ['cat', '/proc/net/tcp', '/proc/net/tcp6']).catch(() => undefined);
  return sockets !== undefined && listensOnLoopbackOnly(sockets.output, Number(app.labels[LABELS.httpPort]));
}

/** Any HTTP answer counts: an error page still means Phoenix is up. */
async function httpResponds(url: string, signal: AbortSignal | undefined): Promise<boolean> {
  const { request } = await import('node:http');
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 2000, ...(signal && { signal }) }, (response) => {
      response.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => { resolve(false); });
    req.end();
  });
}

/** Phoenix's port as published on this machine (loopback when published on all addresses). */
function publishedUrl(app: InspectedContainer): string | undefined {
  return publishedUrls(app)[0];
}

/** Phoenix's URLs on this machine, one per address its port is published on (loopback for all addresses). */
export function publishedUrls(container: { readonly labels: Readonly<Record<string, string>>; readonly ports: ContainerPorts }): string[] {
  const port = container.labels[LABELS.httpPort];
  if (port === undefined) return [];
  const urls = (container.ports[`${port}/tcp`] ?? []).map((binding) => {
    const host = binding.HostIp === '' || binding.HostIp === '0.0.0.0' || binding.HostIp === '::' ? 'localhost' : binding.HostIp;
    return `http://${host.includes(':') ? `[${host}]` : host}:${binding.HostPort}`;
  });
  return [...new Set(urls)];
}

async function ensureDockerAnswers(engine: DockerEngine): Promise<void> {
  try {
    await engine.ping();
  } catch (error) {
    throw new DevContainerError({ kind: 'docker-unreachable', host: await engine.host().catch(() => 'the Docker engine'), detail: errorText(error) });
  }
}

async function readComposeConfig(cli: ComposeCli, target: ComposeTarget, options: LifecycleOptions): Promise<ComposeService[]> {
  const result = await runCompose(cli, target, { kind: 'config' }, { ...options, report: SILENT });
  if (result.code !== 0) throw new DevContainerError(await describeComposeFailure(undefined, cli, 'config', result));
  try {
    return parseComposeConfig(result.stdout);
  } catch (error) {
    throw new DevContainerError({ kind: 'compose-failed', command: 'config', detail: errorText(error) });
  }
}

/** What an image was last built from, so an unchanged Dockerfile is not built again. */
export interface BuildRecords {
  get(image: string): BuildRecord | undefined;
  set(image: string, record: BuildRecord): void | PromiseLike<void>;
}

export interface BuildRecord {
  readonly imageId: string;
  /** sha256 of the Dockerfile and build arguments the image was built from. */
  readonly fingerprint: string;
}

interface BuildCheck {
  readonly service: string;
  readonly image: string;
  readonly fingerprint: string | undefined;
  readonly needed: boolean;
}

/**
 * Which images to build: missing ones, and those whose Dockerfile changed since they were built.
 * "Changed" is known from the record of the last build; without one, a Dockerfile newer than the
 * image counts (a cached rebuild keeps the image's date, so dates alone would build every time).
 */
async function checkBuilds(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, services: readonly ComposeService[], records: BuildRecords | undefined): Promise<BuildCheck[]> {
  const checks = await Promise.all(services.map(async (service): Promise<BuildCheck | undefined> => {
    if (service.build === undefined) return undefined;
    const image = builtImageName(target.projectName, service, cli);
    // podman-compose prints the context as written: relative to the project directory.
    const dockerfilePath = resolve(target.projectDirectory, service.build.context, service.build.dockerfile);
    const [info, dockerfile, modified] = await Promise.all([
      engine.imageInfo(image),
      readFile(dockerfilePath).catch(() => undefined),
      stat(dockerfilePath).then((stats) => stats.mtime, () => undefined),
    ]);
    const { createHash } = await import('node:crypto');
    const fingerprint = dockerfile === undefined ? undefined : createHash('sha256').update(dockerfile).update(JSON.stringify(service.build.args ?? {})).digest('hex');
    const record = records?.get(image);
    const needed = info === undefined
      || (record !== undefined && info.id === record.imageId
        ? record.fingerprint !== fingerprint
        : modified !== undefined && modified > info.created);
    return { service: service.name, image, fingerprint, needed };
  }));
  return checks.filter((check): check is BuildCheck => check !== undefined);
}

/** Remembers what the images were just built from. */
async function recordBuilds(engine: DockerEngine, builds: readonly BuildCheck[], records: BuildRecords | undefined): Promise<void> {
  if (records === undefined) return;
  for (const build of builds) {
    const info = await engine.imageInfo(build.image);
    if (info !== undefined && build.fingerprint !== undefined) await records.set(build.image, { imageId: info.id, fingerprint: build.fingerprint });
  }
}

async function compose(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, action: ComposeAction, options: LifecycleOptions): Promise<void> {
  const result = await runCompose(cli, target, action, options);
  if (result.code !== 0) throw new DevContainerError(await describeComposeFailure(engine, cli, action.kind, result));
}

function runCompose(cli: ComposeCli, target: ComposeTarget, action: ComposeAction, options: LifecycleOptions): Promise<ProcessResult> {
  const report = options.report ?? SILENT;
  return runProcess(composeArgv(cli, target, action), {
    cwd: target.projectDirectory,
    ...(options.env && { env: options.env }),
    ...(options.signal && { signal: options.signal }),
    onLine: (line) => { report.line(line); },
  });
}

async function describeComposeFailure(engine: DockerEngine | undefined, cli: ComposeCli, command: string, result: ProcessResult): Promise<ConstructorParameters<typeof DevContainerError>[0]> {
  if (result.startError !== undefined) {
    return result.startError.code === 'ENOENT' && cli.command === 'docker'
      ? { kind: 'docker-not-installed' }
      : { kind: 'compose-missing', tried: [cli.flavour] };
  }
  const failure = classifyComposeFailure(result.output);
  switch (failure.kind) {
    case 'docker-unreachable':
      return { kind: 'docker-unreachable', host: (await engine?.host().catch(() => undefined)) ?? 'the Docker engine', detail: failure.detail };
    case 'port-in-use':
      return {
        kind: 'port-in-use',
        port: failure.port,
        holder: engine === undefined || failure.port === undefined ? undefined : await describePortHolder(engine, failure.port),
      };
    case 'other':
      return { kind: 'compose-failed', command, detail: failure.detail };
    default:
      return failure;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
