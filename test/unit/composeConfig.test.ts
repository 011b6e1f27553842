import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtImageName, composeCli, parseComposeConfig, type ComposeService } from '../../src/core/compose';
import { readFixture } from './fixtures/compose/readFixture';

// Both fixtures are `compose -p my-app config` of the same file, in a folder named "my app".
const v2 = parseComposeConfig(readFixture('config-v2.yml'));
const v1 = parseComposeConfig(readFixture('config-v1.yml'));

function service(services: ComposeService[], name: string): ComposeService {
  const found = services.find((candidate) => candidate.name === name);
  assert.ok(found, `no service ${name}`);
  return found;
}

describe('parseComposeConfig', () => {
  it('lists the services of v2 and v1 output alike', () => {
    assert.deepEqual(v2.map((s) => s.name), ['db', 'tools', 'web']);
    assert.deepEqual(v1.map((s) => s.name), ['db', 'tools', 'web']);
  });

  it('reads a built service: absolute context (with its space), Dockerfile, build arguments (v2)', () => {
    assert.deepEqual(service(v2, 'web'), {
      name: 'web',
      image: undefined,
      // FROM_ENV has no value: v2 leaves it out.
      build: { context: '/tmp/pdc-cap/my app/web', dockerfile: 'Dockerfile', args: { MIX_ENV: 'dev', USER_UID: '1000' } },
      labels: { 'phoenix.http-port': '4000', 'phoenix.role': 'app' },
      mounts: [],
    });
  });

  it('reads the same from v1, which omits the default Dockerfile and keeps empty build arguments', () => {
    const web = service(v2, 'web');
    assert.deepEqual(service(v1, 'web'), { ...web, build: { context: '/tmp/pdc-cap/my app/web', dockerfile: 'Dockerfile', args: { FROM_ENV: '', MIX_ENV: 'dev', USER_UID: '1000' } } });
  });

  it('reads an image service', () => {
    const expected: ComposeService = { name: 'db', image: 'phoenix-dev-containers-bench/elixir:bookworm', build: undefined, labels: { 'com.example.kind': 'database' }, mounts: [] };
    assert.deepEqual(service(v2, 'db'), expected);
    assert.deepEqual(service(v1, 'db'), expected);
  });

  it('keeps both the image name and the build of a service that has both', () => {
    const expected = { image: 'my-tools:dev', build: { context: '/tmp/pdc-cap/my app', dockerfile: 'web/Dockerfile' }, labels: {}, mounts: [] };
    assert.deepEqual(service(v2, 'tools'), { name: 'tools', ...expected });
    assert.deepEqual(service(v1, 'tools'), { name: 'tools', ...expected });
  });

  it('reads the file as written, as podman-compose prints it', () => {
    const [web, tool] = parseComposeConfig([
      'services:',
      '  web:',
      '    build: .',
      '    ports:',
      '      - "4000:4000"',
      '      - "[::1]:5000-5001:6000-6001/udp"',
      '      - 7000',
      '    labels:',
      '      - phoenix.role=app',
      '      - url=http://x/?a=b',
      '      - flag',
      '  tool:',
      '    build:',
      '      args:',
      '        - MIX_ENV=dev',
      '        - UID',
    ].join('\n'));
    assert.deepEqual(web, {
      name: 'web',
      image: undefined,
      build: { context: '.', dockerfile: 'Dockerfile' },
      labels: { 'phoenix.role': 'app', url: 'http://x/?a=b', flag: '' },
      mounts: [],
    });
    assert.deepEqual(tool?.build, { context: '.', dockerfile: 'Dockerfile', args: { MIX_ENV: 'dev', UID: '' } });
  });

  it('reads a service with nothing in it', () => {
    assert.deepEqual(parseComposeConfig('services:\n  app:\n'), [{ name: 'app', image: undefined, build: undefined, labels: {}, mounts: [] }]);
    assert.deepEqual(parseComposeConfig('services: {}\n'), []);
  });

  it('says clearly when the text is not a compose configuration', () => {
    assert.throws(() => parseComposeConfig('services:\n  app: [\n'), /^Error: compose config printed no valid YAML \(/);
    // What compose printed instead of a configuration: an error, YAML-shaped or not.
    assert.throws(() => parseComposeConfig(readFixture('yaml-error-v2.txt')), /^Error: compose config printed no valid YAML \(Nested mappings/);
    assert.throws(() => parseComposeConfig(readFixture('no-such-service-v2.txt')), /^Error: compose config printed no "services:" section, so it is not a compose configuration$/);
    assert.throws(() => parseComposeConfig(''), /no "services:" section/);
    assert.throws(() => parseComposeConfig('- services\n'), /no "services:" section/);
    assert.throws(() => parseComposeConfig('services:\n  - app\n'), /no "services:" section/);
  });
});

describe('builtImageName', () => {
  const web = service(v2, 'web');
  const tools = service(v2, 'tools');

  it('names a built image as compose v2 does: <project>-<service> (checked: my-app-web)', () => {
    assert.equal(builtImageName('my-app', web, 'docker compose'), 'my-app-web');
    assert.equal(builtImageName('my-app', web, composeCli('docker compose', '2.26.1-4')), 'my-app-web');
  });

  it('names it as compose v1 does: <project>_<service> (checked: my-app_web)', () => {
    assert.equal(builtImageName('my-app', web, 'docker-compose'), 'my-app_web');
    assert.equal(builtImageName('my-app', web, composeCli('docker-compose', '1.29.2')), 'my-app_web');
  });

  it('goes by the version when it has the CLI: v2 under the old name, v2 before 2.10, podman-compose', () => {
    assert.equal(builtImageName('my-app', web, composeCli('docker-compose', '2.26.1')), 'my-app-web');
    assert.equal(builtImageName('my-app', web, composeCli('docker compose', '2.9.0')), 'my-app_web');
    assert.equal(builtImageName('my-app', web, composeCli('podman compose', '1.0.6')), 'my-app_web');
    assert.equal(builtImageName('my-app', web, 'podman compose'), 'my-app_web');
  });

  it('uses the image: name when the service sets one', () => {
    assert.equal(builtImageName('my-app', tools, 'docker compose'), 'my-tools:dev');
    assert.equal(builtImageName('my-app', tools, 'docker-compose'), 'my-tools:dev');
  });
});
