// Journey: a developer opens a project exactly as `mix phx.new` wrote it (its endpoint bound to
// 127.0.0.1, in a folder whose path has a space) and, from the command palette the moment the
// window shows, with Enter at every question, gets the dev container up, its page, and IEx in its
// node; under compose v2 and under compose v1 (whose project reads the port from PORT, as some
// versions of mix phx.new write it). Then stop, a taken port, and tear down.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { prepareWorkspace } from '../stack/workspace.mjs';
import { eventually, openWorkbench } from './workbench.mjs';
import { tagImagesForProject } from '../stack/projectImages.mjs';

const run = promisify(execFile);
const docker = async (...args) => (await run('docker', args, { encoding: 'utf8' })).stdout.trim();
const STATUS = 'Phoenix dev container';

async function appState() {
  return docker('ps', '-a', '--filter', 'label=com.docker.compose.project=hello_phoenix_devcontainer', '--filter', 'label=dev.phoenix.role=app', '--format', '{{.State}}');
}

for (const { flavour, journey, portFromEnvironment } of [
  { flavour: 'docker compose', journey: 'run-compose-v2', portFromEnvironment: false },
  { flavour: 'docker-compose', journey: 'run-compose-v1', portFromEnvironment: true },
]) {
  describe(`running the dev container with ${flavour}`, { timeout: 600_000 }, () => {
    let workspace;
    let workbench;
    let devExs;

    before(async () => {
      workspace = await prepareWorkspace('hello_phoenix');
      const devExsPath = join(workspace.folder, 'config', 'dev.exs');
      if (portFromEnvironment) {
        writeFileSync(devExsPath, readFileSync(devExsPath, 'utf8').replace('port: 4000', 'port: String.to_integer(System.get_env("PORT") || "4000")'));
      }
      devExs = readFileSync(devExsPath, 'utf8');
      assert.match(devExs, /http: \[ip: \{127, 0, 0, 1\}, port: /);
      await tagImagesForProject(workspace.folder);
      // The settings name the compose command only: every question is answered with its default.
      workbench = await openWorkbench(workspace.folder, { journey, settings: { 'phoenix.composeCommand': flavour } });
    });

    after(async () => {
      await workbench?.close();
      await docker('rm', '-f', `port-squatter-${journey}`).catch(() => {});
      await run(flavour === 'docker compose' ? 'docker' : 'docker-compose', [
        ...(flavour === 'docker compose' ? ['compose'] : []),
        '-p', 'hello_phoenix_devcontainer', '-f', join(workspace.folder, '.devcontainer', 'docker-compose.yml'), 'down', '-v',
      ]).catch(() => {});
      await workspace?.dispose();
    });

    it('starts from the palette the moment the window shows, with Enter alone, to the page on 127.0.0.1:4000', async () => {
      // The palette lists the extension's commands once the workbench knows the extension; Start
      // must be among them from that first moment, not only after activation and the project scan.
      const firstListed = await eventually(async () => {
        const listed = (await workbench.paletteEntries('Phoenix:')).filter((label) => label.startsWith('Phoenix:'));
        await workbench.closePalette();
        assert.ok(listed.length > 0, 'the workbench does not know the extension yet');
        return listed;
      }, { timeout: 60_000, interval: 100 });
      assert.ok(firstListed.includes('Phoenix: Start Dev Container'), `first listed: ${firstListed.join(' | ')}`);
      await workbench.runFromPalette('Phoenix: Start Dev Container');
      assert.match(await workbench.answerDialogWithEnter(), /hello_phoenix has no dev container yet/);
      // The progress notification names its stage while the image builds and the node boots.
      await workbench.toastMatching(/Starting the dev container of hello_phoenix/, 60_000);
      await workbench.screenshot('starting');
      const ready = await workbench.toastMatching(/The dev container of hello_phoenix is ready: http:\/\/127\.0\.0\.1:4000, hello_phoenix@hello-phoenix/);
      assert.match(ready, /Open in Browser/);
      await workbench.screenshot('ready');
      assert.equal(await appState(), 'running');
      assert.match(await (await fetch('http://127.0.0.1:4000/')).text(), /hello_phoenix/);
      // Nothing of the user's was changed to get there: Phoenix on the host still binds loopback.
      assert.equal(readFileSync(join(workspace.folder, 'config', 'dev.exs'), 'utf8'), devExs);
      const toasts = await workbench.toasts();
      assert.ok(!toasts.some((toast) => /Apply Change|loopback/.test(toast)), `no advice to accept: ${toasts.join(' | ')}`);
    });

    it('shows the running app in the tree and the status bar', async () => {
      await workbench.openPhoenixView();
      await eventually(async () => {
        const rows = await workbench.treeRows();
        assert.ok(rows.some((row) => /app/.test(row) && /running/.test(row)), `tree rows: ${rows.join(' | ')}`);
        assert.match(await workbench.statusBarText(STATUS), /Phoenix: running/);
      });
      await workbench.screenshot('running');
    });

    it('attaches a remote IEx to the running node, without typing a name or a cookie', async () => {
      await workbench.runFromPalette('Phoenix: Attach Remote IEx');
      await eventually(async () => {
        assert.match(await workbench.terminalText(), /iex\(hello_phoenix@hello-phoenix\)\d+>/);
      }, { timeout: 60_000 });
      await workbench.typeInTerminal('node()');
      await workbench.typeInTerminal('File.exists?("/.dockerenv")');
      // This machine has a /.dockerenv too: the host name is what tells the container (hello-phoenix) from it.
      await workbench.typeInTerminal(':inet.gethostname()');
      const text = await eventually(async () => {
        const shown = await workbench.terminalText();
        assert.match(shown, /:"hello_phoenix@hello-phoenix"/);
        assert.match(shown, /File\.exists\?\("\/\.dockerenv"\)\s+true/);
        assert.match(shown, /\{:ok, (?:~c"|')hello-phoenix["']\}/);
        return shown;
      });
      const cookie = readFileSync(join(workspace.folder, '.devcontainer', '.env'), 'utf8').match(/^ERLANG_COOKIE=(.*)$/m)?.[1];
      assert.ok(cookie && !text.includes(cookie), 'the cookie is not shown in the terminal');
      assert.ok((await workbench.terminalTabs()).some((tab) => tab.includes('IEx: hello_phoenix@hello-phoenix')), 'the terminal is named after the node');
      await workbench.screenshot('iex');
    });

    it('shows the same terminal when attaching to the same node again', async () => {
      const before = (await workbench.terminalTabs()).length;
      await workbench.runFromPalette('Phoenix: Attach Remote IEx');
      await eventually(async () => assert.match(await workbench.terminalText(), /:"hello_phoenix@hello-phoenix"/));
      assert.equal((await workbench.terminalTabs()).length, before);
    });

    it('opens the app in the browser from the palette', async () => {
      let page;
      void workbench.page.context().waitForEvent('page', { timeout: 30_000 }).then((opened) => { page = opened; }, () => undefined);
      await workbench.runFromPalette('Phoenix: Open in Browser');
      await eventually(async () => {
        // The workbench may ask before it opens a link outside itself.
        if (page === undefined && await workbench.page.locator('.monaco-dialog-box').isVisible()) await workbench.clickDialogButton('Open');
        assert.ok(page, 'no browser tab opened');
      });
      await page.waitForLoadState();
      // code-server forwards the port through its own address (/proxy/4000/).
      assert.match(page.url(), /^http:\/\/(127\.0\.0\.1|localhost):(4000\/?|\d+\/proxy\/4000\/)$/);
      assert.match(await page.content(), /hello_phoenix/);
      await page.close();
    });

    it('stops from the palette', async () => {
      await workbench.runFromPalette('Phoenix: Stop Dev Container');
      await eventually(async () => {
        assert.equal(await appState(), 'exited');
        assert.match(await workbench.statusBarText(STATUS), /Phoenix: stopped/);
      }, { timeout: 60_000 });
      await workbench.screenshot('stopped');
    });

    it('checked off each step of the walkthrough as it really happened', async () => {
      const done = await workbench.completedWalkthroughSteps('Phoenix: From Zero to IEx');
      await workbench.screenshot('walkthrough');
      assert.deepEqual(done, ['openProject', 'start', 'openInBrowser', 'attach', 'stop']);
      await workbench.page.keyboard.press('Control+W');
    });

    it('says which container holds the port when Phoenix\'s port is taken', async () => {
      await docker('run', '-d', '--rm', '--name', `port-squatter-${journey}`, '-p', '127.0.0.1:4000:4000', 'phoenix-dev-containers-bench/elixir:bookworm', 'sleep', '300');
      await workbench.clickInlineAction('hello_phoenix', 'Start Dev Container');
      await workbench.toastMatching(new RegExp(`Port 4000 is already in use by container port-squatter-${journey}\\. Stop it, or change the published port`), 120_000);
      await workbench.screenshot('port-taken');
      await docker('rm', '-f', `port-squatter-${journey}`);
    });

    it('tears down after confirming, keeping the volumes', async () => {
      await workbench.runFromPalette('Phoenix: Tear Down Dev Container');
      assert.match(await workbench.dialogText(), /Tear down the dev container of hello_phoenix\?/);
      await workbench.clickDialogButton('Remove Containers');
      await eventually(async () => {
        assert.equal(await appState(), '');
        const rows = await workbench.treeRows();
        assert.ok(rows.some((row) => row.startsWith('app') && row.includes('not created')), `tree rows: ${rows.join(' | ')}`);
      }, { timeout: 60_000 });
      await workbench.screenshot('torn-down');
    });
  });
}
