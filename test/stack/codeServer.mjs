// Starts code-server (a real VS Code workbench served over HTTP) on loopback for the test layers.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureCodeServer } from './tools.mjs';

const BASE_SETTINGS = {
  // Without these the terminal draws on WebGL canvases (no readable text) and restores old sessions.
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  // The built-in chat UI opens panels and logs sign-in attempts that are noise in tests.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

// Keeps the marketplace on a dead loopback port so nothing leaves the machine.
export const OFFLINE_GALLERY_HOST = '127.0.0.1:9';
const OFFLINE_GALLERY = JSON.stringify({ serviceUrl: `http://${OFFLINE_GALLERY_HOST}/gallery` });

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function codeServerEnv() {
  return { ...process.env, EXTENSIONS_GALLERY: OFFLINE_GALLERY };
}

async function waitForHealthz(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Starts code-server and resolves once it is healthy. Its output goes to `logFile`
 * (default: code-server.log in the user data dir, a temporary one unless given).
 * `exited` resolves when it ends; `stop()` ends its whole process group.
 */
export async function startCodeServer({
  folder,
  extensionsDir,
  userDataDir,
  settings = {},
  extraArgs = [],
  logFile,
  log = () => {},
} = {}) {
  const { node, codeServer } = await ensureCodeServer({ log });
  const ownDataDir = userDataDir === undefined;
  const dataDir = userDataDir ?? (await mkdtemp(join(tmpdir(), 'phoenix-cs-data-')));
  const extDir = extensionsDir ?? join(dataDir, 'extensions');
  await mkdir(join(dataDir, 'User'), { recursive: true });
  await mkdir(extDir, { recursive: true });
  await writeFile(
    join(dataDir, 'User', 'settings.json'),
    `${JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2)}\n`,
  );
  // An own config file, so a developer's ~/.config/code-server/config.yaml (password, cert) never applies.
  const configFile = join(dataDir, 'code-server-config.yaml');
  await writeFile(configFile, 'auth: none\ncert: false\n');

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    codeServer,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--reconnection-grace-time', '5',
    '--user-data-dir', dataDir,
    '--extensions-dir', extDir,
    ...extraArgs,
  ];
  if (folder) {
    args.push(folder);
  }
  const outFile = logFile ?? join(dataDir, 'code-server.log');
  const out = createWriteStream(outFile, { flags: 'a' });
  log(`starting code-server on ${url} (output: ${outFile})`);
  // detached: own process group, so stop() also ends the extension host and terminals it spawns.
  const child = spawn(node, args, { env: codeServerEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve(code ?? signal)));

  let stopped = false;
  const stop = async () => {
    if (stopped) {
      return;
    }
    stopped = true;
    killGroup(child, 'SIGTERM');
    const grace = new AbortController();
    const forced = sleep(5000, undefined, { signal: grace.signal }).then(
      () => killGroup(child, 'SIGKILL'),
      () => {},
    );
    await Promise.race([exited, forced]);
    grace.abort();
    // Whatever of the group outlived code-server itself (extension host, pty host).
    killGroup(child, 'SIGKILL');
    out.end();
    if (ownDataDir) {
      await rm(dataDir, { recursive: true, force: true });
    }
  };

  try {
    await waitForHealthz(url, child, 60_000);
  } catch (error) {
    const output = await readFile(outFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(`${error.message}; its output ends with:\n${output.slice(-3000)}`);
  }
  return { url, port, userDataDir: dataDir, extensionsDir: extDir, logFile: outFile, exited, stop };
}

/** Installs a packaged extension (.vsix) into `extensionsDir` with code-server's own CLI. */
export async function installExtension(vsixPath, extensionsDir, { log = () => {} } = {}) {
  const { node, codeServer } = await ensureCodeServer({ log });
  const dataDir = await mkdtemp(join(tmpdir(), 'phoenix-cs-install-'));
  const args = [
    codeServer,
    '--user-data-dir', dataDir,
    '--extensions-dir', extensionsDir,
    '--install-extension', vsixPath,
    '--force',
  ];
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(node, args, { env: codeServerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) {
          log(output.trim());
          resolve();
        } else {
          reject(new Error(`installing ${vsixPath} failed (${code}):\n${output}`));
        }
      });
    });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
