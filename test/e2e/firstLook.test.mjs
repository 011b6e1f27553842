// Journey: a developer opens a Phoenix project for the first time, with no dev container yet.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareWorkspace } from '../stack/workspace.mjs';
import { eventually, openWorkbench } from './workbench.mjs';

describe('first look at a Phoenix project', { timeout: 180_000 }, () => {
  let workspace;
  let workbench;

  before(async () => {
    workspace = await prepareWorkspace('hello_phoenix');
    workbench = await openWorkbench(workspace.folder, { journey: 'first-look' });
  });

  after(async () => {
    await workbench?.close();
    await workspace?.dispose();
  });

  it('shows the Phoenix icon in the activity bar', async () => {
    await workbench.phoenixIcon().waitFor({ timeout: 30_000 });
    assert.equal(await workbench.phoenixIcon().getAttribute('aria-label'), 'Phoenix');
    await workbench.screenshot('activity-bar');
  });

  it('opens the Phoenix view with its Dev Container view, offering to create one', async () => {
    await workbench.openPhoenixView();
    assert.match(await workbench.sidebarTitle(), /phoenix: dev container/i);
    // The project has no .devcontainer yet: the view says so and offers to scaffold one.
    const text = await eventually(async () => {
      const shown = await workbench.sidebarText();
      assert.match(shown, /has no dev container yet/);
      return shown;
    });
    assert.match(text, /Scaffold Dev Container/);
    await workbench.screenshot('phoenix-view');
  });

  it('lists the Phoenix commands in the command palette', async () => {
    const entries = await eventually(async () => {
      const listed = await workbench.paletteEntries('Phoenix:');
      assert.ok(listed.includes('Phoenix: Start Dev Container'), `palette lists: ${listed.join(' | ')}`);
      return listed;
    });
    assert.ok(entries.includes('Phoenix: Scaffold Dev Container'), `palette lists: ${entries.join(' | ')}`);
    await workbench.screenshot('palette');
    await workbench.closePalette();
  });

  it('scaffolds the dev container from the welcome view, then shows the project in the tree', async () => {
    await workbench.openPhoenixView();
    await workbench.clickWelcomeButton('Scaffold Dev Container');
    const toasts = await eventually(async () => {
      const shown = await workbench.toasts();
      assert.ok(shown.some((toast) => /Dev container for hello_phoenix written/.test(toast)), `toasts: ${shown.join(' | ')}`);
      return shown;
    });
    // The endpoint binds 127.0.0.1 in config/dev.exs, as generated: the dev container copes with
    // it by itself, so there is no change for the user to accept.
    assert.ok(!toasts.some((toast) => /Apply Change/.test(toast)), `toasts: ${toasts.join(' | ')}`);
    await workbench.screenshot('scaffolded');
    for (const file of ['Dockerfile', 'docker-compose.yml', 'entrypoint.sh', 'devcontainer.json', '.env']) {
      assert.ok(existsSync(join(workspace.folder, '.devcontainer', file)), `.devcontainer/${file} was written`);
    }
    const rows = await eventually(async () => {
      const shown = await workbench.treeRows();
      assert.ok(shown.some((row) => row.includes('hello_phoenix')), `tree rows: ${shown.join(' | ')}`);
      return shown;
    });
    // The compose file's service, with no container yet.
    assert.ok(rows.some((row) => row.startsWith('app') && row.includes('not created')), `tree rows: ${rows.join(' | ')}`);
    await workbench.screenshot('tree-after-scaffold');
  });

  it('shows the difference and keeps the Dockerfile the user changed when scaffolding again', async () => {
    const dockerfile = join(workspace.folder, '.devcontainer', 'Dockerfile');
    const mine = `${readFileSync(dockerfile, 'utf8')}\n# my own addition\n`;
    writeFileSync(dockerfile, mine);

    await workbench.runFromPalette('Phoenix: Scaffold Dev Container');
    const question = await workbench.dialogText();
    assert.match(question, /\.devcontainer\/Dockerfile already exists and differs/);
    const tabs = await workbench.editorTabs();
    assert.ok(tabs.some((tab) => /Dockerfile: yours ↔ generated/.test(tab)), `tabs: ${tabs.join(' | ')}`);
    await workbench.screenshot('conflict');
    await workbench.clickDialogButton('Keep Mine');

    await eventually(async () => {
      const shown = await workbench.toasts();
      assert.ok(shown.some((toast) => /Kept your \.devcontainer\/Dockerfile/.test(toast)), `toasts: ${shown.join(' | ')}`);
    });
    assert.equal(readFileSync(dockerfile, 'utf8'), mine);
    await workbench.screenshot('kept');
  });
});
