import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceStatus, type ListedContainer } from '../../src/core/containerState';
import { LABELS } from '../../src/core/contract';
import { projectIcon, projectLook, serviceLook } from '../../src/core/statusLook';

const container = (service: string, state: string, status: string, role?: string): ListedContainer => ({
  id: service,
  service,
  state,
  status,
  labels: role === undefined ? {} : { [LABELS.role]: role },
});

describe('serviceLook', () => {
  it('gives each status its word, and an icon for up, on its way, failed or idle', () => {
    const looks = [
      { state: 'running', status: 'Up 5 minutes' },
      { state: 'running', status: 'Up 5 minutes (healthy)' },
      { state: 'running', status: 'Up 3 seconds (health: starting)' },
      { state: 'running', status: 'Up 2 hours (unhealthy)' },
      { state: 'restarting', status: '' },
      { state: 'paused', status: '' },
      { state: 'created', status: '' },
      { state: 'exited', status: 'Exited (143) 1 second ago' },
      { state: 'exited', status: 'Exited (1) 2 minutes ago' },
      { state: 'dead', status: '' },
      undefined,
    ].map((listed) => serviceLook(serviceStatus(listed)));
    assert.deepEqual(looks, [
      { word: 'running', icon: 'pass-filled', color: 'testing.iconPassed' },
      { word: 'healthy', icon: 'pass-filled', color: 'testing.iconPassed' },
      { word: 'starting', icon: 'loading~spin' },
      { word: 'unhealthy', icon: 'error', color: 'testing.iconFailed' },
      { word: 'restarting', icon: 'loading~spin' },
      { word: 'paused', icon: 'debug-pause' },
      { word: 'created', icon: 'circle-outline' },
      { word: 'stopped', icon: 'circle-outline' },
      { word: 'exited', exitCode: 1, icon: 'error', color: 'testing.iconFailed' },
      { word: 'dead', icon: 'error', color: 'testing.iconFailed' },
      { word: 'missing', icon: 'dash' },
    ]);
  });
});

describe('projectIcon and projectLook', () => {
  it('shows a running machine when any container is up, as the view\'s project row does', () => {
    assert.equal(projectIcon([]), 'vm-outline');
    assert.equal(projectIcon([{ kind: 'stopped', exitCode: 0 }, { kind: 'paused' }]), 'vm-running');
    assert.equal(projectIcon([{ kind: 'exited', exitCode: 1 }, { kind: 'missing' }]), 'vm-outline');
  });

  it('tells the project by its app in the words of the app\'s row, not by the engine\'s state names', () => {
    const db = container('db', 'running', 'Up 1 minute (healthy)');
    assert.deepEqual(projectLook([db, container('app', 'running', 'Up 1 minute', 'app')]), { word: 'running', icon: 'vm-running' });
    assert.deepEqual(projectLook([db, container('app', 'exited', 'Exited (0) 1 second ago', 'app')]), { word: 'stopped', icon: 'vm-running' });
    assert.deepEqual(projectLook([container('app', 'exited', 'Exited (1) 1 second ago', 'app')]), { word: 'exited', exitCode: 1, icon: 'vm-outline' });
    assert.deepEqual(projectLook([container('app', 'running', 'Up 2 hours (unhealthy)', 'app')]), { word: 'unhealthy', icon: 'vm-running' });
  });

  it('falls back on the first container without an app, and says when there is none or Docker does not answer', () => {
    assert.deepEqual(projectLook([container('web', 'paused', '')]), { word: 'paused', icon: 'vm-running' });
    assert.deepEqual(projectLook([]), { word: 'missing', icon: 'vm-outline' });
    assert.deepEqual(projectLook('unreachable'), { word: 'unreachable', icon: 'vm-outline' });
  });
});
