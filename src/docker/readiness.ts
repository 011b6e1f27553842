import { setTimeout as sleep } from 'node:timers/promises';
import { listensOnLoopbackOnly, type ComposeTarget } from '../core/compose';
import { LABELS } from '../core/contract';
import { DevContainerError, failedStepOr, mayBeAFailedStep } from '../core/devContainerFailure';
import { parseStepMarker, type EntrypointStep } from '../core/entrypointSteps';
import { lastLines } from '../core/lines';
import { publishedUrls } from '../core/publishedUrls';
import { phoenixContainer } from '../core/serviceView';
import { ensureDockerAnswers } from './composeCli';
import { LOG_LINES_IN_ERRORS, discoverContainerNode, throwIfExited, waitForNode } from './containerNode';
import type { DockerEngine, InspectedContainer } from './engine';

/** What the wait reports: its stages, the app's log lines, and the entrypoint's steps as they begin. */
export interface ReadinessReport {
  stage(stage: 'waiting-for-node' | 'waiting-for-http' | 'ready'): void;
  line(text: string): void;
  step?(step: EntrypointStep): void;
}

export interface ReadinessOptions {
  readonly signal?: AbortSignal;
  /** How long the node and Phoenix's port may take to answer (the first start compiles everything). */
  readonly readyTimeoutMs?: number;
}

export interface ReadyDevContainer {
  readonly containerId: string;
  readonly service: string;
  /** The app's Erlang node, when it runs one. */
  readonly node: string | undefined;
  /** Phoenix's URL on this machine, when its port is published. */
  readonly url: string | undefined;
}

/** How long the app may take to be ready when nobody says (`phoenix.readyTimeout`'s default). */
export const DEFAULT_READY_TIMEOUT_MS = 300_000;
/** A container started this recently is one this start (re)started: its output is followed from its start. */
const JUST_STARTED_MS = 60_000;
/** Lines of the app's log read to find which entrypoint step failed and why. */
const STEP_FAILURE_LOG_LINES = 200;

/** The app container once running, its node answering and Phoenix's port responding. */
export async function waitUntilReady(engine: DockerEngine, target: ComposeTarget, report: ReadinessReport, options: ReadinessOptions = {}): Promise<ReadyDevContainer> {
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
    const url = publishedUrls(app)[0];
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

/** Phoenix's URL on this machine for a project's running app container; undefined when it is not running or not published. */
export async function runningAppUrl(engine: DockerEngine, projectName: string): Promise<string | undefined> {
  const app = phoenixContainer(await engine.listComposeContainers(projectName));
  return app?.state === 'running' ? publishedUrls(await engine.inspectContainer(app.id))[0] : undefined;
}

/** A failed wait as the entrypoint step that failed, when the container's log names it (see failedStepOr). */
async function withFailedStepNamed(engine: DockerEngine, app: InspectedContainer, error: unknown): Promise<unknown> {
  if (!(error instanceof DevContainerError) || !mayBeAFailedStep(error.failure)) return error;
  const now = await engine.inspectContainer(app.id).catch(() => undefined);
  const logs = lastLines(await engine.logTail(app.id, STEP_FAILURE_LOG_LINES).catch(() => ''), STEP_FAILURE_LOG_LINES);
  const failure = failedStepOr(error.failure, logs, now !== undefined && !now.running, LOG_LINES_IN_ERRORS);
  return failure === error.failure ? error : new DevContainerError(failure);
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
