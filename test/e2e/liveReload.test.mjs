// Journey: a developer starts the dev container of a project with live reload, keeps its page open
// in the browser and edits a template on this machine: the page reloads by itself with the new text.
// Check File Watching, run by itself after that first Start, says nothing (all is well), and run from
// the palette it opens its report.
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
const TEMPLATE = join('lib', 'hello_phoenix_web', 'controllers', 'page_html', 'home.html.heex');
const FILE_WATCHING_TOAST = /Live reload (will miss|works, with caveats)|file watching/i;

describe('live reload in the dev container', { timeout: 600_000 }, () => {
  let workspace;
  let workbench;

  before(async () => {
    workspace = await prepareWorkspace('hello_phoenix');
    await tagImagesForProject(workspace.folder);
    workbench = await openWorkbench(workspace.folder, { journey: 'live-reload' });
  });

  after(async () => {
    await workbench?.close();
    await run('docker', ['compose', '-p', 'hello_phoenix_devcontainer', '-f', join(workspace.folder, '.devcontainer', 'docker-compose.yml'), 'down', '-v']).catch(() => {});
    await workspace?.dispose();
  });

  it('starts the dev container, and the file watching check after it stays silent', async () => {
    await eventually(async () => {
      const listed = await workbench.paletteEntries('Phoenix: Start Dev Container');
      await workbench.closePalette();
      assert.ok(listed.includes('Phoenix: Start Dev Container'));
    }, { timeout: 60_000 });
    await workbench.runFromPalette('Phoenix: Start Dev Container');
    assert.match(await workbench.answerDialogWithEnter(), /hello_phoenix has no dev container yet/);
    await workbench.toastMatching(/The dev container of hello_phoenix is ready: http:\/\/127\.0\.0\.1:4000/);
    // The check runs in the background after the first Start: give it the time it takes (a few seconds).
    await new Promise((resolve) => setTimeout(resolve, 8000));
    const toasts = await workbench.toasts();
    assert.ok(!toasts.some((toast) => FILE_WATCHING_TOAST.test(toast)), `no file watching toast: ${toasts.join(' | ')}`);
  });

  it('reloads the open page by itself when a template is edited on this machine', async () => {
    const page = await workbench.page.context().newPage();
    try {
      const loads = [];
      page.on('load', () => loads.push(performance.now()));
      await page.goto('http://127.0.0.1:4000/');
      assert.match(await page.textContent('h1'), /Welcome to hello_phoenix!/);
      // The page holds its live reload stream before the edit.
      await eventually(async () => assert.equal(await page.evaluate(() => document.readyState), 'complete'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const latencies = [];
      const template = join(workspace.folder, TEMPLATE);
      const original = readFileSync(template, 'utf8');
      for (let edit = 1; edit <= 3; edit += 1) {
        const seen = loads.length;
        const text = `Edited on the host, edit ${edit}`;
        const editedAt = performance.now();
        writeFileSync(template, original.replace(/<h1>.*<\/h1>/, `<h1>${text}</h1>`));
        await eventually(async () => {
          assert.ok(loads.length > seen, 'the page has not reloaded yet');
          assert.equal(await page.textContent('h1'), text);
        }, { timeout: 15_000, interval: 20 });
        latencies.push(Math.round(loads[loads.length - 1] - editedAt));
        await new Promise((resolve) => setTimeout(resolve, 1200));
      }
      await workbench.screenshot('reloaded');
      console.log(`# edit → page reloaded with the new text: ${latencies.join(', ')} ms`);
      writeFileSync(template, original);
    } finally {
      await page.close();
    }
  });

  it('checks file watching from the palette and opens the report', async () => {
    await workbench.runFromPalette('Phoenix: Check File Watching');
    await eventually(async () => {
      const tabs = await workbench.editorTabs();
      assert.ok(tabs.some((tab) => /Preview File watching in hello_phoenix/.test(tab)), `editor tabs: ${tabs.join(' | ')}`);
    }, { timeout: 60_000 });
    // The preview renders in a webview of its own: give it a moment for the screenshot.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await workbench.screenshot('report');
  });
});
