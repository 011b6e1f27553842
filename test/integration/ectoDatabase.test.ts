import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { composeProjectName } from '../../src/core/composeProject';
import { DockerEngine } from '../../src/docker/engine';
import { writeDevContainerFiles, type ScaffoldDecisions } from '../../src/ui/devContainerScaffold';
import { BENCH_IMAGE, compose, docker, ensurePostgresImage, requireDocker, waitFor } from './support';

const run = promisify(execFile);
const SETTINGS = { folder: '.devcontainer', baseImage: '', debian: '', namedVolumes: false, fixedSubnet: '' };
const DECISIONS: ScaffoldDecisions = {
  scaffoldWithoutPhoenix: () => Promise.resolve(false),
  adoptComposeFile: () => Promise.resolve('separate'),
  resolveConflict: () => Promise.resolve('keep'),
};
// Changes the repo's configuration after it is loaded, as `mix do app.config + eval ... + ecto.create`
// lets a dev container do without editing config/dev.exs.
const OVERRIDE_REPO = 'Application.put_env(:hello_ecto, HelloEcto.Repo, Keyword.merge(Application.fetch_env!(:hello_ecto, HelloEcto.Repo), hostname: System.fetch_env!("DB_HOST"), password: System.fetch_env!("DB_PASSWORD")))';

describe('Postgres of an Ecto project: the bench image and the Ecto stand-ins (real Docker engine)', function () {
  this.timeout(600_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  // The whole of test/fixtures is copied, so the Ecto fixture sits next to the open one.
  const root = join(dirname(folder.uri.fsPath), 'hello_ecto');
  const target = { files: [join(root, '.devcontainer', 'docker-compose.yml')], project: composeProjectName('hello_ecto') };
  const engine = new DockerEngine({ dockerHost: '' });
  let db = '';

  /**
   * Runs mix in the project from the bench's Elixir image, inside the db container's network
   * namespace: `localhost` in config/dev.exs is the database there.
   */
  async function mix(env: Record<string, string>, ...args: string[]): Promise<{ ok: boolean; output: string }> {
    const user = `${String(process.getuid?.() ?? 0)}:${String(process.getgid?.() ?? 0)}`;
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    const argv = ['run', '--rm', '--network', `container:${db}`, '--user', user, '-e', 'HOME=/tmp', ...envArgs, '-v', `${root}:/app`, '-w', '/app', BENCH_IMAGE, 'mix', ...args];
    try {
      const { stdout, stderr } = await run('docker', argv, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
      return { ok: true, output: `${stdout}${stderr}` };
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${stdout}${stderr}` };
    }
  }

  const psql = (database: string, sql: string): Promise<string> => docker('exec', db, 'psql', '-U', 'postgres', '-d', database, '-Atc', sql);
  const healthy = (): Promise<boolean> => waitFor(async () => (await docker('inspect', '--format', '{{.State.Health.Status}}', db)) === 'healthy', 'the db service to be healthy', 120_000);

  before(async function () {
    await requireDocker(this);
    await ensurePostgresImage();
    // Scaffolded afresh: another suite may have left its dev container files here.
    await rm(join(root, '.devcontainer'), { recursive: true, force: true });
  });

  after(async () => {
    await compose('v2', target, 'down', '-v').catch(() => undefined);
  });

  it('brings the generated db service up healthy, from the compose file as the scaffold wrote it', async () => {
    const result = await writeDevContainerFiles(vscode.Uri.file(root), 'hello_ecto', SETTINGS, DECISIONS, (own) => engine.networkSubnets(own));
    assert.ok(result?.written.includes('.devcontainer/docker-compose.yml'));
    const composeFile = await readFile(target.files[0] ?? '', 'utf8');
    assert.match(composeFile, /^ {2}db:\n {4}image: postgres:16-alpine$/m, 'the name the bench image is tagged with');
    await compose('v2', target, 'up', '-d', 'db');
    db = await compose('v2', target, 'ps', '-q', 'db');
    assert.ok(db, 'the db container runs');
    await healthy();
  });

  it('creates, migrates and seeds the database with mix ecto.setup over localhost, as config/dev.exs says', async () => {
    const setup = await mix({}, 'ecto.setup');
    assert.ok(setup.ok, setup.output);
    assert.match(setup.output, /The database for HelloEcto\.Repo has been created/);
    assert.match(setup.output, /\[info\] == Running 20240501120000 HelloEcto\.Repo\.Migrations\.CreatePosts\.change\/0 forward/);

    const databases = (await docker('exec', db, 'psql', '-U', 'postgres', '--list', '--tuples-only', '--no-align')).split('\n').map((line) => line.split('|')[0]);
    assert.ok(databases.includes('hello_ecto_dev'), `psql lists ${databases.join(', ')}`);
    assert.equal(await psql('hello_ecto_dev', "SELECT to_regclass('public.posts')"), 'posts');
    assert.equal(await psql('hello_ecto_dev', 'SELECT version FROM schema_migrations'), '20240501120000');
    assert.equal(await psql('hello_ecto_dev', 'SELECT title FROM posts'), 'Hello from the seeds');
  });

  it('refuses a wrong password with the server\'s invalid_password error, from the configuration as changed after app.config', async () => {
    // As in the official image, connections over loopback are trusted; over the container's own
    // address the password counts (SCRAM-SHA-256).
    const address = await docker('inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', db);
    assert.match(address, /^\d+\.\d+\.\d+\.\d+$/);
    const create = (password: string): Promise<{ ok: boolean; output: string }> =>
      mix({ DB_HOST: address, DB_PASSWORD: password }, 'do', 'app.config', '+', 'eval', OVERRIDE_REPO, '+', 'ecto.create');

    const wrong = await create('not-the-password');
    assert.ok(!wrong.ok, wrong.output);
    assert.match(wrong.output, /The database for HelloEcto\.Repo couldn't be created: FATAL 28P01 \(invalid_password\) password authentication failed for user "postgres"/);

    const right = await create('postgres');
    assert.ok(right.ok, right.output);
    assert.match(right.output, /The database for HelloEcto\.Repo has already been created/);
  });

  it('keeps the data when the db container stops and starts again, and in its volume for a new container', async () => {
    await compose('v2', target, 'stop', 'db');
    await compose('v2', target, 'start', 'db');
    await healthy();
    assert.match(await docker('logs', db), /already holds a cluster; starting it/);
    assert.equal(await psql('hello_ecto_dev', 'SELECT title FROM posts'), 'Hello from the seeds');

    // Without -v: the db-data volume stays, and a new container starts the cluster it holds.
    await compose('v2', target, 'down');
    await compose('v2', target, 'up', '-d', 'db');
    const old = db;
    db = await compose('v2', target, 'ps', '-q', 'db');
    assert.notEqual(db, old, 'a new container');
    await healthy();
    assert.match(await docker('logs', db), /already holds a cluster; starting it/);
    assert.equal(await psql('hello_ecto_dev', 'SELECT title FROM posts'), 'Hello from the seeds');
  });
});
