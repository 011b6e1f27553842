import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { tagImagesForProject } from '../stack/projectImages.mjs';
import { prepareWorkspace } from '../stack/workspace.mjs';
import { openWorkbench } from './workbench.mjs';

const run = promisify(execFile);

/**
 * A fresh copy of hello_phoenix opened in the workbench for `journey` (its images tagged as built
 * already). Registers the hooks of the describe() it is called in: before, the copy and the
 * workbench; after, the workbench closed, the dev container's compose project down with its
 * volumes, the copy removed. The returned object holds them once the hooks have run.
 */
export function helloPhoenixJourney(journey) {
  const opened = { workspace: undefined, workbench: undefined };
  before(async () => {
    opened.workspace = await prepareWorkspace('hello_phoenix');
    await tagImagesForProject(opened.workspace.folder);
    opened.workbench = await openWorkbench(opened.workspace.folder, { journey });
  });
  after(async () => {
    await opened.workbench?.close();
    if (opened.workspace !== undefined) {
      await run('docker', ['compose', '-p', 'hello_phoenix_devcontainer', '-f', join(opened.workspace.folder, '.devcontainer', 'docker-compose.yml'), 'down', '-v']).catch(() => {});
    }
    await opened.workspace?.dispose();
  });
  return opened;
}
