// Journey: a developer with no Elixir on this machine starts the dev container and runs every test
// from the palette: the Testing view shows each test's state, and the failure's message (its peek,
// expected and actual) opens on the failing line of the workspace's own file, not the container's /app path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { helloPhoenixJourney } from './helloPhoenixJourney.mjs';
import { eventually } from './workbench.mjs';

const TEST_FILE = join('test', 'hello_phoenix', 'greeter_test.exs');
const FAILING_ASSERTION = 'assert HelloPhoenix.Greeter.hello("Grace") == "Hi, Grace!"';

describe('running the tests in the dev container from the Testing view', { timeout: 600_000 }, () => {
  const journey = helloPhoenixJourney('testing');

  it('starts the dev container', async () => {
    await journey.workbench.runFromPalette('Phoenix: Start Dev Container');
    assert.match(await journey.workbench.answerDialogWithEnter(), /hello_phoenix has no dev container yet/);
    await journey.workbench.toastMatching(/The dev container of hello_phoenix is ready/);
  });

  it('runs all tests: each test\'s state in the Testing view, the failure on its line of the workspace file', async () => {
    const { page } = journey.workbench;
    await journey.workbench.runFromPalette('Test: Run All Tests');

    // Every row of the Testing view, expanded: Right expands a row, Down moves to the next one.
    await journey.workbench.runFromPalette('View: Show Testing');
    const rows = page.locator('.test-explorer .monaco-list-row');
    const states = await eventually(async () => {
      await rows.first().click();
      await page.keyboard.press('Home');
      for (let step = 0; step < 40; step += 1) {
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowDown');
      }
      // Each row: its label, and the state its icon shows (codicon-testing-passed-icon...).
      const labels = await rows.evaluateAll((elements) => elements.map((element) => {
        const state = /codicon-testing-(\w+)-icon/.exec(element.querySelector('[class*="codicon-testing-"]')?.className ?? '')?.[1] ?? 'none';
        // The label without its description and duration (span.test-label-description inside it).
        const label = element.querySelector('.label')?.cloneNode(true);
        label?.querySelectorAll('.test-label-description').forEach((description) => description.remove());
        return `${label?.textContent?.trim() ?? ''}: ${state}`;
      }));
      const stateOf = (name) => labels.find((label) => label.startsWith(`${name}:`));
      assert.equal(stateOf('greets by name'), 'greets by name: passed', labels.join(' | '));
      assert.equal(stateOf('says "hi" to #{"Grace"}'), 'says "hi" to #{"Grace"}: failed', labels.join(' | '));
      assert.equal(stateOf('waves goodbye'), 'waves goodbye: skipped', labels.join(' | '));
      // The doctest line ends as its doctests did (each one is a result of the run, under the line).
      assert.equal(stateOf('doctest HelloPhoenix.Greeter'), 'doctest HelloPhoenix.Greeter: passed', labels.join(' | '));
      return labels;
    }, { timeout: 240_000, interval: 2000 });
    console.log(`# Testing view: ${states.join(' | ')}`);
    await journey.workbench.screenshot('testing-view');

    // The workspace's own test file, opened as a user does (Quick Open).
    await page.keyboard.press('Control+P');
    await page.keyboard.type('greeter_test.exs');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'greeter_test.exs' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const expectedLine = readFileSync(join(journey.workspace.folder, TEST_FILE), 'utf8').split('\n').findIndex((line) => line.includes(FAILING_ASSERTION));
    assert.ok(expectedLine >= 0);
    // The failure's peek (Test: Peek Output, as from the gutter): opened at the failing line, with ExUnit's expected and actual.
    await journey.workbench.runFromPalette('Test: Peek Output');
    const failure = await eventually(async () => {
      const peek = page.locator('.editor-instance .peekview-widget').first();
      const line = page.locator('.editor-instance .view-line').filter({ hasText: /HelloPhoenix\.Greeter\.hello\("Grace"\)/ }).first();
      const [text, peekBox, lineBox, cursor, breadcrumbs] = await Promise.all([
        peek.innerText({ timeout: 1000 }),
        peek.boundingBox({ timeout: 1000 }),
        line.boundingBox({ timeout: 1000 }),
        page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+$/ }).first().innerText({ timeout: 1000 }),
        page.locator('.editor-group-container.active .breadcrumbs-control').first().innerText({ timeout: 1000 }),
      ]);
      assert.ok(peekBox !== null && lineBox !== null);
      assert.match(text, /Assertion with == failed/);
      // The peek opens first, then moves the cursor to the failure: both are awaited.
      assert.equal(cursor, `Ln ${expectedLine + 1}, Col 1`, 'the cursor on the failing line');
      assert.ok(Math.abs(peekBox.y - (lineBox.y + lineBox.height)) < 20, `the peek starts at y=${peekBox.y}, not below line ${expectedLine + 1} (${lineBox.y + lineBox.height})`);
      // The editor draws spaces as no-break spaces.
      return { text: text.replace(/\u00a0/g, ' '), cursor, breadcrumbs };
    }, { timeout: 30_000 });
    console.log(`# peek: ${failure.text.replace(/\s+/g, ' ')}; ${failure.cursor}; ${failure.breadcrumbs.replace(/\s+/g, ' ')}`);
    assert.match(failure.text, /"Hi, Grace!"/);
    assert.match(failure.text, /"Hello, Grace!"/);
    // The workspace's own file, not a copy at the container's path.
    assert.match(failure.breadcrumbs.replace(/\s+/g, ' '), /test.*hello_phoenix.*greeter_test\.exs/);
    await journey.workbench.screenshot('failure-on-its-line');
  });
});
