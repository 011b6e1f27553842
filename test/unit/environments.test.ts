import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LABELS } from '../../src/core/contract';
import { ENVIRONMENTS, ENVIRONMENT_ORDER, environmentOfRole } from '../../src/core/environments';
import { RELEASE_FOLDER } from '../../src/core/release';
import { runsPhoenix } from '../../src/core/serviceView';

describe('environments', () => {
  it('lists each environment once, the dev container first, each under its own kind', () => {
    assert.deepEqual(ENVIRONMENT_ORDER.map((environment) => environment.kind), ['dev', 'release']);
    for (const [kind, environment] of Object.entries(ENVIRONMENTS)) assert.equal(environment.kind, kind);
    assert.equal(new Set(ENVIRONMENT_ORDER).size, Object.keys(ENVIRONMENTS).length);
  });

  it('gives each its own folder, compose project and app label', () => {
    assert.equal(new Set(ENVIRONMENT_ORDER.map((environment) => environment.folder)).size, ENVIRONMENT_ORDER.length);
    assert.equal(new Set(ENVIRONMENT_ORDER.map((environment) => environment.projectName('Hello'))).size, ENVIRONMENT_ORDER.length);
    assert.equal(new Set(ENVIRONMENT_ORDER.map((environment) => environment.appRole)).size, ENVIRONMENT_ORDER.length);
  });

  it('runs the dev container from the dev container folder, rebuilt when its inputs change, with a database reset', () => {
    const dev = ENVIRONMENTS.dev;
    assert.deepEqual(
      [dev.folder, dev.composeFile, dev.projectName('hello_phoenix'), dev.appRole, dev.runsRelease, dev.build, dev.configuredBy, dev.resetsDatabase, dev.inWalkthrough],
      ['', 'docker-compose.yml', 'hello_phoenix_devcontainer', 'app', false, 'when-changed', 'scaffold', true, true],
    );
  });

  it('runs the release from its own folder, built every time, with the project\'s own Dockerfile and config', () => {
    const release = ENVIRONMENTS.release;
    assert.deepEqual(
      [release.folder, release.composeFile, release.projectName('hello_phoenix'), release.appRole, release.runsRelease, release.build, release.configuredBy, release.resetsDatabase, release.inWalkthrough],
      [RELEASE_FOLDER, 'docker-compose.yml', 'hello_phoenix_release', 'release', true, 'always', 'project', false, false],
    );
  });

  it('finds the environment from the role label of its Phoenix service, and only from that', () => {
    assert.equal(environmentOfRole('app'), ENVIRONMENTS.dev);
    assert.equal(environmentOfRole('release'), ENVIRONMENTS.release);
    assert.equal(environmentOfRole('db'), undefined);
    assert.equal(environmentOfRole(undefined), undefined);
    assert.equal(runsPhoenix({ labels: { [LABELS.role]: 'release' } }), true);
    assert.equal(runsPhoenix({ labels: { [LABELS.role]: 'db' } }), false);
  });
});
