import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeArgv, composeCli, parseComposeConfig, type ComposeTarget } from '../../src/core/compose';
import { oneOffContainerName, oneOffService } from '../../src/core/testing/oneOff';
import { readFixture } from './fixtures/compose/readFixture';

// `compose config` of a generated dev container and of an adopted root compose file with its
// override, in a project folder named "my app" (test/unit/fixtures/compose/oneoff-*.yml).
const WORKSPACE = '/tmp/pdc-cap/my app';
const GENERATED_DIR = `${WORKSPACE}/.devcontainer`;

describe('the services\' volumes in compose config', () => {
  it('reads v2\'s long form and v1\'s short one alike: bind mounts, named and anonymous volumes', () => {
    const expected = [
      { type: 'bind', source: WORKSPACE, target: '/app' },
      { type: 'volume', source: 'deps', target: '/app/deps' },
      { type: 'volume', source: 'build', target: '/app/_build' },
    ];
    for (const version of ['v2', 'v1']) {
      const app = parseComposeConfig(readFixture(`oneoff-generated-${version}.yml`)).find((service) => service.name === 'app');
      assert.deepEqual(app?.mounts, expected, version);
      assert.equal(app.labels['dev.phoenix.role'], 'app');
    }
    const adopted = [
      { type: 'bind', source: '/tmp/pdc-cap', target: '/src' },
      { type: 'bind', source: `${WORKSPACE}/priv/static`, target: '/srv/static' },
      { type: 'volume', source: '', target: '/var/cache/hex' },
    ];
    for (const version of ['v2', 'v1']) {
      const web = parseComposeConfig(readFixture(`oneoff-adopted-${version}.yml`)).find((service) => service.name === 'web');
      assert.deepEqual(web?.mounts, adopted, version);
    }
  });

  it('reads the file as written (podman-compose): relative and home sources, Windows drive letters, a list of labels; no tmpfs', () => {
    const [app] = parseComposeConfig([
      'services:',
      '  app:',
      '    labels: ["dev.phoenix.role=app"]',
      '    volumes:',
      '      - ..:/app',
      '      - ~/.hex:/root/.hex',
      '      - C:\\Users\\ada\\shop:/workspace:cached',
      '      - cache:/cache',
      '      - /only/a/target',
      '      - { type: tmpfs, target: /tmp }',
      '      - { source: x }',
      '      - 42',
    ].join('\n'));
    assert.deepEqual(app?.mounts, [
      { type: 'bind', source: '..', target: '/app' },
      { type: 'bind', source: '~/.hex', target: '/root/.hex' },
      { type: 'bind', source: 'C:\\Users\\ada\\shop', target: '/workspace' },
      { type: 'volume', source: 'cache', target: '/cache' },
      { type: 'volume', source: '', target: '/only/a/target' },
    ]);
    assert.deepEqual(app.labels, { 'dev.phoenix.role': 'app' });
  });
});

