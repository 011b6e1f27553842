import { setTimeout as sleep } from 'node:timers/promises';
import { DevContainerError } from '../core/devContainerFailure';
import { lastLines } from '../core/lines';
import { discoverNode, type ContainerFacts, type NodeDiscovery } from '../core/node';
import { PROBE_NODE_VARIABLE, nodeProbeCommand, parseNodeProbe, releaseProbeArgv, type NodeProbeOutcome } from '../core/nodeProbe';
import { LABELS } from '../core/contract';
import { environmentOfRole } from '../core/environments';
import { ExecTimeoutError, type DockerEngine, type InspectedContainer } from './engine';

export type FoundNode = Extract<NodeDiscovery, { kind: 'found' }>;

/** Each probe run waits this long inside the container before the container's state is checked again. */
const PROBE_SLICE_MS = 10_000;
/** A node that has refused the connection for this long has another cookie: waiting longer changes nothing. */
const REFUSED_FOR_MS_BEFORE_GIVING_UP = 10_000;
const RELEASE_PROBE_INTERVAL_MS = 500;
/** A probe VM that fails to start is tried this many times in a row before the probe counts as broken. */
const PROBE_TRIES = 3;
const PROBE_RETRY_MS = 500;
/** How long a probe's VM may take beyond its own wait (starting, a busy machine) before it counts as hung. */
const PROBE_START_GRACE_MS = 30_000;
/** A release's `rpc` or `eval` starts a VM, and its script may read files of the container: bounded too. */
const RELEASE_COMMAND_TIMEOUT_MS = 30_000;
/** Reading a few bytes or a process list in the container takes well under this. */
const DISCOVERY_EXEC_TIMEOUT_MS = 10_000;
/** A cookie is far shorter; anything longer is not one. */
const COOKIE_FILE_MAX_BYTES = 4096;
export const LOG_LINES_IN_ERRORS = 20;

/*
 * Prints the argv of the container's main BEAM, NUL-separated as /proc keeps it: the process
 * with the lowest PID whose program is beam.smp and that is not a hidden VM (a probe, an
 * attached shell). A fixed script: nothing from the container or the user is put into it.
 */
const BEAM_ARGS_SCRIPT = [
  // Processes that end during the loop: their errors must not mix with the argv printed.
  'exec 2>/dev/null',
  'best=""',
  'for d in /proc/[0-9]*; do',
  '  p="${d#/proc/}"',
  '  program="$(tr "\\0" "\\n" < "$d/cmdline" 2>/dev/null | head -n 1)"',
  '  case "$program" in beam.smp|*/beam.smp) ;; *) continue ;; esac',
  '  tr "\\0" "\\n" < "$d/cmdline" | grep -qx -- -hidden && continue',
  '  if [ -z "$best" ] || [ "$p" -lt "$best" ]; then best="$p"; fi',
  'done',
  '[ -n "$best" ] && cat "/proc/$best/cmdline"',
].join('\n');

/*
 * Prints a release's releases/COOKIE ($1) when it is a regular file, at most COOKIE_FILE_MAX_BYTES
 * of it: a FIFO there would block a plain cat forever (and leave it blocked in the container), a
 * device would never end. A fixed script: the path is its argument.
 */
const READ_COOKIE_FILE_SCRIPT = `[ -f "$1" ] && exec head -c ${COOKIE_FILE_MAX_BYTES} -- "$1"`;

/**
 * The Erlang node a container runs, found from the container itself: its labels, command and
 * environment first; then, in a running container, a release's releases/COOKIE file and, as a
 * last resort, the running BEAM's own arguments.
 */
export async function discoverContainerNode(engine: DockerEngine, container: InspectedContainer): Promise<NodeDiscovery> {
  let facts: ContainerFacts = {
    labels: container.labels,
    entrypoint: container.entrypoint,
    cmd: container.cmd,
    env: container.env,
    hostname: container.hostname,
    workingDir: container.workingDir,
  };
  let discovery = discoverNode(facts);
  if (!container.running) return discovery;
  if (discovery.kind === 'found' && discovery.release !== undefined && discovery.cookie.kind === 'unknown') {
    const cookieFile = `${discovery.release.root.replace(/\/+$/, '')}/releases/COOKIE`;
    const read = await engine.exec(container.id, ['sh', '-c', READ_COOKIE_FILE_SCRIPT, 'sh', cookieFile], { timeoutMs: DISCOVERY_EXEC_TIMEOUT_MS }).catch(() => undefined);
    if (read?.exitCode === 0) {
      facts = { ...facts, releaseCookie: read.output };
      discovery = discoverNode(facts);
    }
  }
  // A release started by a script of the image's own names no root in its command: its VM's arguments do.
  const releaseWithoutRoot = discovery.kind === 'found' && discovery.release === undefined
    && (environmentOfRole(container.labels[LABELS.role])?.runsRelease === true || container.env.some((variable) => /^RELEASE_(NODE|DISTRIBUTION)=/.test(variable)));
  if (discovery.kind === 'not-distributed' || discovery.cookie.kind === 'unknown' || releaseWithoutRoot) {
    const beam = await engine.exec(container.id, ['sh', '-c', BEAM_ARGS_SCRIPT], { timeoutMs: DISCOVERY_EXEC_TIMEOUT_MS }).catch(() => undefined);
    if (beam?.exitCode === 0) {
      const withProcess = discoverNode({ ...facts, beamArgs: beam.output.split('\0').filter((arg) => arg !== '') });
      if (withProcess.kind === 'found') discovery = withProcess;
    }
  }
  return discovery;
}

