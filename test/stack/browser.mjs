// Headless Chromium from the system (Debian's `chromium` package) driven by playwright-core.
// playwright's own browser download is never used: it needs the internet.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium binary to use, or undefined when none is installed. */
export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'];
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      candidates.push(execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    } catch {
      // not on PATH
    }
  }
  return candidates.find((path) => path && isExecutable(path));
}

/**
 * Launches Chromium with a fresh profile. Returns the context, its first page and `close()`,
 * which also deletes the profile.
 */
export async function launchBrowser({ viewport = { width: 1400, height: 900 } } = {}) {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error('Chromium not found: install the chromium package or set CHROMIUM_PATH');
  }
  const profile = await mkdtemp(join(tmpdir(), 'phoenix-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS, viewport });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  const close = async () => {
    if (closed) {
      return;
    }
    closed = true;
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}
