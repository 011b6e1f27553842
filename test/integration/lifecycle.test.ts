import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComposeCli } from '../../src/core/compose';
import type { DevContainerFailure } from '../../src/core/devContainerFailure';
import { DockerEngine } from '../../src/docker/engine';
import type { BuildRecord } from '../../src/core/buildFreshness';
import { detectComposeCli } from '../../src/docker/composeCli';
import { rebuildComposeProject, restartComposeProject, startComposeProject, stopComposeProject, tearDownComposeProject, type LifecycleOptions } from '../../src/docker/lifecycle';
import { describeFailure } from '../../src/ui/failureMessages';
import { BENCH_IMAGE, docker, failureOf, fixtureSuite, requireDocker, startDockerAgain, waitFor } from './support';

const execFileAsync = promisify(execFile);
const NODE = 'hello_phoenix@hello-phoenix';
const FLAVOURS = [
  { flavour: 'docker compose', label: 'v2' },
  { flavour: 'docker-compose', label: 'v1' },
] as const;


describe('Run the dev container (real Docker engine)', function () {
  this.timeout(600_000);
  const { folder, engine, log, projects, target, scaffold } = fixtureSuite('lifecycle test');
  const root = folder.uri.fsPath;
  const file = (path: string): string => join(root, path);
  const message = (failure: DevContainerFailure): string => describeFailure(failure, projects.all[0], () => undefined).text;
  let cookie = '';
  let restoreFixture = (): Promise<void> => Promise.resolve();

  /** The app container's id, state and exit code, as the engine reports them. */
  const appContainer = async (): Promise<{ id: string; state: string }> => {
    const line = await docker('ps', '-a', '--filter', `label=com.docker.compose.project=${target().projectName}`, '--filter', 'label=dev.phoenix.role=app', '--format', '{{.ID}} {{.State}}');
    const [id = '', state = ''] = line.split(' ');
    return { id, state };
  };

  /** Asks the node itself, the way a user would check it: a remote call with the generated cookie. */
  const nodeAnswers = async (container: string): Promise<string> =>
    docker('exec', container, 'elixir', '--sname', `check${Date.now()}`, '--cookie', cookie, '--rpc-eval', NODE, 'IO.puts(node())');

  before(async function () {
    await requireDocker(this);
    ({ cookie, restore: restoreFixture } = await scaffold());
  });

  after(async () => {
    const cli = await detectComposeCli('docker compose');
    await tearDownComposeProject(engine, cli, target(), true).catch(() => undefined);
    await restoreFixture();
    projects.dispose();
    log.dispose();
  });

  for (const { flavour, label } of FLAVOURS) {
    describe(`with compose ${label}`, () => {
      let cli: ComposeCli;
      const stages: string[] = [];
      const lines: string[] = [];
      const builds = new Map<string, BuildRecord>();
      const options = (extra: Partial<LifecycleOptions> = {}): LifecycleOptions => ({
        report: { stage: (stage) => stages.push(stage), line: (text) => lines.push(text) },
        readyTimeoutMs: 180_000,
        buildRecords: { get: (image) => builds.get(image), set: (image, record) => { builds.set(image, record); } },
        ...extra,
      });

      before(async () => {
        cli = await detectComposeCli(flavour);
        assert.equal(cli.flavour, flavour);
        // Each flavour starts from nothing: its own containers, its own image build.
        await tearDownComposeProject(engine, cli, target(), true);
      });

      it('starts to ready: builds, starts, the node answers and Phoenix responds', async () => {
        stages.length = 0;
        const ready = await startComposeProject(engine, cli, target(), options());
        assert.deepEqual(stages, ['checking', 'building', 'starting', 'waiting-for-node', 'waiting-for-http', 'ready']);
        assert.ok(lines.length > 0, 'build and start output streamed');
        assert.equal(ready.node, NODE);
        assert.equal(ready.url, 'http://127.0.0.1:4000');
        const app = await appContainer();
        assert.equal(app.state, 'running');
        assert.equal(await nodeAnswers(app.id), NODE);
        assert.match(await (await fetch('http://127.0.0.1:4000/')).text(), /hello_phoenix/);
      });

      it('starts again without building when the image is up to date', async () => {
        stages.length = 0;
        await startComposeProject(engine, cli, target(), options());
        assert.ok(!stages.includes('building'), `no build stage: ${stages.join(', ')}`);
      });

      it('stops, then restarts to ready', async () => {
        await stopComposeProject(engine, cli, target(), options());
        assert.equal((await appContainer()).state, 'exited');
        const ready = await restartComposeProject(engine, cli, target(), options());
        assert.equal(ready.node, NODE);
        assert.equal(await nodeAnswers((await appContainer()).id), NODE);
      });

      it('rebuilds and recreates the container', async () => {
        const before = (await appContainer()).id;
        stages.length = 0;
        await rebuildComposeProject(engine, cli, target(), false, options());
        assert.ok(stages.includes('building'));
        const after = await appContainer();
        assert.notEqual(after.id, before, 'a new container');
        assert.equal(await nodeAnswers(after.id), NODE);
      });

      it('tears down, keeping the volumes unless asked', async () => {
        await tearDownComposeProject(engine, cli, target(), false, options());
        assert.equal((await appContainer()).id, '', 'no container left');
      });

      it('says which container holds Phoenix\'s port', async () => {
        const squatter = `port-squatter-${label}`;
        await docker('run', '-d', '--rm', '--name', squatter, '-p', '127.0.0.1:4000:4000', BENCH_IMAGE, 'sleep', '300');
        try {
          const failure = await failureOf(startComposeProject(engine, cli, target(), options()));
          assert.equal(failure.kind, 'port-in-use');
          assert.equal(message(failure), `Port 4000 is already in use by container ${squatter}. Stop it, or change the published port in the compose file.`);
        } finally {
          await docker('rm', '-f', squatter);
          await tearDownComposeProject(engine, cli, target(), false);
        }
      });

      it('says which process holds Phoenix\'s port', async () => {
        const server: ChildProcess = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '4000'], { stdio: 'ignore' });
        try {
          await waitFor(() => fetch('http://127.0.0.1:4000/').then(() => true, () => false), 'the squatting server');
          const failure = await failureOf(startComposeProject(engine, cli, target(), options()));
          assert.equal(failure.kind, 'port-in-use');
          assert.match(message(failure), new RegExp(`^Port 4000 is already in use by process ${String(server.pid)} \\(python3[.\\d]*\\)\\. Stop it`));
        } finally {
          server.kill();
          await tearDownComposeProject(engine, cli, target(), false);
        }
      });

      it('shows the last lines of a container that exits at once', async () => {
        const entrypoint = file('.devcontainer/entrypoint.sh');
        const original = await readFile(entrypoint, 'utf8');
        await writeFile(entrypoint, original.replace(/\n/, '\necho "config/dev.exs: something is wrong"; exit 3\n'));
        try {
          const failure = await failureOf(startComposeProject(engine, cli, target(), options()));
          assert.equal(failure.kind, 'container-exited');
          assert.equal(message(failure), 'The app container stopped (exit code 3). Last line: config/dev.exs: something is wrong');
        } finally {
          await writeFile(entrypoint, original);
          await tearDownComposeProject(engine, cli, target(), false);
        }
      });
    });
  }

  describe('failures that do not depend on the compose flavour', () => {
    let cli: ComposeCli;
    before(async () => {
      cli = await detectComposeCli('auto');
    });

    it('shows compose\'s message and the line of an invalid compose file', async () => {
      const composeFile = file('.devcontainer/docker-compose.yml');
      const original = await readFile(composeFile, 'utf8');
      await writeFile(composeFile, original.replace('services:', 'services:\n  broken: [unclosed'));
      try {
        const failure = await failureOf(startComposeProject(engine, cli, target()));
        assert.equal(failure.kind, 'invalid-compose-file');
        assert.match(message(failure), /^The compose file is not valid \(line \d+\): /);
      } finally {
        await writeFile(composeFile, original);
      }
    });

    it('shows the failing build step', async () => {
      const dockerfile = file('.devcontainer/Dockerfile');
      const original = await readFile(dockerfile, 'utf8');
      await writeFile(dockerfile, `${original}\nRUN echo "missing tool" && exit 7\n`);
      try {
        const failure = await failureOf(startComposeProject(engine, cli, target()));
        assert.equal(failure.kind, 'build-failed');
        assert.equal(message(failure), 'The image build failed at "RUN echo "missing tool" && exit 7". The full build log is in the output.');
      } finally {
        await writeFile(dockerfile, original);
      }
    });

    it('names a compile error with its file and line, and shows the entrypoint\'s steps as they begin', async () => {
      const source = file('lib/hello_phoenix.ex');
      const original = await readFile(source, 'utf8');
      const steps: string[] = [];
      await writeFile(source, `${original}\ndefmodule Broken do\n  def oops, do: undefined_function_here()\nend\n`);
      try {
        const failure = await failureOf(startComposeProject(engine, cli, target(), {
          readyTimeoutMs: 120_000,
          report: { stage: () => undefined, line: () => undefined, step: (step) => steps.push(step) },
        }));
        assert.equal(failure.kind, 'step-failed', JSON.stringify(failure));
        assert.equal(failure.failed.cause, 'compile-error', JSON.stringify(failure.failed));
        assert.equal(failure.failed.file, 'lib/hello_phoenix.ex');
        assert.equal(failure.failed.line, original.split('\n').length + 2);
        assert.match(message(failure), new RegExp(`^The project does not compile: lib/hello_phoenix\\.ex:${original.split('\n').length + 2}: .*undefined_function_here.*\\. Fix it\\. Then start again\\.$`));
        assert.deepEqual(steps, ['dependencies', 'compile']);
      } finally {
        await writeFile(source, original);
        await tearDownComposeProject(engine, cli, target(), false);
      }
    });

    it('tells a node that never comes up from one that refuses the cookie', async () => {
      const entrypoint = file('.devcontainer/entrypoint.sh');
      const original = await readFile(entrypoint, 'utf8');
      try {
        await writeFile(entrypoint, original.replace(/\n/, '\necho "waiting for something"; exec sleep 600\n'));
        const absent = await failureOf(startComposeProject(engine, cli, target(), { readyTimeoutMs: 3000 }));
        assert.equal(absent.kind, 'node-not-answering');
        assert.match(message(absent), /^The node hello_phoenix@hello-phoenix did not come up within \d+ s \(pinged from inside the container; epmd never listed it\)/);
        await tearDownComposeProject(engine, cli, target(), false);

        await writeFile(entrypoint, original.replace(/\n/, '\nexport ERLANG_COOKIE=not-the-one-in-env\n'));
        const refused = await failureOf(startComposeProject(engine, cli, target(), { readyTimeoutMs: 15_000 }));
        assert.equal(refused.kind, 'node-not-answering');
        assert.match(message(refused), /^The node hello_phoenix@hello-phoenix is up but refuses connections after \d+ s: its cookie is most likely not the one/);
      } finally {
        await writeFile(entrypoint, original);
        await tearDownComposeProject(engine, cli, target(), false);
      }
    });

    it('says Docker stopped when the engine goes away while waiting for the node', async function () {
      // Stops the machine's real engine: CI runs on a throwaway machine; elsewhere only when asked.
      if (process.env['CI'] !== 'true' && process.env['PHOENIX_TEST_STOP_DOCKER'] !== '1') this.skip();
      const entrypoint = file('.devcontainer/entrypoint.sh');
      const original = await readFile(entrypoint, 'utf8');
      await writeFile(entrypoint, original.replace(/\n/, '\necho "waiting for something"; exec sleep 600\n'));
      try {
        const failure = await failureOf(startComposeProject(engine, cli, target(), {
          readyTimeoutMs: 120_000,
          report: {
            stage: (stage) => {
              if (stage === 'waiting-for-node') void execFileAsync('pkill', ['-TERM', '-x', 'dockerd']);
            },
            line: () => undefined,
          },
        }));
        assert.equal(failure.kind, 'docker-unreachable');
        assert.equal(message(failure), 'Docker is not running: nothing answers at unix:///var/run/docker.sock. Start Docker, then try again.');
      } finally {
        await writeFile(entrypoint, original);
        await startDockerAgain();
        await tearDownComposeProject(engine, cli, target(), false);
      }
    });

    it('says Docker is not running when the engine cannot be reached', async () => {
      const unreachable = new DockerEngine({ dockerHost: 'unix:///tmp/no-docker-here.sock' });
      const failure = await failureOf(startComposeProject(unreachable, cli, target(), { env: { ...process.env, DOCKER_HOST: 'unix:///tmp/no-docker-here.sock' } }));
      assert.equal(failure.kind, 'docker-unreachable');
      assert.equal(message(failure), 'Docker is not running: nothing answers at unix:///tmp/no-docker-here.sock. Start Docker, then try again.');
    });
  });
});
