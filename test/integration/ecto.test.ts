import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComposeCli, ComposeTarget } from '../../src/core/compose';
import { composeProjectName, devContainerTarget } from '../../src/core/composeProject';
import type { DevContainerFailure } from '../../src/core/devContainerFailure';
import { parseOutputLine } from '../../src/core/testing/events';
import { ELIXIR_VERSION_ARGV, ELIXIR_VERSION_VARIABLE, testCommand, testsNeedContainerConfig } from '../../src/core/testing/run';
import { DockerEngine } from '../../src/docker/engine';
import { detectComposeCli } from '../../src/docker/composeCli';
import { oneOffMixContainer, runInContainer, runInOneOffContainer, runningMixContainer } from '../../src/docker/containerMix';
import { startComposeProject, stopComposeProject, tearDownComposeProject } from '../../src/docker/lifecycle';
import { writeDevContainerFiles } from '../../src/ui/devContainerScaffold';
import { describeFailure } from '../../src/ui/failureMessages';
import { docker, failureOf, requireDocker, tagImagesFor, waitFor } from './support';
import * as vscode from 'vscode';

/*
 * The Ecto + Postgres project as `mix phx.new` writes it (test/fixtures/hello_ecto: the Repo on
 * localhost, the endpoint on 127.0.0.1), beside the workspace's own fixture, against a real
 * PostgreSQL server in the generated db service.
 */
