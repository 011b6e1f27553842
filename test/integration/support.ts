// Helpers shared by the integration suites: waiting, and driving the real Docker engine through
// its CLI (argv arrays only) to set up the situations the extension must show.
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DevContainerError, type DevContainerFailure } from '../../src/core/devContainerFailure';
import { parseEnvFile } from '../../src/core/scaffold';
import { detectComposeCli } from '../../src/docker/composeCli';
import { DockerEngine, type InspectedContainer } from '../../src/docker/engine';
import { startComposeProject } from '../../src/docker/lifecycle';
import { writeDevContainerFiles } from '../../src/ui/devContainerScaffold';
import { PhoenixProjects } from '../../src/ui/phoenixProjects';
import { Settings } from '../../src/ui/settings';

const run = promisify(execFile);

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { encoding: 'utf8' });
  return stdout.trim();
}

/**
 * The processes of this machine, the containers' included (Linux shares one process table), whose
 * command line holds `text`, as "pid: command line"; only Erlang VMs with `vmsOnly`.
 */
export async function processesWith(text: string, vmsOnly = false): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const program = cmdline.split('\0')[0] ?? '';
    if (cmdline.includes(text) && (!vmsOnly || program.endsWith('/beam.smp'))) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
  }
  return found;
}

export interface ProcessEnvironment {
  readonly pid: string;
  /** Its command line, arguments separated by spaces. */
  readonly command: string;
  /** The variables whose value holds the text. */
  readonly variables: readonly string[];
}

/**
 * The processes of this machine, the containers' included, whose environment (/proc/PID/environ,
 * as the process was started; the suites run as root and read every one) holds `text`.
 */
export async function environmentsWith(text: string): Promise<ProcessEnvironment[]> {
  const found: ProcessEnvironment[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (!environ.includes(text)) continue;
    const variables = environ.split('\0').filter((variable) => variable.includes(text)).map((variable) => variable.slice(0, Math.max(0, variable.indexOf('='))));
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ').trim();
    found.push({ pid, command, variables });
  }
  return found;
}

/** The failure a lifecycle or attach call ended with; fails the test when it succeeded. */
export async function failureOf(work: Promise<unknown>): Promise<DevContainerFailure> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DevContainerError) return error.failure;
    throw error;
  }
  throw new Error('expected the dev container to fail, and it did not');
}

/** The offline Elixir image the bench builds before the suites run (BASE_IMAGE in test/stack/baseImage.mjs). */
export const BENCH_IMAGE = 'phoenix-dev-containers-bench/elixir:bookworm';

/**
 * Skips the calling suite when no Docker engine answers, except under CI, where a missing engine
 * is a failure: CI must never pass by skipping.
 */
export async function requireDocker(context: Mocha.Context): Promise<void> {
  try {
    await docker('version', '--format', '{{.Server.Version}}');
  } catch (error) {
    const reason = `no Docker engine answers: ${String(error)}`;
    if (process.env['CI'] === 'true') throw new Error(reason);
    console.log(`skipped: ${reason}`);
    context.skip();
  }
}

export type ComposeFlavor = 'v2' | 'v1';

export interface ComposeTarget {
  readonly files: string[];
  /** Passed as -p; without it compose names the project itself. */
  readonly project?: string;
  /** Added to the environment, where compose takes precedence over .env values. */
  readonly env?: Record<string, string>;
}

