// Journey: a developer whose project already has its own docker-compose.yml keeps it, and the
// dev container is added around it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareWorkspace } from '../stack/workspace.mjs';
import { eventually, openWorkbench } from './workbench.mjs';

const usersCompose = 'name: shop\nservices:\n  web:\n    build: .\n    volumes:\n      - .:/app\n    ports:\n      - "127.0.0.1:4000:4000"\n';

describe('adopting the project\'s own compose file', { timeout: 180_000 }, () => {
  let workspace;
  let workbench;

  before(async () => {
    workspace = await prepareWorkspace('hello_phoenix');
    writeFileSync(join(workspace.folder, 'docker-compose.yml'), usersCompose);
    workbench = await openWorkbench(workspace.folder, { journey: 'adopt-compose' });
  });

  after(async () => {
    await workbench?.close();
    await workspace?.dispose();
  });

  it('asks whether to use the project\'s docker-compose.yml, and adds an override when told yes', async () => {
    await workbench.openPhoenixView();
    await eventually(async () => assert.match(await workbench.sidebarText(), /has no dev container yet/));
    await workbench.runFromPalette('Phoenix: Scaffold Dev Container');
    assert.match(await workbench.dialogText(), /Your project has its own docker-compose\.yml\. Use it for the dev container\?/);
    await workbench.screenshot('adopt-question');
    await workbench.clickDialogButton('Use docker-compose.yml');

    await eventually(async () => {
      const shown = await workbench.toasts();
      assert.ok(shown.some((toast) => /docker-compose\.override\.yml/.test(toast)), `toasts: ${shown.join(' | ')}`);
    });
    assert.equal(readFileSync(join(workspace.folder, 'docker-compose.yml'), 'utf8'), usersCompose, 'the user\'s file is untouched');
    assert.ok(existsSync(join(workspace.folder, '.devcontainer', 'docker-compose.override.yml')));
    assert.ok(!existsSync(join(workspace.folder, '.devcontainer', 'docker-compose.yml')), 'no compose file of its own');
  });

  it('shows the adopted project under the name compose gives it', async () => {
    // "shop" comes from the file's name: field, read by the packaged extension's YAML parser.
    const rows = await eventually(async () => {
      const shown = await workbench.treeRows();
      assert.ok(shown.some((row) => row.includes('hello_phoenix') && row.includes('shop')), `tree rows: ${shown.join(' | ')}`);
      return shown;
    });
    assert.ok(rows.length > 0);
    await workbench.screenshot('adopted-tree');
  });
});
