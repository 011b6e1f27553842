import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceState } from '../../src/core/containerState';

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
