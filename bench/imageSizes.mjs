// The fixture project's image sizes: the dev container's image and the release image, both built
// without network from the bench's offline images. The dev image is withProject's (scaffolded with
// the compiled core and built once); the release files are scaffolded into the same copy with the
// compiled core, as "Phoenix: Scaffold Release Image" writes them, and built with compose v2 from
// the rendered compose file (`build.network: none`). Both images are removed afterwards.
//
//   node bench/imageSizes.mjs        # after `npm run compile`; `npm run bench` runs it with the others
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tagDockerfileImages } from '../test/stack/baseImage.mjs';
import { composeArgs, ok, readIfExists, requireCompiled, run, seconds, withProject } from './project.mjs';

/** The copy's folder name: its compose names (benchsizes_...) are nobody else's. */
const FOLDER = 'bench sizes';
const DEV_PROJECT = 'benchsizes_dev';
const RELEASE_PROJECT = 'benchsizes_release';
/** The generated image names are the app's, shared with the test suites. */
const IMAGE_SUFFIX = '-bench-sizes';
const RELEASE_IMAGE = `hello_phoenix-release${IMAGE_SUFFIX}`;
const BUILD_TIMEOUT_MS = 600_000;

/**
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<{
 *   dev: { image: string, bytes: number, build: number },      // build: s, withProject's one build
 *   release: { image: string, bytes: number, build: number },  // build: s, offline (cached layers count)
 * }>}
 */
export async function benchImageSizes({ log = () => {} } = {}) {
  return withProject({ folder: FOLDER, imageSuffix: IMAGE_SUFFIX, buildProject: DEV_PROJECT, log }, async ({ scratch, project, image, build }) => {
    try {
      const dev = { image, bytes: await imageBytes(image), build };
      const composeFile = scaffoldRelease(project, FOLDER);
      await tagDockerfileImages(readFileSync(join(project, 'Dockerfile'), 'utf8'), { log });
      // No network for the build, and the bench's own image name.
      const override = join(scratch, 'release-offline.yml');
      writeFileSync(override, `services:\n  release:\n    build:\n      network: none\n    image: ${RELEASE_IMAGE}\n`);
      const started = performance.now();
      await ok('docker', composeArgs(RELEASE_PROJECT, composeFile, '-f', override, 'build'), { timeoutMs: BUILD_TIMEOUT_MS });
      const release = { image: RELEASE_IMAGE, bytes: await imageBytes(RELEASE_IMAGE), build: seconds(started) };
      log(`dev image ${dev.image}: ${megabytes(dev.bytes)}; release image ${release.image}: ${megabytes(release.bytes)}, built in ${release.build.toFixed(1)} s`);
      return { dev, release };
    } finally {
      await run('docker', ['image', 'rm', '--force', RELEASE_IMAGE, image], { timeoutMs: 60_000 });
    }
  });
}

/** The image's size as `docker images` counts it (its layers and its base's), in bytes. */
async function imageBytes(image) {
  const { stdout } = await ok('docker', ['image', 'inspect', '--format', '{{.Size}}', image]);
  return Number(stdout.trim());
}

/** Megabytes as Docker's CLI shows them (10^6 bytes). */
export function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Scaffolds the release image's files with the compiled core, as the Scaffold Release Image
 * command does (read the project's files and folders, render, plan the writes, write new files and
 * merges); returns the path of the rendered compose file.
 */
function scaffoldRelease(project, folderName) {
  const scaffold = requireCompiled('core', 'scaffold', 'index.js');
  const release = requireCompiled('core', 'release', 'index.js');
  const files = {};
  const read = (paths) => {
    for (const path of paths) {
      const text = readIfExists(join(project, path));
      if (text !== undefined) files[path] = text;
    }
  };
  read(scaffold.PROJECT_FILES);
  const { project: description } = scaffold.readProject({ files, folderName });
  const { umbrella } = description;
  if (umbrella) read(umbrella.apps.flatMap((app) => scaffold.umbrellaAppFiles(umbrella.appsPath, app)));
  read([...release.RELEASE_FILES, ...release.releaseProjectFiles(description, files['config/config.exs'])]);
  const folders = release.releaseFolders(description).filter((path) => isDirectory(join(project, path)));
  const { project: releaseProject } = release.readReleaseProject({ files, folderName, folders });
  const rendered = release.renderReleaseImage(releaseProject, {
    composeProject: release.releaseComposeProjectName(folderName),
    randomBytes: randomBytes(96),
  });
  const existing = Object.fromEntries(rendered.files.map((file) => [file.path, readIfExists(join(project, file.path))]));
  for (const plan of rendered.files.map((file) => scaffold.planWrite(file, existing[file.path]))) {
    if (plan.action === 'conflict') throw new Error(`${plan.path} already exists in the copy with other content`);
    if (plan.action === 'create' || plan.action === 'update') {
      mkdirSync(dirname(join(project, plan.path)), { recursive: true });
      writeFileSync(join(project, plan.path), plan.content, plan.action === 'create' && plan.mode ? { mode: plan.mode } : {});
    }
  }
  return join(project, rendered.compose.file);
}

function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const result = await benchImageSizes({ log: (line) => console.log(`[image sizes bench] ${line}`) });
  console.log(JSON.stringify(result, (_, v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v), 2));
  console.log(`[image sizes bench] done in ${seconds(started).toFixed(1)} s`);
}
