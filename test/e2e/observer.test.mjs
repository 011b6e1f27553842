// Journey: with the dev container running, a developer opens the Phoenix view, picks the node's
// row and its Observe Node action, and sees inside the node: its name, its process count, and its
// application's supervision tree, driven by the keyboard. Closing the panel ends its helper.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { helloPhoenixJourney } from './helloPhoenixJourney.mjs';
import { eventually } from './workbench.mjs';

const run = promisify(execFile);
const docker = async (...args) => (await run('docker', args, { encoding: 'utf8' })).stdout.trim();
const NODE = 'hello_phoenix@hello-phoenix';

async function appContainer() {
  return docker('ps', '--filter', 'label=com.docker.compose.project=hello_phoenix_devcontainer', '--filter', 'label=dev.phoenix.role=app', '--format', '{{.ID}}');
}

/** The observer helpers running in the app's container (a helper's node name as a whole argument). */
async function helpersIn(container) {
  return docker('exec', container, 'sh', '-c', 'for d in /proc/[0-9]*; do tr "\\0" "\\n" < "$d/cmdline" 2>/dev/null | grep -qx "observer_[0-9a-f]*" && echo "$d"; done; true');
}

/** Evaluates Elixir in the app's node, from a VM in its container, with the cookie of the generated .env. */
async function rpc(folder, code) {
  const cookie = readFileSync(join(folder, '.devcontainer', '.env'), 'utf8').match(/^ERLANG_COOKIE=(.*)$/m)?.[1];
  return docker('exec', await appContainer(), 'elixir', '--sname', `rpc_${process.pid}`, '--cookie', cookie, '--rpc-eval', NODE, code);
}

describe('observing the running node', { timeout: 600_000 }, () => {
  const journey = helloPhoenixJourney('observer');
  /** The panel's page: webviews live in an iframe inside an iframe. */
  let panel;

  it('starts the dev container', async () => {
    await journey.workbench.runFromPalette('Phoenix: Start Dev Container');
    assert.match(await journey.workbench.answerDialogWithEnter(), /hello_phoenix has no dev container yet/);
    await journey.workbench.toastMatching(/The dev container of hello_phoenix is ready/);
  });

  it('opens Observe Node from the node\'s row in the Phoenix view', async () => {
    await journey.workbench.openPhoenixView();
    await eventually(async () => {
      const rows = await journey.workbench.treeRows();
      assert.ok(rows.some((row) => row.includes(NODE)), `tree rows: ${rows.join(' | ')}`);
    }, { timeout: 60_000 });
    await journey.workbench.clickInlineAction(NODE, 'Observe Node');
    await eventually(async () => assert.ok((await journey.workbench.editorTabs()).some((tab) => tab.includes(`Observe ${NODE}`))), { timeout: 30_000 });
    panel = journey.workbench.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('#node').waitFor({ timeout: 30_000 });
  });

  it('shows the node\'s name and its process count', async () => {
    assert.equal(await panel.locator('#node').innerText(), NODE);
    const processes = await eventually(async () => {
      assert.match(await panel.locator('#status').innerText(), /^Connected to hello_phoenix@hello-phoenix/);
      const row = await panel.locator('#limits tr', { hasText: 'Processes' }).innerText();
      const count = /(\d[\d,]*)\s*\/\s*([\d,]+)/.exec(row);
      assert.ok(count, `the processes row: ${row}`);
      return Number(count[1].replace(/,/g, ''));
    }, { timeout: 60_000 });
    assert.ok(processes > 50 && processes < 5000, `process count ${processes}`);
    const facts = await panel.locator('#facts').innerText();
    assert.match(facts, /OTP\s+\d+/);
    assert.match(facts, /Elixir\s+1\.\d+/);
    await journey.workbench.screenshot('overview');
  });

  it('shows the application\'s supervisor and, expanded from the keyboard, its children', async () => {
    // The tab list answers the arrow keys.
    await panel.locator('#tab-overview').focus();
    await journey.workbench.page.keyboard.press('ArrowRight');
    assert.equal(await panel.locator('#tab-applications').getAttribute('aria-selected'), 'true');
    const app = panel.locator('#applications > li', { hasText: 'hello_phoenix' });
    await eventually(async () => assert.match(await app.innerText(), /HelloPhoenix\.Supervisor/), { timeout: 30_000 });
    await app.locator('button.toggle').first().focus();
    await journey.workbench.page.keyboard.press('Enter');
    await eventually(async () => assert.match(await app.innerText(), /HelloPhoenixWeb\.Endpoint/), { timeout: 30_000 });
    assert.equal(await app.locator('button.toggle').first().getAttribute('aria-expanded'), 'true');
    await journey.workbench.screenshot('applications');
  });

  it('lists the top processes by memory', async () => {
    await panel.locator('#tab-processes').click();
    await eventually(async () => {
      assert.match(await panel.locator('#process-summary').innerText(), /^Top 50 of \d+ processes by memory/);
      assert.ok((await panel.locator('#processes tbody tr').count()) === 50);
    }, { timeout: 30_000 });
    await journey.workbench.screenshot('processes');
  });

  it('finds a process by name and kills it from its row, once the user confirms', async () => {
    await rpc(journey.workspace.folder, 'spawn(fn -> Process.register(self(), :observer_e2e_victim); receive do :never -> :ok end end)');
    await panel.locator('#filter').fill('observer_e2e');
    const rows = panel.locator('#processes tbody tr');
    await eventually(async () => {
      assert.equal(await rows.count(), 1);
      assert.match(await rows.first().innerText(), /observer_e2e_victim/);
    }, { timeout: 30_000 });
    await rows.first().locator('button.danger').click();
    assert.match(await journey.workbench.dialogText(), /Kill process observer_e2e_victim \(<0\.\d+\.0>\) on hello_phoenix@hello-phoenix\?/);
    await journey.workbench.clickDialogButton('Kill');
    await eventually(async () => assert.equal(await rpc(journey.workspace.folder, 'IO.inspect(Process.whereis(:observer_e2e_victim))'), 'nil'), { timeout: 20_000 });
    await eventually(async () => assert.equal(await rows.count(), 0));
    await journey.workbench.screenshot('killed');
  });

  it('ends the helper in the container when the panel closes', async () => {
    const container = await appContainer();
    assert.notEqual(await helpersIn(container), '', 'the panel\'s helper runs in the container');
    // The tab's own close button, as a user closes it.
    const tab = journey.workbench.page.locator('.tabs-container .tab', { hasText: `Observe ${NODE}` });
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await eventually(async () => assert.ok(!(await journey.workbench.editorTabs()).some((tab) => tab.includes('Observe'))));
    await eventually(async () => assert.equal(await helpersIn(container), ''), { timeout: 20_000 });
  });
});
