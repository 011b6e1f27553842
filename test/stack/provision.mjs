#!/usr/bin/env node
// Makes this machine ready for the real-stack tests: Debian packages, Docker engine,
// Compose v1 and v2, Elixir, Chromium. Idempotent; a second run only probes.
//
//   node test/stack/provision.mjs        # prints a summary, exit 1 when something is missing
//
// Only installs when running as root on Debian with apt. Otherwise it reports what is
// missing, one reason per item, so tests can skip and say why.

import { spawn } from 'node:child_process';
import { constants as fsc, openSync, closeSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian packages the bench needs on the host. */
export const HOST_PACKAGES = [
  'docker.io',
  'docker-compose',
  'elixir',
  'erlang-nox',
  'chromium',
  'debootstrap',
  'libkrb5-dev', // native build of code-server's kerberos module
  'pkg-config',
  'iproute2',
  'procps',
  'inotify-tools', // the fixture's live reload run natively (bench/liveReload.mjs)
];

/** Compose v2 and buildx come from Debian trixie as Docker CLI plugins. */
const PLUGIN_PACKAGES = { compose: 'docker-compose', buildx: 'docker-buildx' };

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Where downloads and logs are kept between runs (outside the repo). */
export function cacheDir() {
  return process.env.PHOENIX_BENCH_CACHE || path.join(os.homedir(), '.cache', 'phoenix-dev-containers-bench');
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Runs a command (argv array, no shell) and collects its output.
 * Resolves with { code, stdout, stderr }; a missing executable gives code 127.
 */
export function run(cmd, args = [], { cwd, env, input, timeoutMs = 0 } = {}) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: 127, stdout: '', stderr: String(err?.message ?? err) });
      return;
    }
    const out = [];
    const errOut = [];
    let timer;
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => errOut.push(d));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: err.code === 'ENOENT' ? 127 : 126, stdout: '', stderr: String(err.message) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errOut).toString('utf8'),
      });
    });
    if (timeoutMs > 0) timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdin.on('error', () => {});
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Like run(), but throws with the command's last output lines when it fails. */
export async function runOk(cmd, args = [], opts = {}) {
  const res = await run(cmd, args, opts);
  if (res.code !== 0) {
    const tail = (res.stderr || res.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited with ${res.code}\n${tail}`);
  }
  return res;
}

/** Full path of an executable found in PATH (plus the sbin dirs), or null. */
export async function which(cmd) {
  const dirs = `${process.env.PATH ?? ''}:${SYSTEM_PATH}`.split(':').filter(Boolean);
  for (const dir of dirs) {
    const file = path.join(dir, cmd);
    try {
      await fs.access(file, fsc.X_OK);
      return file;
    } catch {
      // keep looking
    }
  }
  return null;
}

async function exists(file) {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** VERSION_CODENAME from /etc/os-release (e.g. "bookworm"), or null. */
export async function debianCodename() {
  try {
    const text = await fs.readFile('/etc/os-release', 'utf8');
    return /^VERSION_CODENAME=["']?([^"'\n]+)/m.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * The Debian mirror the system already uses for its main suite, read from
 * /etc/apt/sources.list.d/*.sources (deb822) or /etc/apt/sources.list.
 * Falls back to deb.debian.org.
 */
export async function aptMirror() {
  const codename = (await debianCodename()) ?? 'bookworm';
  const candidates = [];

  let partFiles = [];
  try {
    partFiles = (await fs.readdir('/etc/apt/sources.list.d')).sort().map((f) => path.join('/etc/apt/sources.list.d', f));
  } catch {
    // no parts dir
  }
  for (const file of partFiles.filter((f) => f.endsWith('.sources'))) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(stanza)?.[1].trim() ?? '';
      if (!field('Types').split(/\s+/).includes('deb')) continue;
      if (/^enabled:\s*no/mi.test(stanza)) continue;
      const suites = field('Suites').split(/\s+/);
      for (const uri of field('URIs').split(/\s+/).filter(Boolean)) candidates.push({ uri, suites });
    }
  }
  for (const file of ['/etc/apt/sources.list', ...partFiles.filter((f) => f.endsWith('.list'))]) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, ' ').trim();
      const m = /^deb\s+(\S+)\s+(\S+)/.exec(line);
      if (m) candidates.push({ uri: m[1], suites: [m[2]] });
    }
  }
  const usable = candidates.filter((c) => /^https?:\/\//.test(c.uri) && !/security/.test(c.uri));
  const best = usable.find((c) => c.suites.includes(codename)) ?? usable[0];
  return (best?.uri ?? 'http://deb.debian.org/debian').replace(/\/+$/, '');
}

/** Which of the given Debian packages are not installed (dpkg-query). */
async function missingPackages(names) {
  const res = await run('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...names]);
  const installed = new Set();
  for (const line of res.stdout.split('\n')) {
    const [pkg, status] = line.trim().split(/\s+/);
    if (pkg && status === 'ii') installed.add(pkg.replace(/:.*$/, ''));
  }
  return names.filter((n) => !installed.has(n));
}

const aptEnv = () => ({ ...process.env, DEBIAN_FRONTEND: 'noninteractive', PATH: `${process.env.PATH ?? ''}:${SYSTEM_PATH}` });

async function aptInstall(pkgs, log) {
  log(`apt-get install ${pkgs.join(' ')}`);
  await runOk('apt-get', ['update'], { env: aptEnv() });
  await runOk('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env: aptEnv() });
}

function pluginDir() {
  return path.join(process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'cli-plugins');
}

/**
 * Downloads trixie's docker-compose / docker-buildx .debs with a private apt configuration
 * (own sources list, lists and cache dirs; the system's apt setup is never touched) and
 * copies the CLI plugin binaries into ~/.docker/cli-plugins.
 */
async function installDockerPlugins(plugins, log) {
  const base = path.join(cacheDir(), 'apt-trixie');
  const debDir = path.join(cacheDir(), 'debs');
  await fs.mkdir(debDir, { recursive: true });

  const wanted = plugins.map((p) => PLUGIN_PACKAGES[p]);
  const cached = new Map();
  for (const f of await fs.readdir(debDir)) {
    for (const pkg of wanted) if (f.startsWith(`${pkg}_`) && f.endsWith('.deb')) cached.set(pkg, path.join(debDir, f));
  }
  const toFetch = wanted.filter((p) => !cached.has(p));

  if (toFetch.length) {
    const mirror = await aptMirror();
    const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
    const signedBy = (await exists(keyring)) ? ` [signed-by=${keyring}]` : '';
    await fs.mkdir(path.join(base, 'lists', 'partial'), { recursive: true });
    await fs.mkdir(path.join(base, 'cache', 'archives', 'partial'), { recursive: true });
    const sourceList = path.join(base, 'sources.list');
    await fs.writeFile(sourceList, `deb${signedBy} ${mirror} trixie main\n`);
    const aptOpts = [
      '-o', `Dir::Etc::SourceList=${sourceList}`,
      '-o', 'Dir::Etc::SourceParts=/dev/null',
      '-o', 'Dir::Etc::Preferences=/dev/null',
      '-o', 'Dir::Etc::PreferencesParts=/dev/null',
      '-o', `Dir::State::Lists=${path.join(base, 'lists')}`,
      '-o', `Dir::Cache=${path.join(base, 'cache')}`,
    ];
    log(`fetching ${toFetch.join(', ')} from ${mirror} trixie`);
    await runOk('apt-get', [...aptOpts, 'update'], { env: aptEnv() });
    await runOk('apt-get', [...aptOpts, 'download', ...toFetch], { cwd: debDir, env: aptEnv() });
    for (const f of await fs.readdir(debDir)) {
      for (const pkg of toFetch) if (f.startsWith(`${pkg}_`) && f.endsWith('.deb')) cached.set(pkg, path.join(debDir, f));
    }
  }

  const dest = pluginDir();
  await fs.mkdir(dest, { recursive: true });
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pdc-plugins-'));
  try {
    for (const plugin of plugins) {
      const deb = cached.get(PLUGIN_PACKAGES[plugin]);
      if (!deb) throw new Error(`no .deb downloaded for ${PLUGIN_PACKAGES[plugin]}`);
      const out = path.join(tmp, plugin);
      await runOk('dpkg-deb', ['-x', deb, out]);
      const binary = path.join(out, 'usr', 'libexec', 'docker', 'cli-plugins', `docker-${plugin}`);
      const target = path.join(dest, `docker-${plugin}`);
      // Copy then rename, so a concurrent `docker` never sees a half-written plugin.
      await fs.copyFile(binary, `${target}.tmp`);
      await fs.chmod(`${target}.tmp`, 0o755);
      await fs.rename(`${target}.tmp`, target);
      log(`installed ${target}`);
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** Empty string when the engine answers `docker info`, otherwise docker's first error line. */
async function dockerError() {
  const res = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 });
  if (res.code === 0) return '';
  return (res.stderr.trim().split('\n').find((l) => /error|denied|cannot|connect/i.test(l)) ?? `exit code ${res.code}`).trim();
}
const dockerUp = async () => (await dockerError()) === '';

/** Starts dockerd in its own session with output to a log file, then waits for `docker info`. */
async function startDockerd(log) {
  const logFile = path.join(cacheDir(), 'dockerd.log');
  await fs.mkdir(cacheDir(), { recursive: true });
  const fd = openSync(logFile, 'a');
  let exited = null;
  try {
    // detached: setsid(), so the daemon outlives this process and its process group.
    const child = spawn('dockerd', [], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:${SYSTEM_PATH}` },
    });
    child.on('error', (err) => { exited = err.message; });
    child.on('exit', (code) => { exited = `exit code ${code}`; });
    child.unref();
    log(`started dockerd (pid ${child.pid}), log: ${logFile}`);
  } finally {
    closeSync(fd);
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await dockerUp()) return { ok: true };
    if (exited) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const tail = (await fs.readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join(' | ');
  return { ok: false, reason: `dockerd did not come up (${exited ?? 'timeout after 30 s'}); see ${logFile}: ${tail}` };
}

