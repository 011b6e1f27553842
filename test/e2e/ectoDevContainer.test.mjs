// Journey: a developer opens a project exactly as `mix phx.new` writes it by default, with Ecto and
// Postgres (config/dev.exs: the Repo on localhost, the endpoint on 127.0.0.1), and with Enter at
// every question gets the database created and migrated and the page served; the data survives a
// Stop and Start, and goes with Tear Down when the volumes are removed too.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tagImagesForProject } from '../stack/projectImages.mjs';
import { prepareWorkspace } from '../stack/workspace.mjs';
import { eventually, openWorkbench } from './workbench.mjs';

const run = promisify(execFile);
const docker = async (...args) => (await run('docker', args, { encoding: 'utf8' })).stdout.trim();
const PROJECT = 'hello_ecto_devcontainer';

const containerOf = (service) => docker('ps', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--filter', `label=com.docker.compose.service=${service}`);
const appState = () => docker('ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--filter', 'label=dev.phoenix.role=app', '--format', '{{.State}}');
const psql = async (sql) => docker('exec', await containerOf('db'), 'psql', '-U', 'postgres', '-d', 'hello_ecto_dev', '-tAc', sql);

describe('an Ecto and Postgres project with Enter alone', { timeout: 600_000 }, () => {
  let workspace;
  let workbench;
  let devExs;

  before(async () => {
    workspace = await prepareWorkspace('hello_ecto');
    devExs = readFileSync(join(workspace.folder, 'config', 'dev.exs'), 'utf8');
    assert.match(devExs, /hostname: "localhost"/);
    await tagImagesForProject(workspace.folder);
    workbench = await openWorkbench(workspace.folder, { journey: 'ecto' });
  });

  after(async () => {
    await workbench?.close();
    await run('docker', ['compose', '-p', PROJECT, '-f', join(workspace.folder, '.devcontainer', 'docker-compose.yml'), 'down', '-v']).catch(() => {});
    await workspace?.dispose();
  });

  it('starts with Enter alone: the database is created and migrated, and the page answers', async () => {
    await workbench.runFromPalette('Phoenix: Start Dev Container');
    assert.match(await workbench.answerDialogWithEnter(), /hello_ecto has no dev container yet/);
    await workbench.toastMatching(/The dev container of hello_ecto is ready: http:\/\/127\.0\.0\.1:4000, hello_ecto@hello-ecto/);
    await workbench.screenshot('ready');
    assert.match(await (await fetch('http://127.0.0.1:4000/')).text(), /hello_ecto/);
    assert.equal(await psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'posts'"), '1');
    assert.equal(readFileSync(join(workspace.folder, 'config', 'dev.exs'), 'utf8'), devExs, 'config/dev.exs is left as written');
  });

  it('keeps the data across Stop and Start', async () => {
    await psql("INSERT INTO posts (title, inserted_at, updated_at) VALUES ('kept across restarts', now(), now())");
    await workbench.runFromPalette('Phoenix: Stop Dev Container');
    await eventually(async () => assert.equal(await appState(), 'exited'), { timeout: 60_000 });
    await workbench.runFromPalette('Phoenix: Start Dev Container');
    await eventually(async () => {
      assert.equal(await appState(), 'running');
      assert.match(await (await fetch('http://127.0.0.1:4000/')).text(), /hello_ecto/);
    }, { timeout: 120_000 });
    assert.equal(await psql("SELECT count(*) FROM posts WHERE title = 'kept across restarts'"), '1');
  });

  it('tears down with the volumes after two confirmations: the data is gone', async () => {
    await workbench.runFromPalette('Phoenix: Tear Down Dev Container');
    assert.match(await workbench.dialogText(), /Tear down the dev container of hello_ecto\?/);
    await workbench.clickDialogButton('Remove Containers and Volumes…');
    assert.match(await workbench.dialogText(), /Delete the volumes of hello_ecto_devcontainer for good\?/);
    await workbench.clickDialogButton('Delete Volumes');
    await eventually(async () => {
      assert.equal(await appState(), '');
      assert.equal(await docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`), '');
    }, { timeout: 60_000 });
    await workbench.screenshot('torn-down');
  });
});