describe('the app service of a one-off container, and where the project is in it', () => {
  it('is the generated dev container\'s app service, the project at its mount of the project folder (v2 and v1)', () => {
    for (const version of ['v2', 'v1']) {
      assert.deepEqual(oneOffService(parseComposeConfig(readFixture(`oneoff-generated-${version}.yml`)), 'app', WORKSPACE, GENERATED_DIR), { service: 'app', root: '/app' }, version);
    }
  });

  it('is the adopted service, the project under its mount of the folder above it (v2 and v1)', () => {
    for (const version of ['v2', 'v1']) {
      assert.deepEqual(oneOffService(parseComposeConfig(readFixture(`oneoff-adopted-${version}.yml`)), 'app', WORKSPACE, WORKSPACE), { service: 'web', root: '/src/my app' }, version);
    }
  });

  it('resolves a relative source against the compose project\'s folder, and matches a Windows drive letter whatever its case', () => {
    const written = parseComposeConfig('services:\n  app:\n    labels: { dev.phoenix.role: app }\n    volumes: ["..:/app"]\n');
    assert.deepEqual(oneOffService(written, 'app', WORKSPACE, GENERATED_DIR), { service: 'app', root: '/app' });
    const windows = parseComposeConfig('services:\n  app:\n    volumes: ["C:\\\\Users\\\\ada\\\\shop:/workspace"]\n');
    assert.deepEqual(oneOffService(windows, 'app', 'c:\\Users\\ada\\shop', 'c:\\Users\\ada\\shop\\.devcontainer'), { service: 'app', root: '/workspace' });
  });

  it('takes the only service when none is labelled, and none of several', () => {
    const single = parseComposeConfig('services:\n  web:\n    volumes: ["/tmp/pdc-cap/my app:/code"]\n');
    assert.deepEqual(oneOffService(single, 'app', WORKSPACE, WORKSPACE), { service: 'web', root: '/code' });
    const several = parseComposeConfig('services:\n  web: {}\n  worker: {}\n');
    assert.deepEqual(oneOffService(several, 'app', WORKSPACE, WORKSPACE), { problem: 'no-app-service', services: ['web', 'worker'] });
  });

  it('refuses an app service whose name compose run would read as a flag or something else than a name', () => {
    for (const name of ['--privileged', '-v', '.hidden', '_x', 'a b', 'wéb']) {
      const services = parseComposeConfig(`services:\n  ${JSON.stringify(name)}:\n    labels: { dev.phoenix.role: app }\n    volumes: ["/tmp/pdc-cap/my app:/code"]\n`);
      assert.deepEqual(oneOffService(services, 'app', WORKSPACE, WORKSPACE), { problem: 'invalid-service-name', service: name }, name);
    }
    const fine = parseComposeConfig('services:\n  web.v2_app-1:\n    volumes: ["/tmp/pdc-cap/my app:/code"]\n');
    assert.deepEqual(oneOffService(fine, 'app', WORKSPACE, WORKSPACE), { service: 'web.v2_app-1', root: '/code' });
  });

  it('does not guess a root the service does not mount: only volumes, or a folder next to the project\'s', () => {
    const volumesOnly = parseComposeConfig('services:\n  app:\n    working_dir: /app\n    labels: { dev.phoenix.role: app }\n    volumes: ["code:/app"]\n');
    assert.deepEqual(oneOffService(volumesOnly, 'app', WORKSPACE, WORKSPACE), { problem: 'project-not-mounted', service: 'app' });
    const sibling = parseComposeConfig('services:\n  app:\n    volumes: ["/tmp/pdc-cap/my:/app", "/tmp/pdc-cap/my app2:/other"]\n');
    assert.deepEqual(oneOffService(sibling, 'app', WORKSPACE, WORKSPACE), { problem: 'project-not-mounted', service: 'app' });
  });
});

describe('compose run of a one-off container', () => {
  const target: ComposeTarget = {
    projectName: 'my_app_devcontainer',
    projectDirectory: GENERATED_DIR,
    files: [`${GENERATED_DIR}/docker-compose.yml`],
  };
  const action = {
    kind: 'run',
    service: 'app',
    name: oneOffContainerName('my_app_devcontainer', 'app', '0a1b2c'),
    workdir: '/app/apps/my app_web',
    envNames: ['MIX_ENV', 'PHOENIX_TEST_FORMATTER'],
    argv: ['sh', '-c', 'exec mix "$@"', 'sh', 'test', '$(reboot)'],
  } as const;
  const RUN = [
    'run', '--rm', '-T', '--name', 'my_app_devcontainer-app-mix-0a1b2c', '-w', '/app/apps/my app_web',
    '-e', 'MIX_ENV', '-e', 'PHOENIX_TEST_FORMATTER',
    'app', 'sh', '-c', 'exec mix "$@"', 'sh', 'test', '$(reboot)',
  ];

  it('runs the service with the lifecycle\'s files and project, removed at the end, without a TTY, the environment by name only', () => {
    assert.deepEqual(composeArgv(composeCli('docker compose', '2.26.1-4'), target, action), {
      command: 'docker',
      args: ['compose', '-p', 'my_app_devcontainer', '--project-directory', GENERATED_DIR, '-f', `${GENERATED_DIR}/docker-compose.yml`, '--ansi', 'never', ...RUN],
    });
    assert.deepEqual(composeArgv(composeCli('docker-compose', '1.29.2'), target, action), {
      command: 'docker-compose',
      args: ['-p', 'my_app_devcontainer', '--project-directory', GENERATED_DIR, '-f', `${GENERATED_DIR}/docker-compose.yml`, '--ansi', 'never', ...RUN],
    });
  });

  it('never publishes the service\'s ports', () => {
    const { args } = composeArgv(composeCli('docker compose', '2.26.1-4'), target, action);
    assert.ok(!args.includes('--service-ports') && !args.includes('--publish') && !args.includes('-p', args.indexOf('run')));
  });
});
