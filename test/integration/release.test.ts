import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { readReleaseProject, releaseComposeProjectName, renderReleaseImage, type RenderedReleaseImage } from '../../src/core/release';
import { LABELS, parseEnvFile, planWrite, type WritePlan } from '../../src/core/scaffold';
import { discoverContainerNode, waitForNode } from '../../src/docker/containerNode';
import { DockerEngine } from '../../src/docker/engine';
import { readReleaseInput } from '../../src/ui/releaseScaffold';
import { compose, docker, failureOf, requireDocker, tagImagesFor, waitFor } from './support';

/** Its own compose project and image name: nobody else's containers or images are touched. */
const PROJECT = 'phxtest_release_image';
const IMAGE = 'hello_phoenix-release-integration';
const NODE = 'hello_phoenix@hello-phoenix-release';
/** Where the release's compose file is written, and its service (what Run Release Locally runs). */
const RELEASE_COMPOSE = '.devcontainer/release/docker-compose.yml';
const RELEASE_SERVICE = 'release';
/** Runs its arguments as a program in a new pseudo-terminal, as VS Code's terminal runs a shell. */
const PTY_SCRIPT = 'import pty, sys; pty.spawn(sys.argv[1:])';
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** A TCP port nothing listens on now: the release is never published on the suites' 4000. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0); });
    });
  });
}

