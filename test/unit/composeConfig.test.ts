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

  it('reads a built service: absolute context (with its space), Dockerfile, build arguments, published ports, labels (v2)', () => {
    assert.deepEqual(service(v2, 'web'), {
      name: 'web',
      image: undefined,
      // FROM_ENV has no value: v2 leaves it out.
      build: { context: '/tmp/pdc-cap/my app/web', dockerfile: 'Dockerfile', args: { MIX_ENV: 'dev', USER_UID: '1000' } },
      ports: [
        { hostIp: undefined, published: 47801, target: 4000, protocol: 'tcp' },
        { hostIp: '127.0.0.1', published: 47802, target: 4001, protocol: 'tcp' },
        { hostIp: undefined, published: 47803, target: 4002, protocol: 'udp' },
        // "4003" and "127.0.0.1::4004" let the engine pick the host port: left out.
        { hostIp: undefined, published: 47805, target: 4005, protocol: 'tcp' },
        { hostIp: undefined, published: 47806, target: 4006, protocol: 'tcp' },
      ],
      labels: { 'phoenix.http-port': '4000', 'phoenix.role': 'app' },
    });
  });

  it('reads the same from v1, which omits the default Dockerfile, keeps empty build arguments and mixes short and long port syntax', () => {
    const web = service(v2, 'web');
    assert.deepEqual(service(v1, 'web'), { ...web, build: { context: '/tmp/pdc-cap/my app/web', dockerfile: 'Dockerfile', args: { FROM_ENV: '', MIX_ENV: 'dev', USER_UID: '1000' } } });
  });

  it('reads an image service with a list of labels and an IPv6 host address', () => {
    const expected: ComposeService = {
      name: 'db',
      image: 'phoenix-dev-containers-bench/elixir:bookworm',
      build: undefined,
      ports: [{ hostIp: '::1', published: 47804, target: 5432, protocol: 'tcp' }],
      labels: { 'com.example.kind': 'database' },
    };
    // v2 prints host_ip: ::1, v1 the short form ::1:47804:5432/tcp.
    assert.deepEqual(service(v2, 'db'), expected);
    assert.deepEqual(service(v1, 'db'), expected);
  });

  it('keeps both the image name and the build of a service that has both', () => {
    const expected = { image: 'my-tools:dev', build: { context: '/tmp/pdc-cap/my app', dockerfile: 'web/Dockerfile' }, ports: [], labels: {} };
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
      ports: [
        { hostIp: undefined, published: 4000, target: 4000, protocol: 'tcp' },
        { hostIp: '::1', published: 5000, target: 6000, protocol: 'udp' },
        { hostIp: '::1', published: 5001, target: 6001, protocol: 'udp' },
      ],
      labels: { 'phoenix.role': 'app', url: 'http://x/?a=b', flag: '' },
    });
    assert.deepEqual(tool?.build, { context: '.', dockerfile: 'Dockerfile', args: { MIX_ENV: 'dev', UID: '' } });
  });

  it('skips ports it cannot pin to one host port', () => {
    const [app] = parseComposeConfig('services:\n  app:\n    ports:\n      - "8000-8001:80"\n      - "70000:80"\n      - published: "x"\n        target: 80\n      - published: 0\n        target: 80\n');
    assert.deepEqual(app?.ports, []);
  });

  it('reads a service with nothing in it', () => {
    assert.deepEqual(parseComposeConfig('services:\n  app:\n'), [{ name: 'app', image: undefined, build: undefined, ports: [], labels: {} }]);
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
