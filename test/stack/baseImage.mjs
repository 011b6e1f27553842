#!/usr/bin/env node
// Offline container images for the real-stack tests. No registry is reachable on the test
// machines, so images are bootstrapped from Debian packages (debootstrap + apt in a chroot)
// and `docker import`ed, then tagged with whatever names a generated Dockerfile uses in FROM.
//
//   node test/stack/baseImage.mjs        # builds both images if absent (needs root)

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { aptMirror, cacheDir, isRoot, run, runOk, which } from './provision.mjs';

export const BASE_IMAGE = 'phoenix-dev-containers-bench/elixir:bookworm';
export const RUNNER_IMAGE = 'phoenix-dev-containers-bench/debian:bookworm-slim';

const SUITE = 'bookworm';
const RECIPE_LABEL = 'phoenix-dev-containers-bench.recipe';
const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Erlang/Elixir plus the tools a Phoenix dev container installs (so offline builds can skip them). */
const BASE_PACKAGES = [
  'erlang-nox', 'elixir', // erlang-nox pulls in every non-GUI OTP app mix/iex/epmd need
  'watchman', 'inotify-tools', 'git', 'ca-certificates', 'locales', 'procps', 'iproute2', 'lsof', 'sudo',
];

/** What a `mix release` needs at runtime, as in Phoenix's generated runner stage. */
const RUNNER_PACKAGES = ['libstdc++6', 'openssl', 'libncurses6', 'locales', 'ca-certificates'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A hash of everything that defines an image, stored as a label: a changed recipe rebuilds.
 * Images without files, setup or config hash as before those existed, so they are not rebuilt.
 */
function recipeHash(packages, extras = {}) {
  const defined = Object.fromEntries(Object.entries(extras).filter(([, value]) => value !== undefined));
  return createHash('sha256').update(JSON.stringify({ v: 1, suite: SUITE, packages, ...defined })).digest('hex').slice(0, 16);
}

/** The image's recipe label, '' for an image without it, or null when the image is absent. */
async function imageRecipe(name) {
  const res = await run('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${RECIPE_LABEL}"}}`, name]);
  if (res.code !== 0) return null;
  const label = res.stdout.trim();
  return label === '<no value>' ? '' : label;
}

/** Serialises builds of one image across processes (mkdir is atomic); steals locks of dead pids. */
async function withLock(name, fn) {
  const dir = path.join(cacheDir(), `${name.replace(/[^a-z0-9.-]+/gi, '_')}.lock`);
  await fs.mkdir(cacheDir(), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      await fs.mkdir(dir);
      await fs.writeFile(path.join(dir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(await fs.readFile(path.join(dir, 'pid'), 'utf8').catch(() => '0'));
      let alive = false;
      try {
        if (pid) alive = process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (!alive && pid) await fs.rm(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${dir}`);
      else await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Mount points at or below dir, deepest first (read from /proc/self/mounts). */
async function mountsUnder(dir) {
  const text = await fs.readFile('/proc/self/mounts', 'utf8');
  return text
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter(Boolean)
    .map((m) => m.replace(/\\040/g, ' '))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

async function unmountAll(dir) {
  for (const m of await mountsUnder(dir)) {
    if ((await run('umount', [m])).code !== 0) await run('umount', ['-l', m]);
  }
  const left = await mountsUnder(dir);
  if (left.length) throw new Error(`still mounted, refusing to delete ${dir}: ${left.join(', ')}`);
}

/** tar -C rootfs --numeric-owner -c . | docker import --change ... - name */
function importRootfs(rootfs, name, changes) {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', rootfs, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const args = ['import', ...changes.flatMap((c) => ['--change', c]), '-', name];
    const imp = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    tar.stdout.pipe(imp.stdin);
    imp.stdin.on('error', () => {}); // reported through the exit codes
    let errText = '';
    tar.stderr.on('data', (d) => { errText += d; });
    imp.stderr.on('data', (d) => { errText += d; });
    imp.stdout.resume();
    const codes = {};
    const done = (who) => (code) => {
      codes[who] = code;
      if ('tar' in codes && 'imp' in codes) {
        if (codes.tar === 0 && codes.imp === 0) resolve();
        else reject(new Error(`tar | docker import ${name} failed (tar ${codes.tar}, import ${codes.imp}): ${errText.trim()}`));
      }
    };
    tar.on('error', reject);
    imp.on('error', reject);
    tar.on('close', done('tar'));
    imp.on('close', done('imp'));
  });
}

/**
 * Fills `rootfs` with a minimal Debian system. debootstrap runs once per suite and mirror; its
 * result is kept as a tarball in the cache, and later images start from a copy of it (seconds
 * instead of half a minute).
 */
async function minimalRootfs(rootfs, mirror, env, log) {
  const key = createHash('sha256').update(JSON.stringify({ suite: SUITE, mirror })).digest('hex').slice(0, 12);
  const tarball = path.join(cacheDir(), `${SUITE}-minbase-${key}.tar`);
  if (await fs.access(tarball).then(() => true, () => false)) {
    log(`${SUITE} minbase from the cache`);
    await fs.mkdir(rootfs);
    await runOk('tar', ['-C', rootfs, '--numeric-owner', '-xpf', tarball]);
    return;
  }
  const debCache = path.join(cacheDir(), 'debootstrap-debs');
  await fs.mkdir(debCache, { recursive: true });
  log(`debootstrap ${SUITE} from ${mirror}`);
  await runOk('debootstrap', ['--variant=minbase', `--cache-dir=${debCache}`, SUITE, rootfs, mirror], { env });
  // Written under a name of its own and renamed: a concurrent build never reads half a tarball.
  const partial = `${tarball}.${process.pid}.partial`;
  try {
    await runOk('tar', ['-C', rootfs, '--numeric-owner', '-cf', partial, '.']);
    await fs.rename(partial, tarball);
  } finally {
    await fs.rm(partial, { force: true });
  }
}

/** Builds `name` FROM `source` with more Dockerfile instructions (no context, offline), then drops the `source` tag. */
async function buildOver(source, name, instructions) {
  try {
    await runOk('docker', ['build', '--quiet', '--tag', name, '-'], { input: [`FROM ${source}`, ...instructions, ''].join('\n') });
  } finally {
    await run('docker', ['image', 'rm', source]);
  }
}

/** Copies the .deb files of one directory into another (used as a cache of apt downloads). */
async function copyDebs(from, to) {
  await fs.mkdir(to, { recursive: true });
  const files = await fs.readdir(from).catch(() => []);
  await Promise.all(files.filter((f) => f.endsWith('.deb')).map((f) => fs.copyFile(path.join(from, f), path.join(to, f))));
}

/**
 * Builds `name` from Debian packages unless an image with the same recipe exists.
 * Shared by the Elixir base image, the release runner image and the PostgreSQL image.
 *
 * @param {{
 *   name: string,
 *   packages: string[],
 *   files?: Record<string, { content: string, mode: number }>, // written into the rootfs after apt
 *   setup?: string,    // a shell script run in the chroot after the files are written
 *   config?: string[], // `docker import --change` lines after ENV/LABEL (default: CMD ["bash"])
 *   instructions?: string[], // Dockerfile lines import cannot apply (STOPSIGNAL), built over the import
 *   log?: (msg: string) => void,
 * }} image
 */
export async function ensureDebianImage({ name, packages, files, setup, config, instructions, log = () => {} }) {
  const recipe = recipeHash(packages, { files, setup, config, instructions });
  if ((await imageRecipe(name)) === recipe) return { image: name, built: false, seconds: 0 };

  return withLock(name, async () => {
    // Another process may have built it while we waited for the lock.
    if ((await imageRecipe(name)) === recipe) return { image: name, built: false, seconds: 0 };
    if (!isRoot()) throw new Error(`cannot build ${name}: debootstrap and chroot need root`);
    if (!(await which('debootstrap'))) throw new Error(`cannot build ${name}: debootstrap is not installed`);
    if ((await run('docker', ['info', '--format', '{{.ServerVersion}}'])).code !== 0) {
      throw new Error(`cannot build ${name}: the Docker engine is not reachable (run test/stack/provision.mjs)`);
    }

    const started = Date.now();
    const mirror = await aptMirror();
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'pdc-image-'));
    const rootfs = path.join(work, 'rootfs');
    const aptCache = path.join(cacheDir(), 'apt-debs');
    const env = { PATH: CHROOT_PATH, DEBIAN_FRONTEND: 'noninteractive', LANG: 'C.UTF-8', HOME: '/root' };
    const chroot = (...args) => runOk('chroot', [rootfs, ...args], { env });
    try {
      await minimalRootfs(rootfs, mirror, env, (message) => log(`${message} for ${name}`));

      await fs.copyFile('/etc/resolv.conf', path.join(rootfs, 'etc', 'resolv.conf'));
      // Keep package maintainer scripts from starting services in the chroot (and later in containers).
      await fs.writeFile(path.join(rootfs, 'usr', 'sbin', 'policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
      const archives = path.join(rootfs, 'var', 'cache', 'apt', 'archives');
      await copyDebs(aptCache, archives);

      await runOk('mount', ['-t', 'proc', 'proc', path.join(rootfs, 'proc')]);
      try {
        log(`apt-get install ${packages.join(' ')}`);
        await chroot('apt-get', 'update');
        await chroot('apt-get', 'install', '-y', '--no-install-recommends', ...packages);
        // Phoenix's generated Dockerfiles use en_US.UTF-8; generate it now so they need no network.
        const localeGen = path.join(rootfs, 'etc', 'locale.gen');
        const gen = await fs.readFile(localeGen, 'utf8').catch(() => null);
        if (gen !== null) {
          await fs.writeFile(localeGen, gen.replace(/^#\s*(en_US\.UTF-8 UTF-8)/m, '$1'));
          await chroot('locale-gen');
        }
        await copyDebs(archives, aptCache);
        await chroot('apt-get', 'clean');
        for (const [file, { content, mode }] of Object.entries(files ?? {})) {
          await fs.writeFile(path.join(rootfs, file), content, { mode });
          await fs.chmod(path.join(rootfs, file), mode);
        }
        if (setup) {
          log('setup in the chroot');
          await chroot('bash', '-euc', setup);
        }
      } finally {
        await unmountAll(rootfs);
      }

      // Docker provides resolv.conf and hostname at run time; leave no host details in the image.
      await fs.writeFile(path.join(rootfs, 'etc', 'resolv.conf'), '');
      for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'var/log/apt', 'tmp']) {
        const full = path.join(rootfs, dir);
        for (const entry of await fs.readdir(full).catch(() => [])) {
          if (entry !== 'partial' && entry !== 'archives') await fs.rm(path.join(full, entry), { recursive: true, force: true });
        }
      }

      log(`docker import ${name}`);
      // With instructions to apply, the import gets a name of its own until the build is done, so
      // that a failed build leaves no image that looks complete.
      const imported = instructions ? `${name.replace(/:.*$/, '')}:import-${recipe}` : name;
      await importRootfs(rootfs, imported, [
        'ENV LANG=C.UTF-8',
        `ENV PATH=${CHROOT_PATH}`,
        `LABEL ${RECIPE_LABEL}=${recipe}`,
        ...(config ?? ['CMD ["bash"]']),
      ]);
      if (instructions) await buildOver(imported, name, instructions);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      log(`built ${name} in ${seconds} s`);
      return { image: name, built: true, seconds };
    } finally {
      await unmountAll(rootfs).catch(() => {});
      if ((await mountsUnder(rootfs)).length === 0) await fs.rm(work, { recursive: true, force: true });
    }
  });
}

/**
 * Builds the offline Elixir image `phoenix-dev-containers-bench/elixir:bookworm` when absent
 * (Debian bookworm: Elixir 1.14, OTP 25, watchman, inotify-tools, git, ...).
 * Needs root and debootstrap for a build; ~0 s when the image exists.
 *
 * @param {{ log?: (msg: string) => void }} [options]
 * @returns {Promise<{ image: string, built: boolean, seconds: number }>}
 * @throws when the image is absent and cannot be built (message says why)
 */
export function ensureBaseImage({ log } = {}) {
  return ensureDebianImage({ name: BASE_IMAGE, packages: BASE_PACKAGES, log });
}

/**
 * Builds the release runner image `phoenix-dev-containers-bench/debian:bookworm-slim`
 * (no Erlang: libstdc++6 openssl libncurses6 locales ca-certificates) when absent.
 *
 * @param {{ log?: (msg: string) => void }} [options]
 * @returns {Promise<{ image: string, built: boolean, seconds: number }>}
 */
export function ensureRunnerImage({ log } = {}) {
  return ensureDebianImage({ name: RUNNER_IMAGE, packages: RUNNER_PACKAGES, log });
}

/**
 * Tags `source` as each name. A name that already exists and was not made by this bench
 * (a real pulled image) is left alone. Digest references cannot be tagged and are skipped.
 *
 * @param {string} source
 * @param {string[]} names
 * @returns {Promise<{ tagged: string[], kept: string[], skipped: string[] }>}
 */
export async function tagImage(source, names) {
  const result = { tagged: [], kept: [], skipped: [] };
  for (const name of [...new Set(names)]) {
    if (name === source) continue;
    if (name.includes('@')) {
      result.skipped.push(name);
      continue;
    }
    const existing = await imageRecipe(name);
    if (existing === '') {
      result.kept.push(name);
      continue;
    }
    await runOk('docker', ['tag', source, name]);
    result.tagged.push(name);
  }
  return result;
}

/**
 * `docker tag`s the Elixir base image as each name, e.g. the hexpm/elixir tag a generated
 * Dockerfile uses in FROM, so builds resolve it locally and never pull.
 *
 * @param {string[]} names
 * @returns {Promise<{ tagged: string[], kept: string[], skipped: string[] }>}
 */
export function tagBaseImage(names) {
  return tagImage(BASE_IMAGE, names);
}

/**
 * Makes every FROM image of a Dockerfile resolvable offline: Elixir/Erlang images
 * (hexpm/elixir, elixir, erlang) become the base image, anything else the runner image.
 * Builds the images first when needed.
 *
 * @param {string} dockerfileText
 * @param {{ log?: (msg: string) => void, buildArgs?: Record<string, string> }} [options]
 * @returns {Promise<{ tagged: string[], kept: string[], skipped: string[] }>}
 */
export async function tagDockerfileImages(dockerfileText, { log, buildArgs } = {}) {
  const images = fromImages(dockerfileText, buildArgs);
  const elixirish = images.filter((i) => /(^|\/)(elixir|erlang)[:@]|hexpm\//.test(i));
  const others = images.filter((i) => !elixirish.includes(i));
  const result = { tagged: [], kept: [], skipped: [] };
  const merge = (r) => Object.keys(result).forEach((k) => result[k].push(...r[k]));
  if (elixirish.length) {
    await ensureBaseImage({ log });
    merge(await tagImage(BASE_IMAGE, elixirish));
  }
  if (others.length) {
    await ensureRunnerImage({ log });
    merge(await tagImage(RUNNER_IMAGE, others));
  }
  return result;
}

/** Expands $VAR, ${VAR}, ${VAR:-default} and ${VAR:+alt}; null when a variable is unknown. */
function expandArgs(text, vars) {
  let unknown = false;
  const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced, op, word, bare) => {
    const name = braced ?? bare;
    const value = vars[name];
    if (op === '-') return value ? value : word;
    if (op === '+') return value ? word : '';
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? null : out;
}

const unquote = (s) => s.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');

/**
 * The image names used in a Dockerfile's FROM lines, in order, without duplicates.
 * Skips earlier stage names (`FROM builder`), `scratch` and flags (`--platform=...`);
 * resolves variables from ARGs declared before the first FROM (Phoenix's generated release
 * Dockerfile uses `ARG BUILDER_IMAGE=...` / `FROM ${BUILDER_IMAGE} AS builder`), with
 * `buildArgs` overriding their defaults. Lines whose variables stay unknown are skipped.
 *
 * @param {string} dockerfileText
 * @param {Record<string, string>} [buildArgs]
 * @returns {string[]}
 */
export function fromImages(dockerfileText, buildArgs = {}) {
  // Logical lines: comment lines dropped, backslash continuations joined.
  const lines = [];
  let pending = null;
  for (const raw of dockerfileText.split(/\r?\n/)) {
    if (/^\s*#/.test(raw)) continue;
    const continued = /\\\s*$/.test(raw);
    const part = continued ? raw.replace(/\\\s*$/, '') : raw;
    pending = pending === null ? part : pending + part;
    if (!continued) {
      lines.push(pending);
      pending = null;
    }
  }
  if (pending !== null) lines.push(pending);

  const args = {};
  const stages = new Set();
  const images = [];
  let seenFrom = false;
  for (const line of lines) {
    const m = /^\s*([A-Za-z]+)\s+(.*\S)\s*$/.exec(line);
    if (!m) continue;
    const instruction = m[1].toUpperCase();
    if (instruction === 'ARG' && !seenFrom) {
      for (const token of m[2].match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []) {
        const eq = token.indexOf('=');
        const name = eq < 0 ? token : token.slice(0, eq);
        if (Object.hasOwn(buildArgs, name)) args[name] = buildArgs[name];
        else if (eq >= 0) args[name] = expandArgs(unquote(token.slice(eq + 1)), args) ?? undefined;
      }
    } else if (instruction === 'FROM') {
      seenFrom = true;
      const words = m[2].split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = expandArgs(words[0] ?? '', args);
      if (image && image.toLowerCase() !== 'scratch' && !stages.has(image.toLowerCase()) && !images.includes(image)) {
        images.push(image);
      }
      if (words[1]?.toLowerCase() === 'as' && words[2]) stages.add(words[2].toLowerCase());
    }
  }
  return images;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const log = (m) => console.log(`[images] ${m}`);
  for (const ensure of [ensureBaseImage, ensureRunnerImage]) {
    const res = await ensure({ log });
    log(`${res.image}: ${res.built ? `built in ${res.seconds} s` : 'present'}`);
  }
}