/**
 * Waits until the node answers a ping from inside its container, or `deadline` passes. Fails with
 * what was seen: the container stopped, the node never registered, or it refused the connection.
 */
export async function waitForNode(engine: DockerEngine, container: InspectedContainer, node: FoundNode, deadline: number, signal: AbortSignal | undefined): Promise<void> {
  const started = Date.now();
  let outcome: NodeProbeOutcome | undefined;
  let probeOutput = '';
  let refusedSince: number | undefined;
  let probeFailures = 0;
  for (;;) {
    signal?.throwIfAborted();
    const result = await probeOnce(engine, container, node, deadline, signal).catch(async (error: unknown) => {
      if (signal?.aborted) throw error;
      // The container may have stopped under the probe, or be restarting after a crash (no exec then).
      const now = await engine.inspectContainer(container.id);
      await throwIfExited(engine, now.status === 'restarting' ? { ...now, running: false, status: 'exited' } : now);
      throw error;
    });
    outcome = result.outcome;
    probeOutput = result.output;
    if (outcome === 'answered') return;
    await throwIfExited(engine, await engine.inspectContainer(container.id));
    refusedSince = outcome === 'refused' ? refusedSince ?? Date.now() : undefined;
    // A probe VM that could not start (epmd starting beside it, a loaded machine) is tried again.
    probeFailures = outcome === undefined ? probeFailures + 1 : 0;
    if (probeFailures > 0 && probeFailures < PROBE_TRIES && Date.now() < deadline) {
      await sleep(PROBE_RETRY_MS, undefined, signal ? { signal } : {});
      continue;
    }
    if (outcome === undefined || (refusedSince !== undefined && Date.now() - refusedSince >= REFUSED_FOR_MS_BEFORE_GIVING_UP) || Date.now() >= deadline) break;
  }
  const logs = await engine.logTail(container.id, LOG_LINES_IN_ERRORS).catch(() => '');
  throw new DevContainerError({
    kind: 'node-not-answering',
    node: node.node,
    waitedMs: Date.now() - started,
    outcome,
    lastLines: lastLines(outcome === undefined ? probeOutput : logs, LOG_LINES_IN_ERRORS),
  });
}

async function probeOnce(engine: DockerEngine, container: InspectedContainer, node: FoundNode, deadline: number, signal: AbortSignal | undefined): Promise<{ outcome: NodeProbeOutcome | undefined; output: string }> {
  const options = signal ? { signal } : {};
  if (node.release !== undefined) {
    const cookie = node.cookie.kind === 'value' ? node.cookie.value : undefined;
    const { ping, registration } = releaseProbeArgv(node.release);
    const bounded = { ...options, timeoutMs: RELEASE_COMMAND_TIMEOUT_MS };
    // The cookie found in the container, which may not be the one in its environment (a vm.args of the
    // release's own). Mix's script puts it on its rpc VM's command line, as it did on the node's own.
    const result = await boundedProbe(engine.exec(container.id, [ping.command, ...ping.args], { ...bounded, ...(cookie !== undefined && { env: [`RELEASE_COOKIE=${cookie}`] }) }));
    if (result.exitCode === 0 && result.output.includes('answered')) return { outcome: 'answered', output: result.output };
    const registered = await boundedProbe(engine.exec(container.id, [registration.command, ...registration.args], { ...bounded, env: [`${PROBE_NODE_VARIABLE}=${nodeNamePart(node.node)}`] }));
    await sleep(RELEASE_PROBE_INTERVAL_MS, undefined, signal ? { signal } : {});
    return { outcome: parseNodeProbe(registered.output) ?? 'unregistered', output: result.output };
  }
  const waitMs = Math.max(0, Math.min(PROBE_SLICE_MS, deadline - Date.now()));
  const { randomBytes } = await import('node:crypto');
  const probe = nodeProbeCommand({
    node: node.node,
    mode: node.mode,
    cookie: node.cookie,
    probeName: `probe_${randomBytes(4).toString('hex')}`,
    waitMs,
    containerEnv: container.env,
  });
  const result = await boundedProbe(engine.exec(container.id, probe.argv, { ...options, env: probe.env, timeoutMs: waitMs + PROBE_START_GRACE_MS }));
  return { outcome: parseNodeProbe(result.output), output: result.output };
}

/** A probe that hung says so as its output, which has no outcome: the wait ends with it. */
async function boundedProbe(run: Promise<{ exitCode: number | undefined; output: string }>): Promise<{ exitCode: number | undefined; output: string }> {
  return run.catch((error: unknown) => {
    if (error instanceof ExecTimeoutError) return { exitCode: undefined, output: error.message };
    throw error;
  });
}

/** Fails with the container's last lines when it is no longer running. */
export async function throwIfExited(engine: DockerEngine, container: InspectedContainer): Promise<void> {
  if (container.running || container.status === 'restarting') return;
  const logs = await engine.logTail(container.id, LOG_LINES_IN_ERRORS).catch(() => '');
  throw new DevContainerError({
    kind: 'container-exited',
    service: container.labels['com.docker.compose.service'] ?? container.name,
    exitCode: container.exitCode,
    lastLines: lastLines(logs, LOG_LINES_IN_ERRORS),
  });
}

function nodeNamePart(node: string): string {
  const at = node.indexOf('@');
  return at === -1 ? node : node.slice(0, at);
}
