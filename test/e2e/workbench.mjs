// User-level actions on a real VS Code workbench (code-server in headless Chromium) with the
// packaged extension (dist/phoenix-dev-containers.vsix) installed, for the e2e journeys.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchBrowser } from '../stack/browser.mjs';
import { installExtension, startCodeServer } from '../stack/codeServer.mjs';
import { REPO } from '../stack/workspace.mjs';

const VSIX = join(REPO, 'dist', 'phoenix-dev-containers.vsix');
const ARTIFACTS = process.env.PHOENIX_TEST_ARTIFACTS ?? join(REPO, 'test-artifacts', 'e2e');

const SELECTORS = {
  workbench: '.monaco-workbench',
  palette: '.quick-input-widget',
  paletteRows: '.quick-input-widget .quick-input-list .monaco-list-row',
  phoenixIcon: '.activitybar .action-item a[aria-label^="Phoenix"]',
  phoenixItem: '.activitybar .action-item:has(> a[aria-label^="Phoenix"])',
  sidebar: '.part.sidebar',
  sidebarTitle: '.part.sidebar .composite.title',
  treeRows: '.part.sidebar .monaco-list-row',
  terminal: '.terminal-wrapper.active .xterm',
  terminalRows: '.terminal-wrapper.active .xterm .xterm-rows',
  toasts: '.notifications-toasts .notification-toast',
};

/**
 * Retries `check` (which throws or rejects while its condition does not hold yet) until it
 * passes or `timeout` ms are over; then the last error is thrown. Returns check's result.
 */
export async function eventually(check, { timeout = 20_000, interval = 250 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
    await sleep(interval);
  }
}

function log(message) {
  process.stdout.write(`# [workbench] ${message}\n`);
}

/**
 * Opens `folder` in a fresh VS Code with only the packaged extension installed. Screenshots go to
 * test-artifacts/e2e/<journey>/. Call `close()` when done.
 */
export async function openWorkbench(folder, { journey = 'journey', settings = {} } = {}) {
  if (!existsSync(VSIX)) {
    throw new Error(`${VSIX} is missing: run \`npm run package\` first`);
  }
  const scratch = await mkdtemp(join(tmpdir(), 'phoenix-e2e-'));
  const cleanups = [() => rm(scratch, { recursive: true, force: true })];
  const workbench = new Workbench(journey, cleanups);
  try {
    const extensionsDir = join(scratch, 'extensions');
    await installExtension(VSIX, extensionsDir, { log });
    const server = await startCodeServer({ folder, extensionsDir, userDataDir: join(scratch, 'user-data'), settings, log });
    cleanups.push(server.stop);
    const browser = await launchBrowser();
    cleanups.push(browser.close);
    workbench.page = browser.page;
    await browser.page.goto(`${server.url}/?${new URLSearchParams({ folder })}`);
    await browser.page.locator(SELECTORS.workbench).waitFor({ timeout: 60_000 });
  } catch (error) {
    await workbench.close();
    throw error;
  }
  return workbench;
}

class Workbench {
  /** The playwright Page showing the workbench, for anything the actions below do not cover. */
  page;
  #journey;
  #cleanups;
  #shots = 0;

  constructor(journey, cleanups) {
    this.#journey = journey;
    this.#cleanups = cleanups;
  }

  /** Saves a numbered screenshot (01-name.png, 02-...) of the whole workbench. */
  async screenshot(name) {
    const dir = join(ARTIFACTS, this.#journey);
    await mkdir(dir, { recursive: true });
    this.#shots += 1;
    const path = join(dir, `${String(this.#shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** The labels the command palette (F1) lists for `query`; the palette stays open. */
  async paletteEntries(query) {
    await this.#openPalette(query);
    const rows = this.page.locator(SELECTORS.paletteRows);
    // The list filters as it is typed; read it once two looks in a row agree.
    let labels = [];
    await eventually(async () => {
      const seen = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? ''));
      const settled = seen.length > 0 && seen.join('\n') === labels.join('\n');
      labels = seen;
      assert.ok(settled, `the palette list for "${query}" did not settle`);
    });
    return labels;
  }

  async closePalette() {
    const palette = this.page.locator(SELECTORS.palette);
    if (await palette.isVisible()) {
      await this.page.keyboard.press('Escape');
      await palette.waitFor({ state: 'hidden' });
    }
  }

  /** F1, types `title`, and runs it with Enter; fails unless `title` is the selected entry. */
  async runFromPalette(title) {
    const focused = this.page.locator(`${SELECTORS.paletteRows}.focused`);
    // The palette lists what the workbench knows when it opens (right after the window shows, no
    // extension's commands yet): each try opens it again, as a user would.
    await eventually(async () => {
      await this.#openPalette(title);
      const label = await focused.getAttribute('aria-label', { timeout: 1000 });
      assert.ok(label === title || label?.startsWith(`${title},`), `palette selected "${label}", not "${title}"`);
    });
    await this.page.keyboard.press('Enter');
  }

  /**
   * Opens the walkthrough titled `title` (Welcome: Open Walkthrough...) and returns the ids of its
   * steps that the workbench shows as done.
   */
  async completedWalkthroughSteps(title) {
    await this.runFromPalette('Welcome: Open Walkthrough...');
    await this.page.keyboard.type(title);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.getting-started-step[data-step-id]').first().waitFor({ timeout: 20_000 });
    // Each step's check mark: `complete` once done; its id is `<extension>#<walkthrough>#<step>`.
    const marks = this.page.locator('.getting-started-step [data-done-step-id]');
    return marks.evaluateAll((elements) => elements
      .filter((element) => element.classList.contains('complete'))
      .map((element) => element.getAttribute('data-done-step-id')?.split('#').pop()));
  }

  /** Answers the modal dialog with Enter, as a user who accepts every default does; returns its text. */
  async answerDialogWithEnter() {
    const text = await this.dialogText();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 20_000 });
    return text;
  }

