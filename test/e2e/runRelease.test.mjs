// Journey: a developer scaffolds the project's release image from the command palette, runs the
// release locally beside the dev container, sees it in the Phoenix view and attaches a remote IEx
// to the release's node from its row.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tagDockerfileImages } from '../stack/baseImage.mjs';
import { prepareWorkspace } from '../stack/workspace.mjs';
import { eventually, openWorkbench } from './workbench.mjs';

const run = promisify(execFile);
const docker = async (...args) => (await run('docker', args, { encoding: 'utf8' })).stdout.trim();
const PROJECT = 'hello_phoenix_release';
const IMAGE = 'hello_phoenix-release';
const NODE = 'hello_phoenix@hello-phoenix-release';
const URL = 'http://127.0.0.1:4001/';

/** The image's id, '' when there is none. */
async function imageId() {
  return docker('image', 'inspect', '--format', '{{.Id}}', IMAGE).catch(() => '');
}

/** Whatever answers on the release's published port, or undefined when nothing does. */
async function releasePage() {
  try {
    return await (await fetch(URL, { signal: AbortSignal.timeout(5000) })).text();
  } catch {
    return undefined;
  }
}

/** Removes the release's compose project, through its compose file and else by its labels. */
async function tearDownRelease(folder) {
  const composeFile = join(folder, '.devcontainer', 'release', 'docker-compose.yml');
  if (existsSync(composeFile)) {
    await run('docker', ['compose', '-p', PROJECT, '-f', composeFile, 'down', '-v', '--remove-orphans']).catch(() => {});
  }
  const label = `label=com.docker.compose.project=${PROJECT}`;
  const containers = (await docker('ps', '-aq', '--filter', label).catch(() => '')).split('\n').filter(Boolean);
  if (containers.length > 0) await docker('rm', '-f', '-v', ...containers).catch(() => {});
  for (const kind of ['network', 'volume']) {
    const left = (await docker(kind, 'ls', '-q', '--filter', label).catch(() => '')).split('\n').filter(Boolean);
    if (left.length > 0) await docker(kind, 'rm', ...left).catch(() => {});
  }
}

/** Leaves the image as the journey found it: none, or the one that had the tag before. */
async function restoreImage(before) {
  const now = await imageId();
  if (now === '' || now === before) return;
  if (before !== '') await docker('tag', before, IMAGE).catch(() => {});
  else await docker('image', 'rm', IMAGE).catch(() => {});
  await docker('image', 'rm', now).catch(() => {});
}

describe('running the release locally', { timeout: 600_000 }, () => {
  let workspace;
  let workbench;
  let imageBefore = '';

  before(async () => {
    // Another release still running would answer for this one.
    assert.equal(await releasePage(), undefined, `something already answers on ${URL}: remove the compose project ${PROJECT}`);
    imageBefore = await imageId();
    workspace = await prepareWorkspace('hello_phoenix');
    workbench = await openWorkbench(workspace.folder, { journey: 'run-release' });
    await workbench.openPhoenixView();
  });

  after(async () => {
    await workbench?.close();
    if (workspace) await tearDownRelease(workspace.folder);
    await restoreImage(imageBefore);
    await workspace?.dispose();
  });

  it('scaffolds the release image from the command palette', async () => {
    await eventually(async () => {
      const listed = await workbench.paletteEntries('Phoenix: Scaffold Release');
      assert.ok(listed.includes('Phoenix: Scaffold Release Image'), `palette lists: ${listed.join(' | ')}`);
    });
    await workbench.runFromPalette('Phoenix: Scaffold Release Image');
    await workbench.toastMatching(/Release image for hello_phoenix written: .*"Phoenix: Run Release Locally" builds and runs it\./, 30_000);
    await workbench.screenshot('scaffolded');
    for (const path of ['Dockerfile', 'rel/env.sh.eex', '.devcontainer/release/docker-compose.yml']) {
      assert.ok(existsSync(join(workspace.folder, path)), `${path} was written`);
    }
    assert.match(readFileSync(join(workspace.folder, '.devcontainer', 'release', 'docker-compose.yml'), 'utf8'), /"127\.0\.0\.1:4001:4000"/);
    await eventually(async () => {
      const rows = await workbench.treeRows();
      assert.ok(rows.some((row) => row.includes('hello_phoenix (release)')), `tree rows: ${rows.join(' | ')}`);
    });
  });

  it('runs the release from the command palette until its node and Phoenix answer', async () => {
    // No registry is reachable: the Dockerfile's FROM images are the bench's offline ones.
    await tagDockerfileImages(readFileSync(join(workspace.folder, 'Dockerfile'), 'utf8'), { log: () => {} });
    await workbench.runFromPalette('Phoenix: Run Release Locally');
    await workbench.toastMatching(/Running the release of hello_phoenix/, 60_000);
    await workbench.screenshot('building');
    const ready = await workbench.toastMatching(new RegExp(`The release of hello_phoenix is running: http://127\\.0\\.0\\.1:4001, ${NODE}`));
    assert.match(ready, /Attach Remote IEx/);
    await eventually(async () => {
      const rows = await workbench.treeRows();
      assert.ok(rows.some((row) => row.includes('hello_phoenix (release)')), `tree rows: ${rows.join(' | ')}`);
      assert.ok(rows.some((row) => /^release\s*running\b/.test(row)), `tree rows: ${rows.join(' | ')}`);
    }, { timeout: 60_000 });
    await eventually(async () => {
      assert.match((await releasePage()) ?? '', new RegExp(`Served by node <code>${NODE}</code>`));
    }, { timeout: 60_000, interval: 1000 });
    await workbench.screenshot('running');
  });

  it('attaches a remote IEx to the release\'s node from its row in the view', async () => {
    await workbench.clickInlineAction(/^release\s*running/, 'Attach Remote IEx');
    await eventually(async () => {
      assert.match(await workbench.terminalText(), new RegExp(`iex\\(${NODE}\\)1>`));
    }, { timeout: 60_000 });
    await workbench.typeInTerminal('node()');
    await workbench.typeInTerminal('File.exists?("/app/bin/hello_phoenix")');
    await eventually(async () => {
      const shown = await workbench.terminalText();
      assert.match(shown, new RegExp(`:"${NODE}"`));
      assert.match(shown, /File\.exists\?\("\/app\/bin\/hello_phoenix"\)\s+true/);
    });
    assert.ok((await workbench.terminalTabs()).some((tab) => tab.includes(`IEx: ${NODE}`)), 'the terminal is named after the node');
    await workbench.screenshot('iex');
  });
});
