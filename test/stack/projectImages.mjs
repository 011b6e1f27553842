// Makes the images a project's scaffolded Dockerfile will name in FROM available offline, before
// a journey (or `npm start`) scaffolds it through the UI. Needs the compiled core (`npm run compile`).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { tagDockerfileImages } from './baseImage.mjs';
import { REPO } from './workspace.mjs';

export async function tagImagesForProject(folder) {
  const scaffold = createRequire(import.meta.url)(join(REPO, 'out', 'src', 'core', 'scaffold', 'index.js'));
  const files = {};
  for (const path of scaffold.PROJECT_FILES) {
    try {
      files[path] = readFileSync(join(folder, path), 'utf8');
    } catch {
      // Not every project has every file.
    }
  }
  const { project } = scaffold.readProject({ files, folderName: basename(folder) });
  const { files: rendered } = scaffold.renderDevContainer(project, {
    host: { uid: 0, gid: 0, platform: process.platform },
    composeProject: 'images',
    randomBytes: randomBytes(32),
  });
  const dockerfile = rendered.find((file) => file.path.endsWith('Dockerfile'));
  await tagDockerfileImages(dockerfile.content, { log: () => {} });
}
