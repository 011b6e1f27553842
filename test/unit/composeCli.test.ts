import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMPOSE_FLAVOURS,
  candidateFlavours,
  composeArgv,
  composeCli,
  parseComposeVersion,
  versionProbe,
  type ComposeSetting,
  type ComposeTarget,
} from '../../src/core/compose';
import { readFixture } from './fixtures/compose/readFixture';

const v2 = composeCli('docker compose', '2.26.1-4');
const v1 = composeCli('docker-compose', '1.29.2');

// A project folder with a space, as the compose files of an adopted project and a dev container folder.
const target: ComposeTarget = {
  projectName: 'my_app_devcontainer',
  projectDirectory: '/home/me/My Projects/my app',
  files: ['/home/me/My Projects/my app/docker-compose.yml', '/home/me/My Projects/my app/.devcontainer/docker-compose.phoenix.yml'],
};
const GLOBAL = [
  '-p', 'my_app_devcontainer',
  '--project-directory', '/home/me/My Projects/my app',
  '-f', '/home/me/My Projects/my app/docker-compose.yml',
  '-f', '/home/me/My Projects/my app/.devcontainer/docker-compose.phoenix.yml',
];

describe('finding the compose CLI', () => {
  it('asks each flavour for its bare version', () => {
    assert.deepEqual(versionProbe('docker compose'), { command: 'docker', args: ['compose', 'version', '--short'] });
    assert.deepEqual(versionProbe('docker-compose'), { command: 'docker-compose', args: ['version', '--short'] });
    assert.deepEqual(versionProbe('podman compose'), { command: 'podman', args: ['compose', 'version', '--short'] });
  });

  it('reads the versions v2 and v1 print, short and long', () => {
    assert.equal(parseComposeVersion(readFixture('version-short-v2.txt')), '2.26.1-4');
    assert.equal(parseComposeVersion(readFixture('version-v2.txt')), '2.26.1-4');
    assert.equal(parseComposeVersion(readFixture('version-short-v1.txt')), '1.29.2');
    // Four lines, the first compose's own; docker-py's and OpenSSL's versions follow.
    assert.equal(parseComposeVersion(readFixture('version-v1.txt')), '1.29.2');
  });

  it('drops the "v" of upstream builds and early v2 --short', () => {
    assert.equal(parseComposeVersion('Docker Compose version v2.26.1\n'), '2.26.1');
    assert.equal(parseComposeVersion('v2.2.3\n'), '2.2.3');
    assert.equal(parseComposeVersion('2.29.7-desktop.1\n'), '2.29.7-desktop.1');
  });

  it('reads podman-compose, with or without --short, and skips the wrapper banner', () => {
    // podman-compose's version command prints its own version, then podman's.
    assert.equal(parseComposeVersion('podman-compose version 1.0.6\npodman version 4.9.3\n'), '1.0.6');
    assert.equal(parseComposeVersion('>>>> Executing external compose provider "/usr/bin/podman-compose". Please refer to the documentation for details. <<<<\n\n1.0.6\n'), '1.0.6');
  });

  it('finds no version in what docker prints when the compose plugin is missing', () => {
    assert.equal(parseComposeVersion(readFixture('version-missing-plugin.txt')), undefined);
    assert.equal(parseComposeVersion(''), undefined);
    assert.equal(parseComposeVersion('docker: unknown command: docker compose\n'), undefined);
    // Digits inside a path are not a version.
    assert.equal(parseComposeVersion('/opt/compose-2.26/bin: not found\n'), undefined);
  });

  it('tries every flavour in order for "auto", and only the chosen one otherwise', () => {
    assert.deepEqual(candidateFlavours('auto'), ['docker compose', 'docker-compose', 'podman compose']);
    assert.equal(candidateFlavours('auto'), COMPOSE_FLAVOURS);
    assert.deepEqual(candidateFlavours('docker-compose'), ['docker-compose']);
    assert.deepEqual(candidateFlavours('podman compose'), ['podman compose']);
  });

  it('treats a setting value it does not know as "auto"', () => {
    assert.deepEqual(candidateFlavours('docker  compose' as ComposeSetting), COMPOSE_FLAVOURS);
  });

  it('describes each flavour as a program and its leading arguments', () => {
    assert.deepEqual(v2, { flavour: 'docker compose', command: 'docker', baseArgs: ['compose'], version: '2.26.1-4' });
    assert.deepEqual(v1, { flavour: 'docker-compose', command: 'docker-compose', baseArgs: [], version: '1.29.2' });
    assert.deepEqual(composeCli('podman compose', '1.0.6'), { flavour: 'podman compose', command: 'podman', baseArgs: ['compose'], version: '1.0.6' });
  });
});

