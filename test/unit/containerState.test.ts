import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUp, listedPorts, serviceState, serviceStatus } from '../../src/core/containerState';

describe('serviceState', () => {
  it('reads health from the status line of a running container', () => {
    assert.deepEqual(serviceState({ state: 'running', status: 'Up 5 minutes' }), { kind: 'running' });
    assert.deepEqual(serviceState({ state: 'running', status: 'Up 5 minutes (healthy)' }), { kind: 'healthy' });
    assert.deepEqual(serviceState({ state: 'running', status: 'Up 3 seconds (health: starting)' }), { kind: 'starting' });
    assert.deepEqual(serviceState({ state: 'running', status: 'Up 2 hours (unhealthy)' }), { kind: 'unhealthy' });
  });

  it('reads the exit code of an exited container', () => {
    assert.deepEqual(serviceState({ state: 'exited', status: 'Exited (1) 2 minutes ago' }), { kind: 'exited', exitCode: 1 });
    assert.deepEqual(serviceState({ state: 'exited', status: 'Exited (0) About an hour ago' }), { kind: 'exited', exitCode: 0 });
    assert.deepEqual(serviceState({ state: 'exited', status: '' }), { kind: 'exited', exitCode: undefined });
  });

  it('passes the other engine states through', () => {
    for (const state of ['restarting', 'paused', 'created', 'dead'] as const) {
      assert.deepEqual(serviceState({ state, status: '' }), { kind: state });
    }
  });

  it('treats a state it does not know (removing) as dead rather than failing', () => {
    assert.deepEqual(serviceState({ state: 'removing', status: 'Removal In Progress' }), { kind: 'dead' });
  });
});

describe('serviceStatus', () => {
  const exited = (code: number): Parameters<typeof serviceStatus>[0] => ({ state: 'exited', status: `Exited (${code}) 3 seconds ago` });

  it('calls an exit after docker stop, compose stop or Ctrl-C "stopped", not a failure', () => {
    for (const code of [0, 129, 130, 131, 137, 143]) {
      assert.deepEqual(serviceStatus(exited(code)), { kind: 'stopped', exitCode: code }, `exit code ${code}`);
    }
    assert.deepEqual(serviceStatus({ state: 'exited', status: '' }), { kind: 'stopped', exitCode: undefined });
  });

  it('keeps any other exit code as a failure with its code', () => {
    for (const code of [1, 2, 3, 127, 134, 139, 255]) {
      assert.deepEqual(serviceStatus(exited(code)), { kind: 'exited', exitCode: code }, `exit code ${code}`);
    }
  });

  it('says "missing" for a service without a container and passes the other states through', () => {
    assert.deepEqual(serviceStatus(undefined), { kind: 'missing' });
    assert.deepEqual(serviceStatus({ state: 'running', status: 'Up 1 second (healthy)' }), { kind: 'healthy' });
    assert.deepEqual(serviceStatus({ state: 'created', status: 'Created' }), { kind: 'created' });
  });

  it('counts running (in any health), restarting and paused containers as up', () => {
    const up = (['running', 'healthy', 'starting', 'unhealthy', 'restarting', 'paused'] as const).map((kind) => isUp({ kind }));
    assert.deepEqual(up, [true, true, true, true, true, true]);
    assert.equal(isUp({ kind: 'stopped', exitCode: 0 }), false);
    assert.equal(isUp({ kind: 'exited', exitCode: 1 }), false);
    assert.equal(isUp({ kind: 'created' }), false);
    assert.equal(isUp({ kind: 'missing' }), false);
  });
});

describe('listedPorts', () => {
  it('groups the container list\'s ports by port and protocol, the way docker inspect does', () => {
    assert.deepEqual(listedPorts([
      { IP: '0.0.0.0', PrivatePort: 4000, PublicPort: 4000, Type: 'tcp' },
      { IP: '::', PrivatePort: 4000, PublicPort: 4000, Type: 'tcp' },
      { PrivatePort: 4369, Type: 'tcp' },
      { IP: '127.0.0.1', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
    ]), {
      '4000/tcp': [{ HostIp: '0.0.0.0', HostPort: '4000' }, { HostIp: '::', HostPort: '4000' }],
      '4369/tcp': null,
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
    });
  });

  it('keeps a published binding when an unpublished entry of the same port comes first', () => {
    assert.deepEqual(listedPorts([
      { PrivatePort: 4000, Type: 'tcp' },
      { IP: '127.0.0.1', PrivatePort: 4000, PublicPort: 49153, Type: 'tcp' },
    ]), { '4000/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] });
  });
});
