import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, rm, stat, writeFile, mkdir, mkdtemp, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { listensOnLoopbackOnly } from '../../src/core/compose';
import { composeProjectName } from '../../src/core/composeProject';
import { OVERRIDE_FILE, parseEnvFile } from '../../src/core/scaffold';
import { DockerEngine } from '../../src/docker/engine';
import { PhoenixProjects } from '../../src/ui/phoenixProjects';
import { Settings } from '../../src/ui/settings';
import { writeDevContainerFiles, type ConflictChoice, type ScaffoldDecisions, type ScaffoldResult } from '../../src/ui/devContainerScaffold';
import { BENCH_IMAGE, compose, docker, requireDocker, tagImagesFor, waitFor, type ComposeFlavor } from './support';

const exec = promisify(execFile);
const SETTINGS = { folder: '.devcontainer', baseImage: '', debian: '', namedVolumes: false, fixedSubnet: '' };

/** Answers the scaffold's questions the way a user would, recording what was asked. */
function answering(choice: ConflictChoice, adopt = false): ScaffoldDecisions & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    scaffoldWithoutPhoenix: () => Promise.resolve(false),
    adoptComposeFile: (_file, candidates) => Promise.resolve(adopt ? candidates[0] : 'separate'),
    resolveConflict: (conflict) => {
      asked.push(conflict.path);
      assert.notEqual(conflict.oldContent, conflict.content, 'only a file that differs is a conflict');
      return Promise.resolve(choice);
    },
  };
}