describe('composeArgv', () => {
  it('puts the global options first, then the subcommand (v2)', () => {
    assert.deepEqual(composeArgv(v2, target, { kind: 'config' }), {
      command: 'docker',
      args: ['compose', ...GLOBAL, '--ansi', 'never', 'config'],
    });
  });

  it('gives v1 the same options: 1.29 has --project-directory and --ansi', () => {
    assert.deepEqual(composeArgv(v1, target, { kind: 'config' }), { command: 'docker-compose', args: [...GLOBAL, '--ansi', 'never', 'config'] });
  });

  it('asks v2 for plain progress on build and up only', () => {
    assert.deepEqual(composeArgv(v2, target, { kind: 'build' }).args, ['compose', ...GLOBAL, '--ansi', 'never', '--progress', 'plain', 'build']);
    assert.deepEqual(composeArgv(v2, target, { kind: 'up', build: 'never' }).args, ['compose', ...GLOBAL, '--ansi', 'never', '--progress', 'plain', 'up', '-d', '--no-build']);
    assert.ok(!composeArgv(v2, target, { kind: 'stop' }).args.includes('--progress'));
    // v1 has --progress on build only, and only for BuildKit builds; its piped output is line by line anyway.
    assert.ok(!composeArgv(v1, target, { kind: 'build' }).args.includes('--progress'));
  });

  it('leaves out --progress before compose 2.19, where it was not a global option', () => {
    assert.deepEqual(composeArgv(composeCli('docker compose', '2.18.1'), target, { kind: 'build' }).args, ['compose', ...GLOBAL, '--ansi', 'never', 'build']);
    assert.ok(composeArgv(composeCli('docker compose', 'v2.19.0'), target, { kind: 'build' }).args.includes('--progress'));
  });

  it('leaves out --ansi before docker-compose 1.28', () => {
    assert.deepEqual(composeArgv(composeCli('docker-compose', '1.27.4'), target, { kind: 'stop' }).args, [...GLOBAL, 'stop']);
  });

  it('treats a docker-compose that reports 2.x as compose v2', () => {
    assert.deepEqual(composeArgv(composeCli('docker-compose', '2.26.1'), target, { kind: 'build' }).args, [...GLOBAL, '--ansi', 'never', '--progress', 'plain', 'build']);
  });

  it('gives podman-compose (a 1.x behind podman) only the options it knows', () => {
    assert.deepEqual(composeArgv(composeCli('podman compose', '1.0.6'), target, { kind: 'up', build: 'missing' }), {
      command: 'podman',
      args: ['compose', '-p', 'my_app_devcontainer', '-f', target.files[0], '-f', target.files[1], 'up', '-d'],
    });
  });

  it('gives docker-compose v2 behind podman the v2 options', () => {
    assert.deepEqual(composeArgv(composeCli('podman compose', '2.26.1'), target, { kind: 'up', build: 'missing' }).args, ['compose', ...GLOBAL, '--ansi', 'never', '--progress', 'plain', 'up', '-d']);
  });

  it('passes paths and names untouched, one argument each, never through a shell', () => {
    const awkward: ComposeTarget = {
      projectName: 'shop-2_devcontainer',
      projectDirectory: `/tmp/it's "quoted" $HOME; rm -rf ~`,
      files: [String.raw`C:\Users\Ann Lee\app\docker-compose.yml`],
    };
    assert.deepEqual(composeArgv(v2, awkward, { kind: 'config' }).args, [
      'compose',
      '-p', 'shop-2_devcontainer',
      '--project-directory', `/tmp/it's "quoted" $HOME; rm -rf ~`,
      '-f', String.raw`C:\Users\Ann Lee\app\docker-compose.yml`,
      '--ansi', 'never',
      'config',
    ]);
  });

  it('builds, without the cache when asked, the services given', () => {
    assert.deepEqual(composeArgv(v1, target, { kind: 'build', services: ['app', 'db'], noCache: true }).args.slice(GLOBAL.length + 2), ['build', '--no-cache', 'app', 'db']);
    assert.deepEqual(composeArgv(v1, target, { kind: 'build', noCache: false }).args.slice(GLOBAL.length + 2), ['build']);
  });

  it('always starts detached, with the build policy and recreation asked for', () => {
    const up = (action: Parameters<typeof composeArgv>[2]): readonly string[] => composeArgv(v1, target, action).args.slice(GLOBAL.length + 2);
    assert.deepEqual(up({ kind: 'up', build: 'never' }), ['up', '-d', '--no-build']);
    assert.deepEqual(up({ kind: 'up', build: 'always', forceRecreate: true }), ['up', '-d', '--build', '--force-recreate']);
    // Compose's default policy builds only missing images.
    assert.deepEqual(up({ kind: 'up', build: 'missing', services: ['app'] }), ['up', '-d', 'app']);
  });

  it('stops, starts and restarts all services or the ones given', () => {
    assert.deepEqual(composeArgv(v2, target, { kind: 'stop' }).args.slice(-1), ['stop']);
    assert.deepEqual(composeArgv(v2, target, { kind: 'start', services: ['app'] }).args.slice(-2), ['start', 'app']);
    assert.deepEqual(composeArgv(v2, target, { kind: 'restart', services: ['app', 'db'] }).args.slice(-3), ['restart', 'app', 'db']);
  });

  it('removes volumes on down only when asked', () => {
    assert.deepEqual(composeArgv(v2, target, { kind: 'down', removeVolumes: false }).args.slice(-1), ['down']);
    assert.deepEqual(composeArgv(v2, target, { kind: 'down', removeVolumes: true }).args.slice(-2), ['down', '--volumes']);
  });

  it('follows and tails logs', () => {
    assert.deepEqual(composeArgv(v2, target, { kind: 'logs', follow: true, tail: 200, services: ['app'] }).args.slice(-5), ['logs', '--follow', '--tail', '200', 'app']);
    assert.deepEqual(composeArgv(v1, target, { kind: 'logs', follow: false }).args.slice(-1), ['logs']);
    assert.deepEqual(composeArgv(v1, target, { kind: 'logs', follow: false, tail: 0 }).args.slice(-3), ['logs', '--tail', '0']);
  });
});
