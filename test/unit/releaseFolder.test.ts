import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RELEASE_FOLDER, readReleaseProject, renderReleaseImage } from '../../src/core/release';
import { DEFAULT_FOLDER, devContainerFolder, readProject, renderDevContainer } from '../../src/core/scaffold';
import { loadProject } from './fixtures/loadProject';

const SETTINGS = ['.devcontainer', './tools\\dev box/', 'dev (box)', 'tools/dev', '../elsewhere', '/abs/olute', 'C:\\dev', '', '.', 'a/../b', 'a//b', 'tab\there'];

describe('the dev container folder setting', () => {
  it('is a folder inside the project, with / separators, or undefined', () => {
    assert.equal(devContainerFolder('.devcontainer'), '.devcontainer');
    assert.equal(devContainerFolder('./tools\\dev box/'), 'tools/dev box');
    assert.equal(devContainerFolder('tools/dev'), 'tools/dev');
    for (const outside of ['../elsewhere', '/abs/olute', 'C:\\dev', '', '.', 'a/../b', 'a//b', 'tab\there']) {
      assert.equal(devContainerFolder(outside), undefined, JSON.stringify(outside));
    }
  });

  // The Phoenix view looks for the files in devContainerFolder(setting) ?? DEFAULT_FOLDER: where both scaffolds write them.
  it('names the folder both scaffolds write to, so the view finds what they wrote', () => {
    const input = loadProject('no_ecto');
    const { project: release } = readReleaseProject({ ...input, folders: ['lib'] });
    const dev = readProject(input).project;
    for (const setting of SETTINGS) {
      const folder = devContainerFolder(setting) ?? DEFAULT_FOLDER;
      const rendered = renderReleaseImage(release, { folder: setting, composeProject: 'landing_release', randomBytes: new Uint8Array(96) });
      assert.ok(rendered.files.some((file) => file.path === `${folder}/${RELEASE_FOLDER}/docker-compose.yml`), JSON.stringify(setting));
      assert.equal(rendered.notes.some((note) => /is not a folder inside the project/.test(note)), devContainerFolder(setting) === undefined, JSON.stringify(setting));
      const devFiles = renderDevContainer(dev, { folder: setting, host: { uid: 1000, gid: 1000, platform: 'linux' }, composeProject: 'landing', randomBytes: new Uint8Array(32) }).files;
      assert.ok(devFiles.some((file) => file.path === `${folder}/docker-compose.yml`), JSON.stringify(setting));
    }
  });
});