  async #openPalette(text) {
    await this.closePalette();
    await this.page.keyboard.press('F1');
    await this.page.locator(SELECTORS.palette).waitFor({ state: 'visible' });
    await this.page.keyboard.type(text);
  }

  /** The Phoenix icon in the activity bar. */
  phoenixIcon() {
    return this.page.locator(SELECTORS.phoenixIcon);
  }

  /** Shows the Phoenix view container in the side bar (a click on an active icon would hide it). */
  async openPhoenixView() {
    const icon = this.phoenixIcon();
    await icon.waitFor({ timeout: 30_000 });
    const item = this.page.locator(SELECTORS.phoenixItem);
    if (!((await item.getAttribute('class')) ?? '').split(' ').includes('checked')) {
      await icon.click();
    }
    await this.page.locator(SELECTORS.sidebarTitle, { hasText: 'Phoenix' }).waitFor();
  }

  /** The side bar's title, e.g. "PHOENIX: DEV CONTAINER" (as displayed). */
  async sidebarTitle() {
    return (await this.page.locator(SELECTORS.sidebarTitle).innerText()).trim();
  }

  /** Everything the side bar shows as text (views, welcome content, buttons). */
  async sidebarText() {
    return this.page.locator(SELECTORS.sidebar).innerText();
  }

  /** Clicks the button labelled `label` in the side bar's welcome content. */
  async clickWelcomeButton(label) {
    await this.page.locator(`${SELECTORS.sidebar} .welcome-view-content a.monaco-button`, { hasText: label }).click();
  }

  /** The open modal dialog's message, once one shows. */
  async dialogText() {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    return dialog.innerText();
  }

  /** Clicks the modal dialog's button labelled `label`. */
  async clickDialogButton(label) {
    const exactly = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await this.page.locator('.monaco-dialog-box .dialog-buttons a.monaco-button', { hasText: exactly }).click();
  }

  /** The titles of the editor tabs. */
  async editorTabs() {
    return this.page.locator('.tabs-container .tab').allInnerTexts();
  }

  /** The text of each visible tree row in the side bar. */
  async treeRows() {
    return this.page.locator(SELECTORS.treeRows).allInnerTexts();
  }

  /** Hovers the side-bar row containing `rowText` and clicks its inline action `actionTitle`. */
  async clickInlineAction(rowText, actionTitle) {
    const row = this.page.locator(SELECTORS.treeRows, { hasText: rowText }).first();
    await row.hover();
    await row.locator(`.actions .action-label[aria-label="${actionTitle}"]`).click();
  }

  /** The text of the active terminal (needs the DOM renderer: gpuAcceleration off, as set). */
  async terminalText() {
    return this.page.locator(SELECTORS.terminalRows).innerText();
  }

  /** The names of the open terminals, as the panel's terminal tabs or dropdown list them. */
  async terminalTabs() {
    const tabs = await this.page.locator('.terminal-tabs-entry').allInnerTexts();
    if (tabs.length > 0) return tabs;
    // With one terminal, the panel shows its name in the title instead of a tab list.
    return this.page.locator('.panel .single-terminal-tab, .panel .terminal-tab').allInnerTexts();
  }

  /** Types a line into the active terminal and presses Enter. */
  async typeInTerminal(text) {
    await this.page.locator(SELECTORS.terminal).click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** The text of the status bar item whose accessible name starts with `label`. */
  async statusBarText(label) {
    return (await this.page.locator(`.part.statusbar [aria-label^="${label}"]`).first().innerText()).trim();
  }

  /** Clicks the button labelled `label` on the notification toast whose text matches `pattern`. */
  async clickToastButton(pattern, label) {
    const toast = this.page.locator(SELECTORS.toasts).filter({ hasText: pattern }).first();
    await toast.locator('a.monaco-button', { hasText: label }).first().click();
  }

  /** The text of each notification toast on screen. */
  async toasts() {
    return this.page.locator(SELECTORS.toasts).allInnerTexts();
  }

  /** Waits for a notification toast whose text matches `pattern`, and returns its text. */
  async toastMatching(pattern, timeout = 240_000) {
    return eventually(async () => {
      const shown = await this.toasts();
      const toast = shown.find((text) => pattern.test(text));
      assert.ok(toast, `toasts: ${shown.join(' | ')}`);
      return toast;
    }, { timeout, interval: 500 });
  }

  /** Takes a last screenshot, then stops the browser and code-server. */
  async close() {
    if (this.page) {
      await this.screenshot('last').catch(() => {});
    }
    while (this.#cleanups.length > 0) {
      await this.#cleanups.pop()().catch((error) => log(`cleanup: ${error.message}`));
    }
  }
}
