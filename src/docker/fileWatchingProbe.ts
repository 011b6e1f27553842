import { randomBytes } from 'node:crypto';
import {
  FACTS_SCRIPT,
  containerPath,
  folderMissing,
  isProbeEvent,
  parseContainerFacts,
  probeFileName,
  probeFolderName,
  probeWatchArgv,
  watchesEstablished,
  type ContainerWatchFacts,
  type ProbeOutcome,
} from '../core/fileWatching';
import type { DockerEngine } from './engine';

/** Where the project is in the container, and what the container says about watching it. */
export interface ContainerSide {
  readonly facts: ContainerWatchFacts;
  readonly projectDir: string;
  /** Project folders (deps, _build) the container keeps in volumes over the project. */
  readonly volumeFolders: readonly string[];
}

/** The probe's writes on this machine, inside the project and never through a link (src/files/projectFiles). */
export interface ProbeHost {
  makeFolder(relative: string): Promise<void>;
  writeFile(relative: string): Promise<void>;
  /** Removes the probe file, when there, then its folder. */
  remove(file: string, folder: string): Promise<void>;
}

const FACTS_TIMEOUT_MS = 15_000;
/** How long the probe waits for its event: VirtioFS can take seconds, and a late event is reported as late. */
export const PROBE_WAIT_SECONDS = 5;
const MAX_KEPT_OUTPUT = 4096;

/**
 * Reads the container's side: the project's folder there is where `hostRoot` is bind-mounted, else
 * the working directory (compose files mount the project there).
 */
export async function inspectContainerSide(engine: DockerEngine, containerId: string, hostRoots: readonly string[]): Promise<ContainerSide> {
  const container = await engine.inspectContainer(containerId);
  const bind = container.mounts.find((mount) => mount.type === 'bind' && hostRoots.includes(mount.source.replace(/\/+$/, '')));
  const projectDir = bind?.destination ?? (container.workingDir || '/app');
  const prefix = `${projectDir.replace(/\/+$/, '')}/`;
  const volumeFolders = container.mounts
    .filter((mount) => mount !== bind && mount.destination.startsWith(prefix))
    .map((mount) => mount.destination.slice(prefix.length).replace(/\/+$/, ''));
  const { output } = await engine.exec(containerId, ['sh', '-c', FACTS_SCRIPT], { timeoutMs: FACTS_TIMEOUT_MS });
  return { facts: parseContainerFacts(output), projectDir, volumeFolders };
}

/**
 * Writes a probe file on this machine in `parent` (a project folder git and Phoenix ignore, in its
 * own new folder named after `nonce`) while inotifywait waits for it in the container, as
 * phoenix_live_reload's file_system does on Linux; then removes both. Reports whether the event
 * arrived and how long after the write (as this side saw it, so it includes the engine's round trip).
 */
export async function probeFileEvents(engine: DockerEngine, containerId: string, side: ContainerSide, parent: string, nonce: string, host: ProbeHost): Promise<ProbeOutcome> {
  const folder = `${parent}/${probeFolderName(nonce)}`;
  const name = probeFileName(randomBytes(8).toString('hex'));
  const file = `${folder}/${name}`;
  const inContainer = containerPath(side.projectDir, folder);
  await host.makeFolder(folder);
  try {
    if (!side.facts.hasInotifywait) {
      const { exitCode } = await engine.exec(containerId, ['test', '-d', inContainer], { timeoutMs: FACTS_TIMEOUT_MS });
      return exitCode === 0 ? { kind: 'no-inotifywait' } : { kind: 'not-visible', containerPath: inContainer };
    }
    return await watchForProbe(engine, containerId, inContainer, name, () => host.writeFile(file));
  } finally {
    await host.remove(file, folder);
  }
}

async function watchForProbe(engine: DockerEngine, containerId: string, folder: string, name: string, write: () => Promise<void>): Promise<ProbeOutcome> {
  let output = '';
  let arrivedAt: number | undefined;
  let listening: () => void = () => undefined;
  const established = new Promise<void>((resolve) => { listening = resolve; });
  const run = engine.execFollow(containerId, probeWatchArgv(folder, PROBE_WAIT_SECONDS), (line) => {
    if (output.length < MAX_KEPT_OUTPUT) output += `${line}\n`;
    if (watchesEstablished(line)) listening();
    if (arrivedAt === undefined && isProbeEvent(line, name)) arrivedAt = performance.now();
  }, (PROBE_WAIT_SECONDS + 10) * 1000);
  const ended = run.then(() => 'ended' as const, () => 'ended' as const);
  if ((await Promise.race([established.then(() => 'listening' as const), ended])) === 'ended') {
    const exitCode = await run.catch(() => undefined);
    if (folderMissing(output)) return { kind: 'not-visible', containerPath: folder };
    return { kind: 'failed', detail: `inotifywait ended before it watched ${folder} (exit code ${exitCode ?? 'unknown'}): ${output.trim()}` };
  }
  const writtenAt = performance.now();
  await write();
  let exitCode: number | undefined;
  try {
    exitCode = await run;
  } catch (error) {
    return { kind: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
  if (arrivedAt !== undefined) return { kind: 'arrived', latencyMs: arrivedAt - writtenAt };
  if (exitCode === 2) return { kind: 'no-event', waitedMs: performance.now() - writtenAt };
  return { kind: 'failed', detail: `inotifywait ended with exit code ${exitCode ?? 'unknown'}: ${output.trim()}` };
}