describe('Release image (real Docker engine)', function () {
  this.timeout(600_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const root = folder.uri.fsPath;
  const file = (path: string): string => join(root, path);

  /** Renders the release files from what the project holds now, as the Scaffold Release Image command does. */
  const renderNow = async (): Promise<{ rendered: RenderedReleaseImage; notes: string[]; plan: WritePlan[] }> => {
    const reading = readReleaseProject(await readReleaseInput(folder));
    const rendered = renderReleaseImage(reading.project, {
      folder: '.devcontainer',
      composeProject: releaseComposeProjectName(folder.name),
      randomBytes: randomBytes(96),
    });
    const existing: Record<string, string | undefined> = {};
    for (const rendition of rendered.files) existing[rendition.path] = await readFile(file(rendition.path), 'utf8').catch(() => undefined);
    return { rendered, notes: [...reading.notes, ...rendered.notes], plan: rendered.files.map((rendition) => planWrite(rendition, existing[rendition.path])) };
  };
  /** Writes what a user who keeps their own files gets: new files and merges, never a conflict. */
  const write = async (plan: readonly WritePlan[]): Promise<void> => {
    for (const step of plan) {
      if (step.action !== 'create' && step.action !== 'update') continue;
      await mkdir(dirname(file(step.path)), { recursive: true });
      await writeFile(file(step.path), step.content, step.action === 'create' && step.mode !== undefined ? { mode: step.mode } : {});
    }
  };

  let first: RenderedReleaseImage | undefined;
  let composeFiles: string[] = [];
  let scratch = '';
  let port = 0;
  let cookie = '';
  let container = '';
  /** The fixture as it was, for the suites after this one: each rendered path's content, or undefined. */
  const original = new Map<string, string | undefined>();

  before(async function () {
    await requireDocker(this);
    scratch = await mkdtemp(join(tmpdir(), 'release test '));
    port = await freePort();
  });

  after(async () => {
    if (composeFiles.length > 0) await compose('v2', { files: composeFiles, project: PROJECT }, 'down', '-v', '--remove-orphans').catch(() => undefined);
    await docker('image', 'rm', '--force', IMAGE).catch(() => undefined);
    for (const [path, text] of original) {
      if (text === undefined) await rm(file(path), { force: true });
      else await writeFile(file(path), text);
    }
    // The folders the scaffold created, innermost first; rmdir leaves any that still hold files.
    for (const path of ['rel/overlays/bin', 'rel/overlays', 'rel', '.devcontainer/release', '.devcontainer']) {
      await rmdir(file(path)).catch(() => undefined);
    }
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it('writes the release files of a first scaffold, with nothing to note for the fixture', async () => {
    const { rendered, notes, plan } = await renderNow();
    for (const rendition of rendered.files) original.set(rendition.path, await readFile(file(rendition.path), 'utf8').catch(() => undefined));
    assert.deepEqual(notes, [], 'the path dependency in vendor/ is copied, so nothing is left for the user to do');
    assert.deepEqual(plan.filter((step) => step.action === 'conflict').map((step) => step.path), []);
    await write(plan);
    first = rendered;
    assert.match(await readFile(file(RELEASE_COMPOSE), 'utf8'), new RegExp(`^ {6}${LABELS.nodeName}: "?${NODE}"?$`, 'm'));
    cookie = parseEnvFile(await readFile(file('.devcontainer/release/.env'), 'utf8'))['RELEASE_COOKIE'] ?? '';
    assert.match(cookie, /^[0-9a-f]{64}$/);
    assert.match(await readFile(file('Dockerfile'), 'utf8'), /^COPY vendor\/phoenix vendor\/phoenix$/m);
    assert.equal((await stat(file('rel/overlays/bin/server'))).mode & 0o777, 0o755);
  });

  it('builds with no network at all, from the bench\'s offline builder and runner images', async () => {
    assert.ok(first, 'the files were rendered');
    const dockerfile = await readFile(file('Dockerfile'), 'utf8');
    await tagImagesFor(dockerfile);
    // As on a plane: the build gets no network, so every step must find what it needs in the images.
    const override = join(scratch, 'offline.yml');
    await writeFile(override, [
      'services:',
      `  ${RELEASE_SERVICE}:`,
      '    build:',
      '      network: none',
      `    image: ${IMAGE}`,
      '    ports: !override',
      `      - "127.0.0.1:${port}:4000"`,
      '',
    ].join('\n'));
    composeFiles = [file(RELEASE_COMPOSE), override];
    const config = await compose('v2', { files: composeFiles, project: PROJECT }, 'config');
    assert.match(config, new RegExp(`published: "${port}"`));
    assert.doesNotMatch(config, /published: "4000"/);

    const started = Date.now();
    await compose('v2', { files: composeFiles, project: PROJECT }, 'build');
    const size = Number(await docker('image', 'inspect', '--format', '{{.Size}}', IMAGE));
    console.log(`built ${IMAGE} offline in ${((Date.now() - started) / 1000).toFixed(1)} s: ${(size / 1e6).toFixed(1)} MB`);
    assert.ok(size > 0);
  });

  it('runs as an unprivileged user, answers HTTP, and bin/hello_phoenix rpc evaluates node()', async () => {
    await compose('v2', { files: composeFiles, project: PROJECT }, 'up', '-d');
    container = await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--filter', 'label=com.docker.compose.service=release');
    assert.ok(container, 'the release container runs');
    const page = await waitFor(() => fetch(`http://127.0.0.1:${port}/`).then((response) => response.text(), () => undefined), `HTTP on 127.0.0.1:${port}`, 60_000);
    assert.match(page, /Welcome to hello_phoenix!/);
    assert.match(page, new RegExp(`Served by node <code>${NODE}</code>`));
    assert.equal(await docker('exec', container, 'id', '-un'), 'nobody');
    assert.equal(await docker('exec', container, '/app/bin/hello_phoenix', 'rpc', 'IO.puts(node())'), NODE);
  });

  it('opens a remote shell with bin/hello_phoenix remote in a terminal, which answers node() and leaves the node running', async () => {
    const terminal = spawn('python3', ['-c', PTY_SCRIPT, 'docker', 'exec', '-it', container, '/app/bin/hello_phoenix', 'remote'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    terminal.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    terminal.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    const ended = (): boolean => terminal.exitCode !== null || terminal.signalCode !== null;
    const shown = (pattern: RegExp) => (): true | undefined => {
      if (pattern.test(output.replace(ANSI, ''))) return true;
      if (ended()) throw new Error(`the terminal ended before showing ${String(pattern)}:\n${output}`);
      return undefined;
    };
    try {
      await waitFor(shown(new RegExp(`iex\\(${NODE}\\)1> `)), 'the remote shell\'s prompt', 30_000);
      terminal.stdin.write('node()\r');
      await waitFor(shown(new RegExp(`:"${NODE}"`)), 'node() to answer', 10_000);
      // Ctrl+C twice leaves the remote shell; the release's node goes on.
      terminal.stdin.write('\x03');
      await new Promise((resolve) => setTimeout(resolve, 200));
      terminal.stdin.write('\x03');
      await waitFor(ended, 'the remote shell to end', 15_000);
    } finally {
      if (!ended()) terminal.kill('SIGKILL');
    }
    assert.equal(await docker('exec', container, '/app/bin/hello_phoenix', 'rpc', 'IO.puts(node())'), NODE);
  });

  it('finds the release\'s node and cookie, and tells a node that refuses the cookie before the deadline', async () => {
    const engine = new DockerEngine({ dockerHost: '' });
    const inspected = await engine.inspectContainer(container);
    const discovery = await discoverContainerNode(engine, inspected);
    assert.ok(discovery.kind === 'found');
    assert.equal(discovery.node, NODE);
    assert.deepEqual(discovery.release, { name: 'hello_phoenix', root: '/app' });
    assert.deepEqual(discovery.cookie, { kind: 'value', value: cookie });
    await waitForNode(engine, inspected, discovery, Date.now() + 30_000, undefined);
    const failure = await failureOf(waitForNode(engine, inspected, { ...discovery, cookie: { kind: 'value', value: 'not-the-cookie' } }, Date.now() + 120_000, undefined));
    assert.equal(failure.kind === 'node-not-answering' ? failure.outcome : failure.kind, 'refused');
    assert.ok(failure.kind === 'node-not-answering' && failure.waitedMs < 60_000, 'a node that keeps refusing is reported long before the deadline');
  });

  it('ships no Erlang cookie: no releases/COOKIE, none in the image\'s environment or history', async () => {
    assert.equal(await docker('run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', IMAGE, '-c', 'ls /app/releases; test ! -e /app/releases/COOKIE && echo no-cookie').then((out) => out.split('\n').at(-1)), 'no-cookie');
    const env = await docker('image', 'inspect', '--format', '{{json .Config.Env}}', IMAGE);
    assert.doesNotMatch(env, /RELEASE_COOKIE/);
    const history = await docker('history', '--no-trunc', '--format', '{{.CreatedBy}}', IMAGE);
    assert.ok(history.includes('/app/bin/server'), 'the history is the runner stage\'s');
    assert.equal(history.includes(cookie), false, 'the cookie is in the image history');
    assert.doesNotMatch(history, /RELEASE_COOKIE=/);
    // The container got it at run time, from the git-ignored .env.
    const containerEnv = await docker('inspect', '--format', '{{json .Config.Env}}', container);
    assert.ok(containerEnv.includes(`RELEASE_COOKIE=${cookie}`));
  });

  it('loses nothing when scaffolding again over files the user changed', async () => {
    const dockerfile = (await readFile(file('Dockerfile'), 'utf8')).replace('ENV LANGUAGE=en_US:en', 'ENV LANGUAGE=en_GB:en');
    await writeFile(file('Dockerfile'), dockerfile);
    await appendFile(file('rel/env.sh.eex'), '\nexport MY_RELEASE_SETTING=kept\n');
    await appendFile(file('.devcontainer/release/.env'), 'MY_SETTING=kept\n');
    const composeText = `${await readFile(file('.devcontainer/release/docker-compose.yml'), 'utf8')}# my own note\n`;
    await writeFile(file('.devcontainer/release/docker-compose.yml'), composeText);
    await appendFile(file('.dockerignore'), '/my-notes/\n');
    const envSh = await readFile(file('rel/env.sh.eex'), 'utf8');
    const envFile = await readFile(file('.devcontainer/release/.env'), 'utf8');
    const dockerignore = await readFile(file('.dockerignore'), 'utf8');

    const { rendered, notes, plan } = await renderNow();
    // The Dockerfile is still the scaffold's own, edited: rendered again for the user to choose, never adopted. The rel/ files it wrote are the user's now,
    // but for the forwarder that its bin/server starts, rendered again beside it.
    assert.equal(rendered.files.some((rendition) => rendition.path === 'Dockerfile'), true);
    assert.deepEqual(rendered.files.filter((rendition) => rendition.path.startsWith('rel/')).map((rendition) => rendition.path), ['rel/overlays/bin/loopback_forward.script']);
    assert.deepEqual(notes.map((note) => note.replace(/[,;].*/, '')), [
      'The project already has rel/env.sh.eex',
    ]);
    const actions = Object.fromEntries(plan.map((step) => [step.path, step.action]));
    assert.deepEqual(actions, {
      'Dockerfile': 'conflict',
      '.dockerignore': 'unchanged',
      '.devcontainer/release/docker-compose.yml': 'conflict',
      '.devcontainer/release/.env': 'unchanged',
      '.gitignore': 'unchanged',
      'rel/overlays/bin/loopback_forward.script': 'unchanged',
    });
    const conflictOf = (path: string): { oldContent: string; content: string } | undefined => {
      const step = plan.find((candidate) => candidate.path === path);
      return step?.action === 'conflict' ? step : undefined;
    };
    assert.equal(conflictOf('Dockerfile')?.oldContent, dockerfile);
    // What is offered instead is the same Dockerfile as before, without the user's edit: the project did not change.
    assert.equal(conflictOf('Dockerfile')?.content.replace('ENV LANGUAGE=en_US:en', 'ENV LANGUAGE=en_GB:en'), dockerfile);
    assert.equal(conflictOf('.devcontainer/release/docker-compose.yml')?.oldContent, composeText);

    await write(plan);
    assert.equal(await readFile(file('Dockerfile'), 'utf8'), dockerfile);
    assert.equal(await readFile(file('rel/env.sh.eex'), 'utf8'), envSh);
    assert.equal(await readFile(file('.devcontainer/release/docker-compose.yml'), 'utf8'), composeText);
    assert.equal(await readFile(file('.dockerignore'), 'utf8'), dockerignore);
    assert.equal(await readFile(file('.devcontainer/release/.env'), 'utf8'), envFile);
    const env = parseEnvFile(envFile);
    assert.equal(env['RELEASE_COOKIE'], cookie, 'the cookie is never rotated');
    assert.equal(env['MY_SETTING'], 'kept');
  });
});
