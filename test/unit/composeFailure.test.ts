import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyComposeFailure, containerPublishing, listeningSocketInodes, listensOnLoopbackOnly, socketInodeOfFdLink, type ComposeFailure, type PortContainer } from '../../src/core/compose';
import { readFixture } from './fixtures/compose/readFixture';

function classify(fixture: string): ComposeFailure {
  return classifyComposeFailure(readFixture(fixture));
}

function detailOf(failure: ComposeFailure): string {
  assert.ok('detail' in failure, `no detail in ${failure.kind}`);
  return failure.detail;
}

const invalid = (message: string, file?: string, line?: number, column?: number): ComposeFailure => ({ kind: 'invalid-compose-file', message, file, line, column });

describe('classifyComposeFailure: the engine', () => {
  it('sees that nothing answers at DOCKER_HOST (v2)', () => {
    assert.deepEqual(classify('unreachable-up-v2.txt'), { kind: 'docker-unreachable', detail: 'Cannot connect to the Docker daemon at unix:///tmp/nothing.sock. Is the docker daemon running?' });
    assert.deepEqual(classify('unreachable-tcp-v2.txt'), { kind: 'docker-unreachable', detail: 'Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?' });
  });

  it('finds the reason at the end of v1\'s Python traceback', () => {
    assert.deepEqual(classify('unreachable-up-v1.txt'), {
      kind: 'docker-unreachable',
      detail: "Error while fetching server API version: ('Connection aborted.', FileNotFoundError(2, 'No such file or directory'))",
    });
    assert.match(detailOf(classify('unreachable-tcp-v1.txt')), /^Error while fetching server API version: HTTPConnectionPool\(host='127\.0\.0\.1', port=1\).*Connection refused'\)\)$/);
  });

  it('sees a socket the user may not use (not in the docker group)', () => {
    assert.match(detailOf(classify('permission-denied-v2.txt')), /^permission denied while trying to connect to the Docker daemon socket at unix:\/\/\/var\/run\/docker\.sock: .*connect: permission denied$/);
    assert.deepEqual(classify('permission-denied-v1.txt'), {
      kind: 'docker-unreachable',
      detail: "Error while fetching server API version: ('Connection aborted.', PermissionError(13, 'Permission denied'))",
    });
  });

  it('sees Docker Desktop not running on Windows (as reported in docker/compose#10223)', () => {
    const output = 'error during connect: this error may indicate that the docker daemon is not running: Get "http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.24/containers/json": open //./pipe/docker_engine: The system cannot find the file specified.\n';
    assert.equal(classifyComposeFailure(output).kind, 'docker-unreachable');
  });
});

describe('classifyComposeFailure: the compose file', () => {
  it('takes compose v2\'s YAML line as reported: go-yaml can point before the fault, and names no file', () => {
    // The mis-indented key is on line 6; go-yaml reports the mapping it was parsing.
    assert.deepEqual(classify('yaml-error-v2.txt'), invalid('did not find expected key', undefined, 1));
    // The tab is on line 4.
    assert.deepEqual(classify('yaml-tab-v2.txt'), invalid('found a tab character that violates indentation', undefined, 3));
    assert.deepEqual(classify('yaml-duplicate-key-v2.txt'), invalid('mapping key "image" already defined at line 3', undefined, 4));
  });

  it('takes compose v1\'s file, line and column of the fault from PyYAML', () => {
    assert.deepEqual(classify('yaml-error-v1.txt'), invalid("expected <block end>, but found '<block mapping start>'", './docker-compose.yml', 6, 4));
    assert.deepEqual(classify('yaml-tab-v1.txt'), invalid(String.raw`found character '\t' that cannot start any token`, '/tmp/pdc-cap/y/docker-compose.yml', 4, 1));
  });

  it('reads schema errors with the file they are in', () => {
    assert.deepEqual(classify('unknown-key-v2.txt'), invalid('services.app Additional property portz is not allowed', '/tmp/pdc-cap/unknown key/docker-compose.yml'));
    assert.deepEqual(classify('unknown-key-v1.txt'), invalid("Unsupported config option for services.app: 'portz'", './docker-compose.yml'));
  });

  it('passes on the message of a required variable that is not set', () => {
    const message = 'ERLANG_COOKIE is not set. Run Phoenix: Scaffold Dev Container again';
    assert.deepEqual(classify('missing-variable-v2.txt'), invalid(message));
    assert.deepEqual(classify('missing-variable-v1.txt'), invalid(message));
  });

  it('names a required variable that has no message of its own', () => {
    assert.deepEqual(
      classifyComposeFailure('error while interpolating services.app.environment.ERLANG_COOKIE: required variable ERLANG_COOKIE is missing a value\n'),
      invalid('required variable ERLANG_COOKIE is missing a value'),
    );
    assert.deepEqual(
      classifyComposeFailure(`Missing mandatory value for "environment" option interpolating {'ERLANG_COOKIE': '\${ERLANG_COOKIE:?}'} in service "app": ERLANG_COOKIE\n`),
      invalid('required variable ERLANG_COOKIE is missing a value'),
    );
  });

  it('reads a dependency on a service that does not exist', () => {
    assert.deepEqual(classify('undefined-dependency-v2.txt'), invalid('service "app" depends on undefined service "db"'));
    assert.deepEqual(classify('undefined-dependency-v1.txt'), invalid("Service 'app' depends on service 'db' which is undefined."));
  });
});

describe('classifyComposeFailure: ports', () => {
  it('sees a host process holding the port', () => {
    assert.deepEqual(classify('port-in-use-process-v2.txt'), { kind: 'port-in-use', port: 47830, hostIp: '0.0.0.0' });
    assert.deepEqual(classify('port-in-use-process-v1.txt'), { kind: 'port-in-use', port: 47830, hostIp: '0.0.0.0' });
  });

  it('sees another container publishing the port', () => {
    assert.deepEqual(classify('port-in-use-container-v2.txt'), { kind: 'port-in-use', port: 47831, hostIp: '127.0.0.1' });
    assert.deepEqual(classify('port-in-use-container-v1.txt'), { kind: 'port-in-use', port: 47831, hostIp: '127.0.0.1' });
  });

  it('reads Docker Engine 28\'s wording and IPv6 addresses', () => {
    assert.deepEqual(
      classifyComposeFailure('Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint avatar-app-1 (f8a30e4fb223): failed to bind host port for 0.0.0.0:8000:172.31.0.2:8000/tcp: address already in use\n'),
      { kind: 'port-in-use', port: 8000, hostIp: '0.0.0.0' },
    );
    assert.deepEqual(classifyComposeFailure('failed to bind host port 127.0.0.1:5432/tcp: address already in use'), { kind: 'port-in-use', port: 5432, hostIp: '127.0.0.1' });
    assert.deepEqual(classifyComposeFailure('Error starting userland proxy: listen tcp6 [::]:4000: bind: address already in use'), { kind: 'port-in-use', port: 4000, hostIp: '::' });
    assert.deepEqual(classifyComposeFailure('Bind for :::4000 failed: port is already allocated'), { kind: 'port-in-use', port: 4000, hostIp: '::' });
  });
});

describe('classifyComposeFailure: images', () => {
  it('names the base image BuildKit could not fetch, as the Dockerfile writes it', () => {
    for (const fixture of ['base-pull-failed-v2.txt', 'base-pull-failed-v1.txt']) {
      const failure = classify(fixture);
      assert.equal(failure.kind, 'image-pull-failed', fixture);
      assert.equal('image' in failure && failure.image, 'phoenix-dev-containers-bench/elixir:1.99-nope', fixture);
      assert.match(detailOf(failure), /^#3 ERROR: failed to do request: Head "https:\/\/registry-1\.docker\.io\/v2\/phoenix-dev-containers-bench\/elixir\/manifests\/1\.99-nope": dial tcp: lookup registry-1\.docker\.io .*: no such host$/m);
    }
  });

  it('names the FROM image the classic builder could not pull', () => {
    assert.deepEqual(classify('base-pull-failed-v1-classic.txt'), {
      kind: 'image-pull-failed',
      image: 'phoenix-dev-containers-bench/elixir:1.99-nope',
      detail: 'Building app\nStep 1/2 : FROM phoenix-dev-containers-bench/elixir:1.99-nope\nService \'app\' failed to build : Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
    });
  });

  it('names the service image v1 was pulling', () => {
    const failure = classify('pull-failed-v1.txt');
    assert.equal(failure.kind, 'image-pull-failed');
    assert.equal('image' in failure && failure.image, 'phoenix-dev-containers-bench/postgres:16-nope');
  });

  it('sees v2 fail a pull, which names only the service when the registry is out of reach', () => {
    const failure = classify('pull-failed-v2.txt');
    assert.equal(failure.kind, 'image-pull-failed');
    assert.equal('image' in failure && failure.image, undefined);
    assert.match(detailOf(failure), /^ db Pulling\n db Error Get "https:\/\/registry-1\.docker\.io\/v2\/": /);
  });

  it('names the image a registry refuses (compose 2.26\'s pull failure reason)', () => {
    const output = " db Pulling \n db Error pull access denied for nosuch/image, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\nError response from daemon: pull access denied for nosuch/image, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n";
    assert.equal((classifyComposeFailure(output) as { image?: string }).image, 'nosuch/image');
  });
});

describe('classifyComposeFailure: builds', () => {
  const step = 'RUN ls /no/such/dir && echo done';

  it('names the failing step of a BuildKit build (v2 and v1)', () => {
    const v2 = classify('build-failed-v2.txt');
    assert.deepEqual({ ...v2, detail: undefined }, { kind: 'build-failed', step, detail: undefined });
    assert.match(detailOf(v2), /0\.172 ls: cannot access '\/no\/such\/dir': No such file or directory\n------\nfailed to solve: executor failed running \[\/bin\/sh -c ls \/no\/such\/dir && echo done\]: exit code: 2$/);
    const v1 = classify('build-failed-v1.txt');
    assert.equal(v1.kind === 'build-failed' && v1.step, step);
    assert.match(detailOf(v1), /ERROR: failed to solve: .*exit code: 2\nService 'app' failed to build : Build failed$/);
  });

  it('names the failing step of a classic build, without the colours it prints', () => {
    for (const fixture of ['build-failed-v1-classic.txt', 'build-failed-v2-classic.txt']) {
      const failure = classify(fixture);
      assert.equal(failure.kind === 'build-failed' && failure.step, step, fixture);
      assert.match(detailOf(failure), /returned a non-zero code: 2$/, fixture);
      assert.doesNotMatch(detailOf(failure), /\u001b/, fixture);
    }
  });

  it('reads BuildKit 0.11+ wording, and falls back to the shell command', () => {
    const newer = [
      '#8 [app 4/9] RUN apt-get install -y foo',
      '#8 0.254 E: Unable to locate package foo',
      '#8 ERROR: process "/bin/sh -c apt-get install -y foo" did not complete successfully: exit code: 100',
      '------',
      ' > [app 4/9] RUN apt-get install -y foo:',
      '0.254 E: Unable to locate package foo',
      '------',
      'failed to solve: process "/bin/sh -c apt-get install -y foo" did not complete successfully: exit code: 100',
    ];
    assert.equal((classifyComposeFailure(newer.join('\n')) as { step?: string }).step, 'RUN apt-get install -y foo');
    assert.equal((classifyComposeFailure(newer.at(-1) ?? '') as { step?: string }).step, 'RUN apt-get install -y foo');
    assert.equal((classifyComposeFailure('failed to solve: process "/bin/sh -c echo \\"hi\\" && false" did not complete successfully: exit code: 1') as { step?: string }).step, 'RUN echo "hi" && false');
  });

  it('reads the step BuildKit\'s terminal display flags', () => {
    const output = ' => ERROR [app 4/9] RUN apt-get install -y foo                       0.3s\nfailed to solve: process "/bin/sh -c apt-get install -y foo" did not complete successfully: exit code: 100\n';
    assert.equal((classifyComposeFailure(output) as { step?: string }).step, 'RUN apt-get install -y foo');
  });
});

describe('classifyComposeFailure: anything else', () => {
  it('keeps the last lines, so the last one is compose\'s own message', () => {
    assert.deepEqual(classify('no-such-service-v2.txt'), { kind: 'other', detail: 'no such service: nosuch' });
    assert.deepEqual(classify('no-such-service-v1.txt'), { kind: 'other', detail: 'Creating network "nosvc_default" with the default driver\nNo such service: nosuch' });
  });

  it('keeps at most ten lines, without colours', () => {
    const output = Array.from({ length: 30 }, (_, index) => `\u001b[31mline ${index}\u001b[0m`).join('\r\n');
    assert.deepEqual(detailOf(classifyComposeFailure(output)).split('\n'), Array.from({ length: 10 }, (_, index) => `line ${index + 20}`));
  });

  it('copes with no output at all', () => {
    assert.deepEqual(classifyComposeFailure(''), { kind: 'other', detail: '' });
  });
});

describe('who holds a port', () => {
  // Captured while python3 -m http.server held 0.0.0.0:47830 and [::]:47832, docker-proxy
  // 127.0.0.1:47831 for a container, and epmd 4369 on both.
  const tcp = readFixture('proc-net-tcp.txt');
  const tcp6 = readFixture('proc-net-tcp6.txt');

  it('finds the listening sockets of a port in /proc/net/tcp and tcp6', () => {
    assert.deepEqual(listeningSocketInodes(tcp, 47830), ['662520']);
    assert.deepEqual(listeningSocketInodes(tcp, 47831), ['663624']);
    assert.deepEqual(listeningSocketInodes(tcp6, 47832), ['674447']);
    assert.deepEqual(listeningSocketInodes(tcp, 47832), []);
  });

  it('ignores connections on the port that are not listening', () => {
    // 4369 also has established and TIME_WAIT rows.
    assert.deepEqual(listeningSocketInodes(tcp, 4369), ['632761']);
    assert.deepEqual(listeningSocketInodes(tcp6, 4369), ['632762']);
  });

  it('tells a server listening on loopback only from one listening on every address', () => {
    // docker-proxy holds 127.0.0.1:47831; python's server 0.0.0.0:47830 and [::]:47832.
    assert.equal(listensOnLoopbackOnly(tcp, 47831), true);
    assert.equal(listensOnLoopbackOnly(tcp, 47830), false);
    assert.equal(listensOnLoopbackOnly(tcp6, 47832), false);
    assert.equal(listensOnLoopbackOnly(tcp, 47832), false, 'nothing listens: not "loopback only"');
    const ipv6Loopback = '   0: 00000000000000000000000001000000:0FA0 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1';
    assert.equal(listensOnLoopbackOnly(ipv6Loopback, 4000), true);
  });

  it('copes with text that is not a /proc table', () => {
    assert.deepEqual(listeningSocketInodes('', 4000), []);
    assert.deepEqual(listeningSocketInodes('garbage\n0: x y 0A\n', 4000), []);
  });

  it('reads the socket inode of a file descriptor link', () => {
    // The links of python3 -m http.server's descriptors 3, 251 and 0.
    assert.equal(socketInodeOfFdLink('socket:[662520]'), '662520');
    assert.equal(socketInodeOfFdLink('pipe:[662744]'), undefined);
    assert.equal(socketInodeOfFdLink('/dev/null'), undefined);
    assert.equal(socketInodeOfFdLink(''), undefined);
  });

  it('finds the container that publishes a port', () => {
    const listed = JSON.parse(readFixture('containers.json')) as { Names: string[]; Ports: PortContainer['ports'] }[];
    const containers: PortContainer[] = listed.map((info) => ({ name: (info.Names[0] ?? '').replace(/^\//, ''), ports: info.Ports }));
    assert.equal(containerPublishing(containers, 47831), 'pdc-cap-holder');
    assert.equal(containerPublishing(containers, 47833), 'pdc-cap-both');
    // Exposed but not published.
    assert.equal(containerPublishing(containers, 9000), undefined);
    assert.equal(containerPublishing(containers, 47830), undefined);
  });
});
