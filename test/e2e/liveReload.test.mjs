// Journey: a developer starts the dev container of a project with live reload, keeps its page open
// in the browser and edits a template on this machine: the page reloads by itself with the new text.
// Check File Watching, run by itself after that first Start, says nothing (all is well), and run from
// the palette it opens its report.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { helloPhoenixJourney } from './helloPhoenixJourney.mjs';
import { eventually } from './workbench.mjs';

const TEMPLATE = join('lib', 'hello_phoenix_web', 'controllers', 'page_html', 'home.html.heex');
const FILE_WATCHING_TOAST = /Live reload (will miss|works, with caveats)|file watching/i;

describe('live reload in the dev container', { timeout: 600_000 }, () => {
  const journey = helloPhoenixJourney('live-reload');

  it('starts the dev container, and the file watching check after it stays silent', async () => {
    await eventually(async () => {
      const listed = await journey.workbench.paletteEntries('Phoenix: Start Dev Container');
      await journey.workbench.closePalette();
      assert.ok(listed.includes('Phoenix: Start Dev Container'));
    }, { timeout: 60_000 });
    await journey.workbench.runFromPalette('Phoenix: Start Dev Container');
    assert.match(await journey.workbench.answerDialogWithEnter(), /hello_phoenix has no dev container yet/);
    await journey.workbench.toastMatching(/The dev container of hello_phoenix is ready: http:\/\/127\.0\.0\.1:4000/);
    // The check runs in the background after the first Start: give it the time it takes (a few seconds).
    await new Promise((resolve) => setTimeout(resolve, 8000));
    const toasts = await journey.workbench.toasts();
    assert.ok(!toasts.some((toast) => FILE_WATCHING_TOAST.test(toast)), `no file watching toast: ${toasts.join(' | ')}`);
  });

  it('reloads the open page by itself when a template is edited on this machine', async () => {
    const page = await journey.workbench.page.context().newPage();
    try {
      const loads = [];
      page.on('load', () => loads.push(performance.now()));
      await page.goto('http://127.0.0.1:4000/');
      assert.match(await page.textContent('h1'), /Welcome to hello_phoenix!/);
      // The page holds its live reload stream before the edit.
      await eventually(async () => assert.equal(await page.evaluate(() => document.readyState), 'complete'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const latencies = [];
      const template = join(journey.workspace.folder, TEMPLATE);
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
      await journey.workbench.screenshot('reloaded');
      console.log(`# edit → page reloaded with the new text: ${latencies.join(', ')} ms`);
      writeFileSync(template, original);
    } finally {
      await page.close();
    }
  });

  it('checks file watching from the palette and opens the report', async () => {
    await journey.workbench.runFromPalette('Phoenix: Check File Watching');
    await eventually(async () => {
      const tabs = await journey.workbench.editorTabs();
      assert.ok(tabs.some((tab) => /Preview File watching in hello_phoenix/.test(tab)), `editor tabs: ${tabs.join(' | ')}`);
    }, { timeout: 60_000 });
    // The preview renders in a webview of its own: give it a moment for the screenshot.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await journey.workbench.screenshot('report');
  });
});
