// A VS Code "executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }): instead of
// an Electron VS Code (which cannot be downloaded everywhere) it serves the workbench with
// code-server, opens it in headless Chromium with the extension-test payload, forwards the
// workbench log to stdout and exits with the exit code of the extension test suite.
//
// Understood arguments (the rest of what runTests passes is Electron-only and ignored):
//   --extensionDevelopmentPath=P (repeatable), --extensionTestsPath=T, --user-data-dir=D,
//   --extensions-dir=E, --disable-extensions, and one workspace folder.
// Environment: PHOENIX_TEST_TIMEOUT_MS (default 15 min), PHOENIX_TEST_ARTIFACTS (screenshot on failure).
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { OFFLINE_GALLERY_HOST, startCodeServer } from './codeServer.mjs';

const TIMEOUT_MS = Number(process.env.PHOENIX_TEST_TIMEOUT_MS) || 15 * 60 * 1000;

function parseArgs(argv) {
  const parsed = { developmentPaths: [], testsPath: undefined, userDataDir: undefined, extensionsDir: undefined, folder: undefined, codeServerArgs: [] };
  for (const arg of argv) {
    const [flag, ...rest] = arg.split('=');
    const value = rest.join('=');
    if (flag === '--extensionDevelopmentPath') {
      parsed.developmentPaths.push(resolve(value));
    } else if (flag === '--extensionTestsPath') {
      parsed.testsPath = resolve(value);
    } else if (flag === '--user-data-dir') {
      parsed.userDataDir = resolve(value);
    } else if (flag === '--extensions-dir') {
      parsed.extensionsDir = resolve(value);
    } else if (flag === '--disable-extensions') {
      parsed.codeServerArgs.push('--vscode-option', 'disable-extensions');
    } else if (!arg.startsWith('-')) {
      parsed.folder ??= resolve(arg);
    }
  }
  return parsed;
}

// A path on the machine code-server runs on, as the browser's remote authority names it.
function remoteUri(authority, path) {
  return `vscode-remote://${authority}${path.split('/').map(encodeURIComponent).join('/')}`;
}

function log(message) {
  process.stdout.write(`[launcher] ${message}\n`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.testsPath || args.developmentPaths.length === 0) {
    throw new Error('expected --extensionDevelopmentPath=... and --extensionTestsPath=...');
  }
  const session = { cleanups: [], page: undefined, finished: false };
  let timer;
  const code = await new Promise((finish) => {
    timer = setTimeout(() => {
      log(`TIMEOUT: the extension test suite did not finish within ${Math.round(TIMEOUT_MS / 1000)} s`);
      finish(124);
    }, TIMEOUT_MS);
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => {
        log(`received ${signal}, stopping`);
        finish(130);
      });
    }
    run(args, session, finish).catch((error) => {
      log(`ERROR: ${error.stack ?? error}`);
      finish(1);
    });
  });
  clearTimeout(timer);
  session.finished = true;
  const artifacts = process.env.PHOENIX_TEST_ARTIFACTS;
  if (code !== 0 && artifacts && session.page) {
    const path = join(artifacts, 'integration-failure.png');
    await mkdir(artifacts, { recursive: true });
    await session.page.screenshot({ path, timeout: 10_000 }).then(
      () => log(`screenshot of the workbench: ${path}`),
      () => {},
    );
  }
  while (session.cleanups.length > 0) {
    await session.cleanups.pop()().catch((error) => log(`cleanup: ${error.message}`));
  }
  return code;
}

async function run(args, session, finish) {
  const server = await startCodeServer({
    folder: args.folder,
    userDataDir: args.userDataDir,
    extensionsDir: args.extensionsDir,
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver', ...args.codeServerArgs],
    log,
  });
  session.cleanups.push(server.stop);
  void server.exited.then((code) => {
    if (!session.finished) {
      log(`code-server exited (${code}); see ${server.logFile}`);
      finish(1);
    }
  });
  const browser = await launchBrowser();
  session.cleanups.push(browser.close);
  const { page } = browser;
  session.page = page;

  // The workbench log, which carries the extension host's console (mocha's reporter) as argument
  // arrays. Failures to reach the dead offline gallery are expected and dropped.
  await page.exposeFunction('codeAutomationLog', (level, message) => {
    const text = Array.isArray(message) ? format(...message) : String(message);
    if (text.includes(OFFLINE_GALLERY_HOST)) {
      return;
    }
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${text}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    log(`extension tests finished with exit code ${code}`);
    finish(typeof code === 'number' ? code : 1);
  });
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  page.on('crash', () => {
    log('the workbench page crashed');
    finish(1);
  });

  const authority = `127.0.0.1:${server.port}`;
  const payload = [
    ...args.developmentPaths.map((path) => ['extensionDevelopmentPath', remoteUri(authority, path)]),
    ['extensionTestsPath', remoteUri(authority, args.testsPath)],
  ];
  const query = new URLSearchParams({ payload: JSON.stringify(payload) });
  if (args.folder) {
    query.set('folder', args.folder);
  }
  log(`opening the workbench (${args.folder ?? 'no folder'})`);
  await page.goto(`${server.url}/?${query}`);
}

process.exitCode = await main();
// Playwright or code-server handles must not keep a finished run alive.
process.exit(process.exitCode);
