import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFingerprint, needsBuild, type ImageFacts } from '../../src/core/buildFreshness';
import { composeRunFailure, failedStepOr, mayBeAFailedStep, type DevContainerFailure } from '../../src/core/devContainerFailure';
import { LABELS } from '../../src/core/contract';
import { publishedUrls } from '../../src/core/publishedUrls';
import { readFixture } from './fixtures/compose/readFixture';

const dockerfile = new TextEncoder().encode('FROM hexpm/elixir:1.17.3-erlang-27.1.2-debian-bookworm-20241016-slim\n');
const built = { id: 'sha256:aaa', created: new Date('2026-01-02T10:00:00Z') };
const facts = (overrides: Partial<ImageFacts>): ImageFacts => ({
  image: built,
  fingerprint: buildFingerprint(dockerfile, undefined),
  dockerfileModified: new Date('2026-01-01T10:00:00Z'),
  record: undefined,
  ...overrides,
});

describe('needsBuild', () => {
  it('builds a missing image, whatever else is known', () => {
    assert.equal(needsBuild(facts({ image: undefined })), true);
    assert.equal(needsBuild(facts({ image: undefined, fingerprint: undefined, dockerfileModified: undefined })), true);
  });

  it('follows the record of the image\'s last build: the same Dockerfile and arguments build nothing, however new the file', () => {
    const record = { imageId: built.id, fingerprint: buildFingerprint(dockerfile, { MIX_ENV: 'dev' }) };
    const touched = new Date('2026-01-03T10:00:00Z');
    assert.equal(needsBuild(facts({ fingerprint: buildFingerprint(dockerfile, { MIX_ENV: 'dev' }), record, dockerfileModified: touched })), false);
    assert.equal(needsBuild(facts({ fingerprint: buildFingerprint(dockerfile, { MIX_ENV: 'test' }), record })), true, 'other build arguments');
    assert.equal(needsBuild(facts({ fingerprint: buildFingerprint(new TextEncoder().encode('FROM debian\n'), { MIX_ENV: 'dev' }), record })), true, 'another Dockerfile');
    assert.equal(needsBuild(facts({ fingerprint: undefined, record })), true, 'a Dockerfile that cannot be read');
  });

  it('falls back on dates when the record is of another image (built outside the extension) or there is none', () => {
    const other = { imageId: 'sha256:old', fingerprint: buildFingerprint(dockerfile, undefined) };
    assert.equal(needsBuild(facts({ record: other })), false, 'the Dockerfile is older than the image');
    assert.equal(needsBuild(facts({ record: other, dockerfileModified: new Date('2026-01-03T10:00:00Z') })), true);
    assert.equal(needsBuild(facts({ dockerfileModified: new Date('2026-01-03T10:00:00Z') })), true);
    assert.equal(needsBuild(facts({ dockerfileModified: undefined })), false);
  });

  it('tells the build arguments apart from the Dockerfile, in a stable hex digest', () => {
    assert.match(buildFingerprint(dockerfile, undefined), /^[0-9a-f]{64}$/);
    assert.equal(buildFingerprint(dockerfile, undefined), buildFingerprint(dockerfile, {}));
    assert.notEqual(buildFingerprint(dockerfile, { A: '1' }), buildFingerprint(dockerfile, { A: '2' }));
  });
});

