// Journey: a developer opens a Phoenix project for the first time, with no dev container yet.
import assert from 'node:assert/strict';
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
    // The project has no .devcontainer yet: the view says so and offers both ways forward.
    const text = await eventually(async () => {
      const shown = await workbench.sidebarText();
      assert.match(shown, /has no dev container yet/);
      return shown;
    });
    assert.match(text, /Scaffold Dev Container/);
    assert.match(text, /Start Dev Container/);
    await workbench.screenshot('phoenix-view');
  });

  it('lists the Phoenix commands in the command palette', async () => {
    // These entries only show once the extension has detected the Phoenix project.
    const entries = await eventually(async () => {
      const listed = await workbench.paletteEntries('Phoenix:');
      assert.ok(listed.includes('Phoenix: Start Dev Container'), `palette lists: ${listed.join(' | ')}`);
      return listed;
    });
    assert.ok(entries.includes('Phoenix: Scaffold Dev Container'), `palette lists: ${entries.join(' | ')}`);
    await workbench.screenshot('palette');
    await workbench.closePalette();
  });
});