/** Runs compose in the given flavor: `docker compose` (v2) or `docker-compose` (v1). */
export async function compose(flavor: ComposeFlavor, { files, project, env }: ComposeTarget, ...args: string[]): Promise<string> {
  const fileArgs = [...files.flatMap((file) => ['-f', file]), ...(project === undefined ? [] : ['-p', project])];
  const [command, argv] = flavor === 'v2'
    ? ['docker', ['compose', ...fileArgs, ...args]]
    : ['docker-compose', [...fileArgs, ...args]];
  try {
    const { stdout } = await run(command, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${argv.join(' ')} failed: ${stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
}

/**
 * Scaffolds the workspace folder's dev container afresh (keeping the user's files; config/dev.exs
 * stays bound to loopback, as generated) and makes its FROM images available offline. Returns the generated cookie, and `restore` to put the fixture back as it was for the
 * suites after this one. With `fixedSubnet`, the node takes a long name on that subnet.
 */
export async function scaffoldFixture(folder: vscode.WorkspaceFolder, engine: DockerEngine, fixedSubnet = ''): Promise<{ cookie: string; restore: () => Promise<void> }> {
  const file = (path: string): string => join(folder.uri.fsPath, path);
  const touched = ['.gitignore', '.gitattributes', 'config/dev.exs'];
  const before = new Map(await Promise.all(touched.map(async (path) => [path, await readFile(file(path), 'utf8').catch(() => undefined)] as const)));
  await rm(file('.devcontainer'), { recursive: true, force: true });
  const result = await writeDevContainerFiles(folder.uri, folder.name, { folder: '.devcontainer', baseImage: '', debian: '', namedVolumes: false, fixedSubnet }, {
    scaffoldWithoutPhoenix: () => Promise.resolve(false),
    adoptComposeFile: () => Promise.resolve('separate'),
    resolveConflict: () => Promise.resolve('keep'),
  }, (own) => engine.networkSubnets(own));
  if (result === undefined) throw new Error('the scaffold was cancelled');
  await tagImagesFor(await readFile(file('.devcontainer/Dockerfile'), 'utf8'));
  return {
    cookie: parseEnvFile(await readFile(file('.devcontainer/.env'), 'utf8'))['ERLANG_COOKIE'] ?? '',
    restore: async () => {
      await rm(file('.devcontainer'), { recursive: true, force: true });
      for (const [path, text] of before) {
        if (text === undefined) await rm(file(path), { force: true });
        else await writeFile(file(path), text);
      }
    },
  };
}

/** Starts the engine again after a test stopped it, the way the bench started it (test/stack/provision.mjs). */
export async function startDockerAgain(): Promise<void> {
  // The old daemon may take a moment to exit; provision starts a new one only when none answers.
  await waitFor(async () => (await run('pgrep', ['-x', 'dockerd']).then(() => true, () => false)) ? undefined : true, 'the old dockerd to exit', 60_000);
  const provision = (await import(pathToFileURL(stackModule('provision.mjs')).href)) as { provision(options: { log: (line: string) => void }): Promise<{ docker: boolean; missing: string[] }> };
  const result = await provision.provision({ log: (line) => { console.log(line); } });
  if (!result.docker) throw new Error(`Docker did not come back: ${result.missing.join('; ')}`);
}

function stackModule(name: string): string {
  return join(__dirname, '..', '..', '..', 'test', 'stack', name);
}

/**
 * Makes sure the bench's offline PostgreSQL image exists (test/stack/postgresImage.mjs; `npm test`
 * builds it before the suites) under the name generated compose files use, and returns that name.
 */
export async function ensurePostgresImage(): Promise<string> {
  const postgresImage = (await import(pathToFileURL(stackModule('postgresImage.mjs')).href)) as {
    POSTGRES_IMAGE: string;
    ensurePostgresImage(options: { log: (line: string) => void }): Promise<unknown>;
  };
  await postgresImage.ensurePostgresImage({ log: (line) => { console.log(line); } });
  return postgresImage.POSTGRES_IMAGE;
}

/**
 * Tags the bench's offline images as every image a Dockerfile names in FROM, so that builds
 * resolve them locally instead of pulling (no registry is reachable from the bench).
 */
export async function tagImagesFor(dockerfileText: string): Promise<void> {
  const baseImage = (await import(pathToFileURL(stackModule('baseImage.mjs')).href)) as {
    tagDockerfileImages(text: string, options: { log: (line: string) => void }): Promise<unknown>;
  };
  await baseImage.tagDockerfileImages(dockerfileText, { log: (line) => { console.log(line); } });
}

/** Every file below `root` (build output left out) and its content, to put a fixture back afterwards. */
export async function snapshotFiles(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || /[/\\](_build|deps)[/\\]/.test(path)) continue;
    files.set(path, await readFile(path));
  }
  return files;
}

/** Puts a fixture back as `snapshotFiles` found it, without the folders "Scaffold Release Image" writes. */
export async function restoreReleaseFixture(root: string, before: Map<string, Buffer>): Promise<void> {
  const now = await snapshotFiles(root);
  for (const path of now.keys()) if (!before.has(path)) await rm(path, { force: true });
  for (const [path, content] of before) if (!now.get(path)?.equals(content)) await writeFile(path, content);
  await rm(join(root, 'rel'), { recursive: true, force: true });
  await rm(join(root, '.devcontainer', 'release'), { recursive: true, force: true });
}

/**
 * What the suites on the fixture share: its workspace folder, the engine, a log channel named
 * `logName`, the project scan, and the dev container's compose target once the scan found it.
 */
export function fixtureSuite(logName: string, settings = new Settings(vscode.workspace)) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const engine = new DockerEngine({ dockerHost: '' });
  const log = vscode.window.createOutputChannel(logName, { log: true });
  const projects = new PhoenixProjects(log, settings);
  const target = () => {
    const project = projects.all[0];
    assert.ok(project?.scaffolded, 'the fixture has a dev container');
    return project.compose;
  };
  /** Scaffolds the fixture's dev container (see scaffoldFixture) and scans it, in this list and in the extension's view. */
  const scaffold = async (): Promise<{ cookie: string; restore: () => Promise<void> }> => {
    const scaffolded = await scaffoldFixture(folder, engine);
    await projects.refresh();
    await vscode.commands.executeCommand('phoenix.refreshView');
    return scaffolded;
  };
  /** Starts the scaffolded dev container until its node and Phoenix answer; its app container. */
  const start = async (): Promise<InspectedContainer> => {
    const ready = await startComposeProject(engine, await detectComposeCli('auto'), target(), { readyTimeoutMs: 180_000 });
    return engine.inspectContainer(ready.containerId);
  };
  return { folder, engine, log, projects, target, scaffold, start };
}