describe('Ecto and Postgres in the dev container (real Docker engine and PostgreSQL)', function () {
  this.timeout(600_000);
  const workspace = vscode.workspace.workspaceFolders?.[0];
  assert.ok(workspace, 'no workspace folder is open');
  const root = join(workspace.uri.fsPath, '..', 'hello_ecto');
  const file = (path: string): string => join(root, path);
  const engine = new DockerEngine({ dockerHost: '' });
  const projectName = composeProjectName('hello_ecto');
  const target: ComposeTarget = devContainerTarget({ root, devContainerDir: file('.devcontainer'), adopted: false, projectName });
  const message = (failure: DevContainerFailure): string => describeFailure(failure, undefined, () => undefined).text;
  let cli: ComposeCli;
  let devExs = '';

  const container = (service: string): Promise<string> =>
    docker('ps', '-q', '--filter', `label=com.docker.compose.project=${projectName}`, '--filter', `label=com.docker.compose.service=${service}`);
  const psql = async (sql: string): Promise<string> => docker('exec', await container('db'), 'psql', '-U', 'postgres', '-d', 'hello_ecto_dev', '-tAc', sql);
  const postsTables = (): Promise<string> => psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'posts'");

  before(async function () {
    await requireDocker(this);
    cli = await detectComposeCli('auto');
    await rm(file('.devcontainer'), { recursive: true, force: true });
    devExs = await readFile(file('config/dev.exs'), 'utf8');
    const result = await writeDevContainerFiles(vscode.Uri.file(root), 'hello_ecto', { folder: '.devcontainer', baseImage: '', debian: '', namedVolumes: false, fixedSubnet: '' }, {
      scaffoldWithoutPhoenix: () => Promise.resolve(false),
      adoptComposeFile: () => Promise.resolve('separate'),
      resolveConflict: () => Promise.resolve('keep'),
    }, (own) => engine.networkSubnets(own));
    assert.ok(result, 'the scaffold was cancelled');
    assert.deepEqual(result.advice, [], 'nothing for the user to edit');
    await tagImagesFor(await readFile(file('.devcontainer/Dockerfile'), 'utf8'));
  });

  after(async () => {
    await tearDownComposeProject(engine, cli, target, true).catch(() => undefined);
    await rm(file('.devcontainer'), { recursive: true, force: true });
  });

  it('comes up with config/dev.exs as generated: database created, migration run, page served', async () => {
    const steps: string[] = [];
    const ready = await startComposeProject(engine, cli, target, { readyTimeoutMs: 240_000, report: { stage: () => undefined, line: () => undefined, step: (step) => steps.push(step) } });
    assert.equal(ready.node, 'hello_ecto@hello-ecto');
    assert.deepEqual(steps, ['dependencies', 'compile', 'database', 'ecto.create', 'ecto.migrate', 'server']);
    assert.equal(await postsTables(), '1');
    const page = await waitFor(() => fetch('http://127.0.0.1:4000/').then((response) => response.text(), () => undefined), 'the page on 127.0.0.1:4000');
    assert.match(page, /hello_ecto/);
    assert.equal(await readFile(file('config/dev.exs'), 'utf8'), devExs, 'config/dev.exs is left as written');
  });

  it('runs the tests in the container against the test database in the db service, as the Testing view does', async () => {
    const app = await runningMixContainer(engine, projectName, root);
    assert.ok(app, 'the app container is running');
    const configFiles = await Promise.all(['config.exs', 'dev.exs', 'prod.exs', 'runtime.exs', 'test.exs'].map((name) => readFile(file(`config/${name}`), 'utf8')));
    assert.equal(testsNeedContainerConfig(configFiles), true, 'config/test.exs names the Repo on localhost');
    const runTests = async (configured: boolean): Promise<{ states: string[]; output: string }> => {
      const prefix = 'PHOENIX-TEST-EVENT:';
      const states: string[] = [];
      const command = testCommand(['test/hello_ecto/repo_test.exs'], prefix, configured);
      const result = await runInContainer(engine, app.id, configured ? { ...command, env: { ...command.env, [ELIXIR_VERSION_VARIABLE]: (await docker('exec', app.id, ...ELIXIR_VERSION_ARGV)).trim() } } : command, {
        cli: 'docker',
        cliEnv: process.env,
        workdir: app.root,
        timeoutMs: 240_000,
        onLine: (line) => {
          const { event } = parseOutputLine(line, prefix);
          if (event?.event === 'test_finished') states.push(`${event.name}: ${event.state}`);
        },
      });
      return { states, output: result.output };
    };
    const configured = await runTests(true);
    assert.deepEqual(configured.states, ['test the test database is migrated: passed'], configured.output);
    // Without the container's configuration the Repo looks for a database on the app container's own localhost.
    const direct = await runTests(false);
    assert.notDeepEqual(direct.states, configured.states, direct.output);
  });

  it('runs the tests in a one-off container of the app service while the project is stopped: compose starts the db service first, as the app\'s depends_on says', async () => {
    await stopComposeProject(engine, cli, target);
    const oneOff = await oneOffMixContainer(cli, target, 'app', root, process.env);
    assert.deepEqual({ service: oneOff.service, root: oneOff.root }, { service: 'app', root: '/app' });
    const prefix = 'PHOENIX-TEST-EVENT:';
    const states: string[] = [];
    const result = await runInOneOffContainer(engine, oneOff, testCommand(['test/hello_ecto/repo_test.exs'], prefix, true), {
      cliEnv: process.env,
      workdir: oneOff.root,
      timeoutMs: 240_000,
      onLine: (line) => {
        const { event } = parseOutputLine(line, prefix);
        if (event?.event === 'test_finished') states.push(`${event.name}: ${event.state}`);
      },
    });
    assert.deepEqual(states, ['test the test database is migrated: passed'], result.output);
    const containers = await docker('ps', '-a', '--filter', `label=com.docker.compose.project=${projectName}`, '--format', '{{.Label "com.docker.compose.service"}} {{.State}}');
    assert.deepEqual(containers.split('\n').sort(), ['app exited', 'db running']);
  });

  it('keeps the data across Stop and Start, and Reset Database empties it again', async () => {
    await psql("INSERT INTO posts (title, inserted_at, updated_at) VALUES ('kept', now(), now())");
    await stopComposeProject(engine, cli, target);
    await startComposeProject(engine, cli, target, { readyTimeoutMs: 240_000 });
    assert.equal(await psql('SELECT title FROM posts'), 'kept');
    // What "Phoenix: Reset Database" runs in the running container.
    const output = await docker('exec', await container('app'), 'sh', '/app/.devcontainer/entrypoint.sh', 'reset-database');
    assert.deepEqual(output.split('\n').filter((line) => line.startsWith('phoenix-dev-container:')), ['ecto.drop', 'ecto.create', 'ecto.migrate', 'seeds'].map((step) => `phoenix-dev-container: ${step}`));
    assert.equal(await postsTables(), '1', 'migrated again');
    assert.equal(await psql("SELECT count(*) FROM posts WHERE title = 'kept'"), '0', 'the data is gone');
    assert.equal(await psql('SELECT title FROM posts'), 'Hello from the seeds', 'seeded again');
  });

  it('names a database that refuses the password', async () => {
    await tearDownComposeProject(engine, cli, target, false);
    await writeFile(file('config/dev.exs'), devExs.replace('password: "postgres"', 'password: "not-the-password"'));
    try {
      const failure = await failureOf(startComposeProject(engine, cli, target, { readyTimeoutMs: 120_000 }));
      assert.equal(failure.kind, 'step-failed', JSON.stringify(failure));
      assert.deepEqual({ step: failure.failed.step, cause: failure.failed.cause }, { step: 'ecto.create', cause: 'database-refused' });
      assert.match(message(failure), /^The database refused the connection: password authentication failed for user "postgres"\. Make the db service's user and password/);
    } finally {
      await writeFile(file('config/dev.exs'), devExs);
    }
  });

  it('names the migration that fails', async () => {
    await tearDownComposeProject(engine, cli, target, false);
    const migration = file('priv/repo/migrations/20990101000000_break_things.exs');
    await writeFile(migration, 'defmodule HelloEcto.Repo.Migrations.BreakThings do\n  use Ecto.Migration\n\n  def change do\n    execute "ALTER TABLE no_such_table ADD COLUMN x integer"\n  end\nend\n');
    try {
      const failure = await failureOf(startComposeProject(engine, cli, target, { readyTimeoutMs: 120_000 }));
      assert.equal(failure.kind, 'step-failed', JSON.stringify(failure));
      assert.equal(failure.failed.cause, 'migration-failed', JSON.stringify(failure.failed));
      assert.equal(failure.failed.migration, '20990101000000 HelloEcto.Repo.Migrations.BreakThings');
      assert.match(message(failure), /^The migration 20990101000000 HelloEcto\.Repo\.Migrations\.BreakThings failed: .*no_such_table/);
    } finally {
      await rm(migration, { force: true });
    }
  });

  it('tears down with the volumes: the data is gone', async () => {
    await startComposeProject(engine, cli, target, { readyTimeoutMs: 240_000 });
    await tearDownComposeProject(engine, cli, target, true);
    const volumes = await docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${projectName}`);
    assert.equal(volumes, '');
  });
});