describe('Scaffold Dev Container (real Docker engine)', function () {
  this.timeout(600_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const root = folder.uri.fsPath;
  const file = (path: string): string => join(root, path);
  const engine = new DockerEngine({ dockerHost: '' });
  const scaffold = (decisions: ScaffoldDecisions): Promise<ScaffoldResult | undefined> =>
    writeDevContainerFiles(folder.uri, folder.name, SETTINGS, decisions, (own) => engine.networkSubnets(own));
  const project = composeProjectName(folder.name);
  let first: ScaffoldResult | undefined;
  let cookie = '';
  // config/dev.exs as the fixture has it, as mix phx.new writes it (bound to loopback).
  let devExs = '';

  before(async function () {
    await requireDocker(this);
    await rm(file('.devcontainer'), { recursive: true, force: true });
    devExs = await readFile(file('config/dev.exs'), 'utf8');
  });

  after(async () => {
    for (const flavor of ['v2', 'v1'] as const) {
      await compose(flavor, { files: [file('.devcontainer/docker-compose.yml')], project }, 'down', '-v').catch(() => undefined);
    }
  });

  it('writes the dev container files and keeps the cookie out of version control', async () => {
    first = await scaffold(answering('keep'));
    assert.ok(first);
    assert.deepEqual([...first.written].sort(), [
      '.devcontainer/.dockerignore', '.devcontainer/.env', '.devcontainer/Dockerfile', '.devcontainer/devcontainer.json',
      '.devcontainer/docker-compose.yml', '.devcontainer/entrypoint.sh', '.gitattributes', '.gitignore',
    ]);
    cookie = parseEnvFile(await readFile(file('.devcontainer/.env'), 'utf8'))['ERLANG_COOKIE'] ?? '';
    assert.match(cookie, /^[0-9a-f]{32,}$/, 'a random cookie of at least 128 bits');
    for (const path of first.written.filter((written) => !written.endsWith('.env'))) {
      assert.doesNotMatch(await readFile(file(path), 'utf8'), new RegExp(cookie), `${path} must not contain the cookie`);
    }
    // git itself agrees that .env is ignored.
    await exec('git', ['init', '-q'], { cwd: root });
    await exec('git', ['check-ignore', '-q', '.devcontainer/.env'], { cwd: root });
    // ...and keeps the entrypoint's LF line endings on a Windows checkout.
    const { stdout: eol } = await exec('git', ['check-attr', 'eol', '--', '.devcontainer/entrypoint.sh'], { cwd: root });
    assert.equal(eol.trim(), '.devcontainer/entrypoint.sh: eol: lf');
    await rm(file('.git'), { recursive: true, force: true });
  });

  it("keeps the .env files out of the dev image's build context, which is the dev container folder", async () => {
    await mkdir(file('.devcontainer/release'), { recursive: true });
    await writeFile(file('.devcontainer/release/.env'), 'RELEASE_COOKIE=release-secret\n');
    // Whatever a Dockerfile in that context copies, the engine never received the .env files.
    const probe = join(await mkdtemp(join(tmpdir(), 'context probe ')), 'probe.Dockerfile');
    await writeFile(probe, `FROM ${BENCH_IMAGE}\nCOPY . /context\n`);
    const tag = 'phoenix-dev-containers-context-probe';
    try {
      await docker('build', '-q', '-t', tag, '-f', probe, file('.devcontainer'));
      assert.equal(await docker('run', '--rm', tag, 'find', '/context', '-name', '.env*'), '');
      assert.match(await docker('run', '--rm', tag, 'ls', '-A', '/context'), /^entrypoint\.sh$/m, 'the rest of the folder is in the context');
    } finally {
      await docker('image', 'rm', '--force', tag).catch(() => undefined);
      await rm(file('.devcontainer/release'), { recursive: true, force: true });
      await rm(dirname(probe), { recursive: true, force: true });
    }
  });

  it('leaves config/dev.exs as mix phx.new wrote it, bound to loopback, and asks for no edit of it', async () => {
    assert.ok(first);
    assert.deepEqual(first.advice.filter((advice) => advice.file === 'config/dev.exs'), []);
    assert.equal(await readFile(file('config/dev.exs'), 'utf8'), devExs);
    assert.match(devExs, /ip: \{127, 0, 0, 1\}/);
  });

  for (const flavor of ['v2', 'v1'] as const satisfies readonly ComposeFlavor[]) {
    describe(`with compose ${flavor}`, () => {
      const composeFile = (): string => file('.devcontainer/docker-compose.yml');

      it('accepts the compose file', async () => {
        const config = await compose(flavor, { files: [composeFile()], project }, 'config');
        assert.match(config, /127\.0\.0\.1/, 'the port is published on loopback');
      });

      it('builds offline, runs as the host user, and the node answers with the generated cookie', async () => {
        await tagImagesFor(await readFile(file('.devcontainer/Dockerfile'), 'utf8'));
        // The build gets no network at all, as on a plane: everything must come from the base image.
        const offline = join(await mkdtemp(join(tmpdir(), 'offline ')), 'offline.yml');
        await writeFile(offline, 'services:\n  app:\n    build:\n      network: none\n');
        await compose(flavor, { files: [composeFile(), offline], project }, 'build');
        await compose(flavor, { files: [composeFile()], project }, 'up', '-d');
        const container = await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=app');
        assert.ok(container, 'the app container runs');

        const node = `hello_phoenix@hello-phoenix`;
        const answer = await waitFor(async () => {
          const probe = await docker('exec', container, 'elixir', '--sname', `probe${Date.now()}`, '--cookie', cookie, '--rpc-eval', node, 'IO.puts(node())').catch(() => '');
          return probe === node ? probe : undefined;
        }, `${node} to answer`, 120_000);
        assert.equal(answer, node);

        const uid = process.getuid?.() ?? 1000;
        assert.equal(await docker('exec', container, 'id', '-u'), String(uid));
        assert.equal((await stat(file('_build'))).uid, uid, '_build on the bind mount belongs to the host user');

        // config/dev.exs binds loopback, as generated: the entrypoint made Phoenix listen on all
        // interfaces inside the container only, so the published port reaches it.
        const page = await waitFor(() => fetch('http://127.0.0.1:4000/').then((response) => response.text(), () => undefined), 'HTTP on 127.0.0.1:4000', 30_000);
        assert.match(page, /hello_phoenix/);
        assert.equal(await readFile(file('config/dev.exs'), 'utf8'), devExs);
        await compose(flavor, { files: [composeFile()], project }, 'down', '-v');
      });

      it('leaves mix phx.server on the host listening on 127.0.0.1 only, after the dev container ran', async () => {
        const server = spawn('mix', ['phx.server'], { cwd: root, env: { ...process.env, MIX_ENV: 'dev' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        try {
          const sockets = await waitFor(async () => {
            const table = (await readFile('/proc/net/tcp', 'utf8')) + (await readFile('/proc/net/tcp6', 'utf8'));
            return /:0FA0 [0-9A-F:]+ 0A /.test(table) ? table : undefined;
          }, `the host's mix phx.server to listen on 4000 (output: ${output})`, 120_000);
          assert.ok(listensOnLoopbackOnly(sockets, 4000), `listening on loopback only: ${output}`);
          assert.match(output, /at 127\.0\.0\.1:4000/);
        } finally {
          server.kill('SIGKILL');
          await new Promise((resolve) => server.once('close', resolve));
        }
      });

      it('runs as a non-root host user (UID/GID 1000) who owns the project, and _build belongs to that user', async () => {
        // As a developer whose files belong to UID 1000: the image's user gets that UID and GID.
        const owner = { UID: '1000', GID: '1000' };
        await rm(file('_build'), { recursive: true, force: true });
        await exec('chown', ['-R', '1000:1000', root]);
        try {
          const target = { files: [composeFile()], project, env: owner };
          await compose(flavor, target, 'up', '-d', '--build');
          const container = await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=app');
          assert.equal(await docker('exec', container, 'id', '-u'), '1000');
          assert.equal(await docker('exec', container, 'id', '-g'), '1000');
          const built = await waitFor(() => stat(file('_build')).catch(() => undefined), '_build to be created', 120_000);
          assert.equal(built.uid, 1000);
          assert.equal(built.gid, 1000);
          await compose(flavor, target, 'down', '-v');
        } finally {
          await exec('chown', ['-R', `${String(process.getuid?.() ?? 0)}:${String(process.getgid?.() ?? 0)}`, root]);
        }
      });
    });
  }

  describe('scaffolding again', () => {
  it('loses nothing when scaffolding again over files the user changed', async () => {
    const dockerfile = file('.devcontainer/Dockerfile');
    const generated = await readFile(dockerfile, 'utf8');
    const mine = `${generated}\n# my own addition\n`;
    await writeFile(dockerfile, mine);
    await appendFile(file('.devcontainer/.env'), 'MY_SETTING=kept\n');
    await appendFile(file('.gitignore'), '/my-notes.txt\n');

    const keep = answering('keep');
    const kept = await scaffold(keep);
    assert.deepEqual(keep.asked, ['.devcontainer/Dockerfile'], 'only the changed file is a conflict');
    assert.deepEqual(kept?.kept, ['.devcontainer/Dockerfile']);
    assert.equal(await readFile(dockerfile, 'utf8'), mine);
    const env = parseEnvFile(await readFile(file('.devcontainer/.env'), 'utf8'));
    assert.equal(env['ERLANG_COOKIE'], cookie, 'the cookie is never rotated');
    assert.equal(env['MY_SETTING'], 'kept');
    const gitignore = await readFile(file('.gitignore'), 'utf8');
    assert.equal(gitignore.split('\n').filter((line) => line === '/.devcontainer/.env').length, 1, 'no duplicate line');
    assert.match(gitignore, /\/my-notes\.txt/);

    const alongside = await scaffold(answering('alongside'));
    assert.deepEqual(alongside?.alongside, ['.devcontainer/Dockerfile.new']);
    assert.equal(await readFile(dockerfile, 'utf8'), mine);
    assert.equal(await readFile(`${dockerfile}.new`, 'utf8'), generated);

    const overwrite = await scaffold(answering('overwrite'));
    assert.deepEqual(overwrite?.backups, ['.devcontainer/Dockerfile.bak']);
    assert.equal(await readFile(`${dockerfile}.bak`, 'utf8'), mine);
    assert.equal(await readFile(dockerfile, 'utf8'), generated);
  });
});

  describe("adopting the project's own compose file", () => {
    // A user's own file, as in the classic recipe: the project mounted at /app, the port published.
    const usersCompose = `services:\n  web:\n    image: ${BENCH_IMAGE}\n    volumes:\n      - .:/app\n    ports:\n      - "127.0.0.1:4000:4000"\n`;
    const files = (): string[] => [file('docker-compose.yml'), file(`.devcontainer/${OVERRIDE_FILE}`)];
    let adoptedProject = '';
    const log = vscode.window.createOutputChannel('Phoenix Dev Containers (adoption test)', { log: true });

    before(async () => {
      await rm(file('.devcontainer'), { recursive: true, force: true });
      await writeFile(file('docker-compose.yml'), usersCompose);
    });

    after(async () => {
      for (const flavor of ['v2', 'v1'] as const) {
        await compose(flavor, { files: files(), project: adoptedProject }, 'down', '-v').catch(() => undefined);
      }
      await rm(file('docker-compose.yml'), { force: true });
      log.dispose();
    });

    it('leaves the compose file as written and adds an override for the web service', async () => {
      const result = await scaffold(answering('keep', true));
      assert.ok(result);
      assert.equal(await readFile(file('docker-compose.yml'), 'utf8'), usersCompose);
      assert.ok(result.written.includes(`.devcontainer/${OVERRIDE_FILE}`));
      assert.ok(!result.written.includes('.devcontainer/docker-compose.yml'), 'no compose file of its own');
      cookie = parseEnvFile(await readFile(file('.devcontainer/.env'), 'utf8'))['ERLANG_COOKIE'] ?? '';
      // The view looks for the containers under the name compose gives the root file by itself.
      const projects = new PhoenixProjects(log, new Settings(vscode.workspace));
      await projects.refresh();
      adoptedProject = projects.all[0]?.composeProject ?? '';
      projects.dispose();
      assert.equal(adoptedProject, 'hello_phoenix');
    });

    for (const flavor of ['v2', 'v1'] as const satisfies readonly ComposeFlavor[]) {
      it(`runs the adopted service as the named node with compose ${flavor}`, async () => {
        // No -p: compose names the project the way it does for the user running it by hand.
        await compose(flavor, { files: files() }, 'up', '-d');
        const container = await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${adoptedProject}`, '--filter', 'label=com.docker.compose.service=web');
        assert.ok(container, `the web container runs in the compose project the view watches (${adoptedProject})`);
        assert.equal(await docker('inspect', '--format', '{{index .Config.Labels "dev.phoenix.node.name"}}', container), 'hello_phoenix@hello-phoenix');
        const node = 'hello_phoenix@hello-phoenix';
        const answer = await waitFor(async () => {
          const probe = await docker('exec', container, 'elixir', '--sname', `probe${Date.now()}`, '--cookie', cookie, '--rpc-eval', node, 'IO.puts(node())').catch(() => '');
          return probe === node ? probe : undefined;
        }, `${node} to answer`, 120_000);
        assert.equal(answer, node);
        // The user's config/dev.exs binds loopback: the page answers all the same.
        const page = await waitFor(() => fetch('http://127.0.0.1:4000/').then((response) => response.text(), () => undefined), 'HTTP on 127.0.0.1:4000', 60_000);
        assert.match(page, /hello_phoenix/);
        await compose(flavor, { files: files() }, 'down', '-v');
      });
    }
  });
});
