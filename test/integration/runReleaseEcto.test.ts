import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ComposeCli, ComposeTarget } from '../../src/core/compose';
import { releaseComposeProjectName } from '../../src/core/release';
import { DockerEngine } from '../../src/docker/engine';
import { detectComposeCli } from '../../src/docker/composeCli';
import { startComposeProject, stopComposeProject, tearDownComposeProject } from '../../src/docker/lifecycle';
import { writeReleaseImageFiles } from '../../src/ui/releaseScaffold';
import { docker, requireDocker, restoreReleaseFixture, snapshotFiles, tagImagesFor } from './support';

const run = promisify(execFile);

/*
 * The release of the Ecto + Postgres project (test/fixtures/hello_ecto, beside the workspace's own
 * fixture) with the database of its own compose file: bin/migrate runs the migrations through the
 * release, then the server starts.
 */
describe('Ecto release run locally (real Docker engine and PostgreSQL)', function () {
  this.timeout(900_000);
  const workspace = vscode.workspace.workspaceFolders?.[0];
  assert.ok(workspace, 'no workspace folder is open');
  const root = join(workspace.uri.fsPath, '..', 'hello_ecto');
  const folder: vscode.WorkspaceFolder = { uri: vscode.Uri.file(root), name: 'hello_ecto', index: 1 };
  const engine = new DockerEngine({ dockerHost: '' });
  const projectName = releaseComposeProjectName('hello_ecto');
  const releaseDir = join(root, '.devcontainer', 'release');
  const target: ComposeTarget = { projectName, projectDirectory: releaseDir, files: [join(releaseDir, 'docker-compose.yml')] };
  let cli: ComposeCli;
  let original = new Map<string, Buffer>();

  const container = (service: string): Promise<string> =>
    docker('ps', '-q', '--filter', `label=com.docker.compose.project=${projectName}`, '--filter', `label=com.docker.compose.service=${service}`);
  const psql = async (sql: string): Promise<string> => docker('exec', await container('db'), 'psql', '-U', 'postgres', '-d', 'hello_ecto_prod', '-tAc', sql);
  const volumes = (): Promise<string> => docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${projectName}`);

  before(async function () {
    await requireDocker(this);
    cli = await detectComposeCli('auto');
    original = await snapshotFiles(root);
  });

  after(async () => {
    await tearDownComposeProject(engine, cli, target, true).catch(() => undefined);
    await restoreReleaseFixture(root, original);
  });

  it('scaffolds the release with a release module, bin/migrate and a database of its own', async () => {
    const result = await writeReleaseImageFiles(folder, { folder: '.devcontainer', debian: '' }, (conflict) => Promise.reject(new Error(`unexpected conflict on ${conflict.path}`)));
    assert.deepEqual(result.advice, [], 'nothing for the user to edit');
    for (const path of ['lib/hello_ecto/release.ex', 'rel/overlays/bin/migrate', '.devcontainer/release/docker-compose.yml']) {
      assert.ok(result.written.includes(path), `${path} was written`);
    }
    const composeFile = await readFile(target.files[0] ?? '', 'utf8');
    assert.match(composeFile, /DATABASE_URL: "ecto:\/\/postgres:postgres@db\/hello_ecto_prod"/);
    assert.match(composeFile, /^ {2}db:$/m);
  });

  it('starts: bin/migrate migrates the release\'s own database, then the page answers', async () => {
    await tagImagesFor(await readFile(join(root, 'Dockerfile'), 'utf8'));
    const ready = await startComposeProject(engine, cli, target, { build: 'always', readyTimeoutMs: 240_000 });
    assert.equal(ready.node, 'hello_ecto@hello-ecto-release');
    assert.equal(ready.service, 'release');
    assert.equal(await psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'posts'"), '1', 'the posts table exists');
    assert.equal(await psql('SELECT version FROM schema_migrations'), '20240501120000');
    // docker logs gives the container's stdout and stderr apart: read both.
    const { stdout, stderr } = await run('docker', ['logs', ready.containerId], { encoding: 'utf8' });
    const logs = stdout + stderr;
    assert.match(logs, /== Migrated 20240501120000/, 'the release ran the migration');
    assert.equal(await docker('exec', ready.containerId, '/app/bin/hello_ecto', 'rpc', 'IO.inspect(HelloEcto.Repo.query!("SELECT count(*) FROM posts").rows)'), '[[0]]', 'the running release reaches its database');
    const page = await fetch('http://127.0.0.1:4001/').then((response) => response.text());
    assert.match(page, /Welcome to hello_ecto!/);
  });

  it('starts again on the same database: the data is kept, nothing left to migrate', async () => {
    await psql("INSERT INTO posts (title, inserted_at, updated_at) VALUES ('kept', now(), now())");
    await stopComposeProject(engine, cli, target);
    const ready = await startComposeProject(engine, cli, target, { build: 'always', readyTimeoutMs: 240_000 });
    assert.equal(await psql('SELECT title FROM posts'), 'kept');
    const { stdout, stderr } = await run('docker', ['logs', ready.containerId], { encoding: 'utf8' });
    assert.match(stdout + stderr, /Migrations already up/);
  });

  it('tears down with its database volume', async () => {
    assert.notEqual(await volumes(), '', 'the database has a volume');
    await tearDownComposeProject(engine, cli, target, true);
    assert.equal(await volumes(), '', 'the volume is gone');
    assert.equal(await container('db'), '', 'the database container is gone');
  });
});