describe('composeRunFailure', () => {
  const v2 = { command: 'docker', flavour: 'docker compose' } as const;
  const podman = { command: 'podman', flavour: 'podman compose' } as const;

  it('tells a missing docker program from a missing compose', () => {
    assert.deepEqual(composeRunFailure(v2, 'up', { startErrorCode: 'ENOENT', output: '' }), { kind: 'docker-not-installed' });
    assert.deepEqual(composeRunFailure(podman, 'up', { startErrorCode: 'ENOENT', output: '' }), { kind: 'compose-missing', tried: ['podman compose'] });
    assert.deepEqual(composeRunFailure(v2, 'up', { startErrorCode: 'EACCES', output: '' }), { kind: 'compose-missing', tried: ['docker compose'] });
  });

  it('reads compose\'s output, leaving the engine\'s address and the port\'s holder to who can ask the engine', () => {
    assert.deepEqual(composeRunFailure(v2, 'up', { startErrorCode: undefined, output: readFixture('unreachable-up-v2.txt') }), {
      kind: 'docker-unreachable',
      host: 'the Docker engine',
      detail: 'Cannot connect to the Docker daemon at unix:///tmp/nothing.sock. Is the docker daemon running?',
    });
    const port = composeRunFailure(v2, 'up', { startErrorCode: undefined, output: readFixture('port-in-use-process-v2.txt') });
    assert.ok(port.kind === 'port-in-use' && port.port !== undefined && port.holder === undefined, JSON.stringify(port));
    assert.equal(composeRunFailure(v2, 'build', { startErrorCode: undefined, output: readFixture('build-failed-v2.txt') }).kind, 'build-failed');
  });

  it('names the command when the output says nothing it knows', () => {
    assert.deepEqual(composeRunFailure(v2, 'stop', { startErrorCode: undefined, output: 'something odd\n' }), { kind: 'compose-failed', command: 'stop', detail: 'something odd' });
  });
});

describe('failedStepOr', () => {
  const exited: DevContainerFailure = { kind: 'container-exited', service: 'app', exitCode: 1, lastLines: ['boom'] };
  const silentNode: DevContainerFailure = { kind: 'node-not-answering', node: 'blog@app', waitedMs: 1000, outcome: undefined, lastLines: [] };
  const migration = [
    'phoenix-dev-container: ecto.migrate',
    '** (Postgrex.Error) ERROR 42P07 (duplicate_table) relation "posts" already exists',
    'phoenix-dev-container: failed ecto.migrate (exit 1)',
  ];

  it('tells a stopped container or a silent node as the step its log names', () => {
    const failure = failedStepOr(exited, migration, false, 2);
    assert.ok(failure.kind === 'step-failed', failure.kind);
    assert.equal(failure.failed.step, 'ecto.migrate');
    assert.equal(failure.during, 'start');
    assert.deepEqual(failure.lastLines, migration.slice(-2));
    assert.equal(failedStepOr(silentNode, migration, true, 20).kind, 'step-failed');
  });

  it('keeps the failure when the log names no step, or when no step can be behind it', () => {
    assert.equal(failedStepOr(exited, ['Compiling 3 files (.ex)'], false, 20), exited);
    const unreachable: DevContainerFailure = { kind: 'docker-unreachable', host: 'unix:///var/run/docker.sock', detail: 'refused' };
    assert.equal(mayBeAFailedStep(unreachable), false);
    assert.equal(failedStepOr(unreachable, migration, true, 20), unreachable);
    assert.deepEqual(['container-exited', 'node-not-answering', 'http-not-answering'].map((kind) => mayBeAFailedStep({ kind } as DevContainerFailure)), [true, true, true]);
  });
});

describe('publishedUrls', () => {
  const labels = { [LABELS.httpPort]: '4000' };

  it('gives one URL per address Phoenix\'s port is published on, loopback for all addresses', () => {
    assert.deepEqual(publishedUrls({ labels, ports: { '4000/tcp': [{ HostIp: '0.0.0.0', HostPort: '4000' }, { HostIp: '::', HostPort: '4000' }] } }), ['http://localhost:4000']);
    assert.deepEqual(publishedUrls({ labels, ports: { '4000/tcp': [{ HostIp: '127.0.0.1', HostPort: '4001' }, { HostIp: '::1', HostPort: '4001' }] } }), ['http://127.0.0.1:4001', 'http://[::1]:4001']);
  });

  it('gives none without the label or a published port', () => {
    assert.deepEqual(publishedUrls({ labels: {}, ports: { '4000/tcp': [{ HostIp: '', HostPort: '4000' }] } }), []);
    assert.deepEqual(publishedUrls({ labels, ports: { '4000/tcp': null } }), []);
  });
});
