// What the benches that run the dev container share: a scaffolded copy of the fixture project with
// its image built (withProject), and the small helpers they time and run Docker with.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { tagDockerfileImages } from '../test/stack/baseImage.mjs';
import { POSTGRES_IMAGE, ensurePostgresImage } from '../test/stack/postgresImage.mjs';
import { run } from '../test/stack/provision.mjs';

export { run };

/** How long one docker or compose call may take. */
export const CALL_TIMEOUT_MS = 120_000;

export const root = fileURLToPath(new URL('..', import.meta.url));
const requireCompiledFile = createRequire(import.meta.url);
/** A module of the extension compiled to out/ (npm run compile), e.g. requireCompiled('docker', 'lifecycle.js'). */
export const requireCompiled = (...path) => requireCompiledFile(join(root, 'out', 'src', ...path));
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const seconds = (since) => (performance.now() - since) / 1000;
export const composeArgs = (project, file, ...args) => ['compose', '-p', project, '-f', file, ...args];

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Rejects after `ms`; its timer also keeps Node alive, so a promise that never settles still ends in cleanup. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs a program to its end; fails with its last lines when it exits non-zero. */
export async function ok(cmd, args, options = {}) {
  const result = await run(cmd, args, { timeoutMs: CALL_TIMEOUT_MS, ...options });
  if (result.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.code}: ${(result.stderr || result.stdout).trim().split('\n').slice(-10).join('\n')}`);
  }
  return result;
}

/**
 * Runs `body` on a fresh copy of test/fixtures/<fixture> (hello_phoenix by default), then deletes the copy (the body
 * stops its own containers). The copy lives in `<tmp>/phoenix <folder> XXXXXX/<folder>`, a
 * path with spaces; `folder` also names its compose projects (`bench start` gives benchstart_...),
 * so pick one nobody else uses. Before `body` runs, the copy is scaffolded with the compiled core
 * (config/dev.exs left bound to loopback, as generated), Phoenix listens on a free port (never the suites' 4000), the
 * app's image is renamed to `<generated name><imageSuffix>` (the generated name is shared with
 * the test suites), the Dockerfile's FROM images are tagged from the local base images and a db
 * service's PostgreSQL image is provisioned offline (no internet), and the image is built once, under the compose project `buildProject`.
 *
 * @template T
 * @param {{ folder: string, imageSuffix: string, buildProject: string, fixture?: string, log?: (line: string) => void }} options
 * @param {(project: {
 *   scratch: string,      // the temporary folder holding the copy
 *   project: string,      // the copy's root
 *   file: string,         // its .devcontainer/docker-compose.yml
 *   image: string,        // the app's image name, suffix included
 *   cookie: string,       // the node's cookie, from .devcontainer/.env
 *   node: string,         // the node's name, from the compose labels
 *   port: number,         // Phoenix's port, published on 127.0.0.1
 *   url: string,          // http://127.0.0.1:<port>/
 *   build: number,        // s, the one build
 * }) => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function withProject({ folder, imageSuffix, buildProject, fixture = 'hello_phoenix', log = () => {} }, body) {
  if ((await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 })).code !== 0) {
    throw new Error('no Docker engine answers (run node test/stack/provision.mjs)');
  }
  const scratch = mkdtempSync(join(tmpdir(), `phoenix ${folder} `));
  try {
    const project = join(scratch, folder);
    cpSync(join(root, 'test', 'fixtures', fixture), project, {
      recursive: true,
      filter: (source) => !/[/\\](_build|deps|\.elixir_ls)$/.test(source),
    });
    const port = await freePort();
    editOnce(join(project, 'config', 'dev.exs'), 'port: 4000', `port: ${port}`);
    const cookie = scaffold(project, folder);
    const file = join(project, '.devcontainer', 'docker-compose.yml');
    const composeText = readFileSync(file, 'utf8');
    const imageLine = /^([ \t]+image:[ \t]*)"?([^"\s]+)"?[ \t]*$/m;
    const generated = imageLine.exec(composeText)?.[2];
    if (!generated || !cookie) throw new Error(`the scaffolded ${file} names no image, or .env has no cookie`);
    const image = `${generated}${imageSuffix}`;
    writeFileSync(file, composeText.replace(imageLine, `$1${image}`));
    const { services } = parseYaml(composeText);
    const node = services.app.labels['dev.phoenix.node.name'];
    const url = `http://127.0.0.1:${port}/`;
    log(`project ${project}, node ${node}, ${url}`);

    await tagDockerfileImages(readFileSync(join(project, '.devcontainer', 'Dockerfile'), 'utf8'), { log });
    // An Ecto project's db service runs the offline PostgreSQL image (~0 s once it exists).
    if (services.db?.image === POSTGRES_IMAGE) await ensurePostgresImage({ log });
    const buildStart = performance.now();
    await ok('docker', composeArgs(buildProject, file, 'build'));
    const build = seconds(buildStart);
    log(`built ${image} in ${build.toFixed(1)} s`);
    return await body({ scratch, project, file, image, cookie, node, port, url, build });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function readIfExists(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Replaces the only occurrence of `find` in a project file; fails when there is none or several. */
export function editOnce(path, find, replace) {
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(find);
  if (at < 0 || text.indexOf(find, at + 1) >= 0) throw new Error(`expected exactly one "${find}" in ${path}`);
  writeFileSync(path, text.slice(0, at) + replace + text.slice(at + find.length));
}

/** A TCP port nothing listens on now, so the copy never fights the suites over 4000. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Scaffolds the dev container with the compiled core as the Scaffold command does (read the
 * project's files, render, plan the writes and write them, with Node's fs instead of VS Code's);
 * returns what was rendered.
 */
export function scaffoldDevContainerFiles(project, folder, composeProject) {
  const core = requireCompiled('core', 'scaffold', 'index.js');
  const files = {};
  for (const path of core.PROJECT_FILES) {
    const text = readIfExists(join(project, path));
    if (text !== undefined) files[path] = text;
  }
  const { project: description } = core.readProject({ files, folderName: folder });
  const rendered = core.renderDevContainer(description, {
    host: { uid: process.getuid(), gid: process.getgid(), platform: process.platform },
    composeProject,
    randomBytes: randomBytes(32),
  });
  const existing = Object.fromEntries(rendered.files.map((file) => [file.path, readIfExists(join(project, file.path))]));
  for (const plan of rendered.files.map((file) => core.planWrite(file, existing[file.path]))) {
    if (plan.action === 'create' || plan.action === 'update') {
      mkdirSync(dirname(join(project, plan.path)), { recursive: true });
      writeFileSync(join(project, plan.path), plan.content, plan.action === 'create' && plan.mode ? { mode: plan.mode } : {});
    }
  }
  return rendered;
}

/** Scaffolds the project (config/dev.exs stays bound to loopback, as generated); returns the node's cookie. */
function scaffold(project, folder) {
  const core = requireCompiled('core', 'scaffold', 'index.js');
  const { composeProjectName } = requireCompiled('core', 'composeProject.js');
  scaffoldDevContainerFiles(project, folder, composeProjectName(folder));
  return core.parseEnvFile(readFileSync(join(project, '.devcontainer', '.env'), 'utf8'))['ERLANG_COOKIE'];
}