/**
 * Makes the machine ready for the real-stack tests.
 *
 * @param {{ log?: (msg: string) => void }} [options]
 * @returns {Promise<{
 *   root: boolean,          // running as root (installs allowed)
 *   docker: boolean,        // `docker info` answers
 *   composeV1: boolean,     // `docker-compose version` works (1.x, names like proj_app_1)
 *   composeV2: boolean,     // `docker compose version` works (names like proj-app-1)
 *   buildx: boolean,        // `docker buildx version` works
 *   elixir: boolean,        // `elixir --version` works on the host
 *   chromium: boolean,
 *   chromiumPath: string | null,
 *   debootstrap: boolean,   // needed to build the offline base images
 *   cacheDir: string,
 *   missing: string[],      // one line per missing piece: "name: reason"
 * }>}
 */
export async function provision({ log = () => {} } = {}) {
  const root = isRoot();
  const hasApt = (await exists('/etc/debian_version')) && !!(await which('apt-get')) && !!(await which('dpkg-query'));
  const canInstall = root && hasApt;
  const failures = new Map();

  // 1. Debian packages.
  if (hasApt) {
    const absent = await missingPackages(HOST_PACKAGES);
    if (absent.length && canInstall) {
      try {
        await aptInstall(absent, log);
      } catch (err) {
        for (const p of absent) failures.set(p, `apt-get install failed: ${err.message.split('\n')[0]}`);
      }
    } else if (absent.length) {
      for (const p of absent) failures.set(p, 'Debian package not installed (run provision as root to install it)');
    }
  }

  // 2. Docker engine.
  const dockerErr = await dockerError();
  let docker = dockerErr === '';
  if (!docker) {
    if (!(await which('docker'))) failures.set('docker', 'no docker CLI in PATH');
    else if (/permission denied/i.test(dockerErr)) failures.set('docker', `no access to the engine: ${dockerErr}`);
    else if (!(await which('dockerd'))) failures.set('docker', `engine not reachable and no dockerd installed (${dockerErr})`);
    else if (!root) failures.set('docker', `engine not reachable and only root may start dockerd (${dockerErr})`);
    else {
      const started = await startDockerd(log);
      docker = started.ok;
      if (!started.ok) failures.set('docker', started.reason);
    }
  }

  // 3. Compose v2 and buildx plugins.
  const pluginWorks = async (p) => (await run('docker', [p, 'version'], { timeoutMs: 20_000 })).code === 0;
  let [composeV2, buildx] = await Promise.all([pluginWorks('compose'), pluginWorks('buildx')]);
  const needed = [...(composeV2 ? [] : ['compose']), ...(buildx ? [] : ['buildx'])];
  if (needed.length && canInstall && (await which('docker'))) {
    try {
      await installDockerPlugins(needed, log);
    } catch (err) {
      for (const p of needed) failures.set(`docker ${p}`, `could not install trixie's ${PLUGIN_PACKAGES[p]} plugin: ${err.message.split('\n')[0]}`);
    }
    [composeV2, buildx] = await Promise.all([pluginWorks('compose'), pluginWorks('buildx')]);
  }

  // 4. Everything else is a probe.
  const [composeV1, elixir, chromiumPath, debootstrap] = await Promise.all([
    // `docker-compose` is v2 on newer systems; the v1 tests need the real v1 (Python, 1.x).
    run('docker-compose', ['version', '--short'], { timeoutMs: 20_000 }).then((r) => r.code === 0 && r.stdout.trim().startsWith('1.')),
    run('elixir', ['--version'], { timeoutMs: 20_000 }).then((r) => r.code === 0),
    which('chromium').then((p) => p ?? which('chromium-browser')),
    which('debootstrap').then(Boolean),
  ]);

  const hint = canInstall ? 'install failed' : 'run provision as root on Debian to install it';
  if (!composeV2 && !failures.has('docker compose')) failures.set('docker compose', `Compose v2 plugin missing (${hint})`);
  if (!buildx && !failures.has('docker buildx')) failures.set('docker buildx', `buildx plugin missing (${hint})`);
  if (!composeV1 && !failures.has('docker-compose')) failures.set('docker-compose', `Compose v1 (docker-compose 1.x) missing (${hint})`);
  if (!elixir && !failures.has('elixir')) failures.set('elixir', `elixir not runnable on the host (${hint})`);
  if (!chromiumPath && !failures.has('chromium')) failures.set('chromium', `no chromium executable (${hint})`);
  if (!debootstrap && !failures.has('debootstrap')) failures.set('debootstrap', `debootstrap missing, base images cannot be built (${hint})`);

  return {
    root,
    docker,
    composeV1,
    composeV2,
    buildx,
    elixir,
    chromium: !!chromiumPath,
    chromiumPath,
    debootstrap,
    cacheDir: cacheDir(),
    missing: [...failures].map(([name, reason]) => `${name}: ${reason}`),
  };
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const started = Date.now();
  const result = await provision({ log: (m) => console.log(`[provision] ${m}`) });
  console.log(JSON.stringify(result, null, 2));
  console.log(`[provision] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = result.missing.length ? 1 : 0;
}
