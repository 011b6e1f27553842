import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInOneOffContainer, type OneOffMixContainer } from '../../src/docker/containerMix';
import type { DockerEngine } from '../../src/docker/engine';

/** A "compose" that is `sh -c script`: compose's own arguments come after the script, unused. */
function oneOff(script: string): OneOffMixContainer {
  return {
    kind: 'one-off',
    cli: { flavour: 'docker compose', command: 'sh', baseArgs: ['-c', script, 'sh'], version: '2.26.1' },
    target: { projectName: 'shop', projectDirectory: process.cwd(), files: [] },
    service: 'app',
    root: '/app',
  };
}

/** An engine whose container removal fails, recording what it was asked to remove. */
function failingEngine(removed: string[]): DockerEngine {
  return {
    removeContainer: (name: string) => {
      removed.push(name);
      return Promise.reject(new Error('engine gone'));
    },
  } as unknown as DockerEngine;
}

describe('a mix command in a one-off container', () => {
  it('keeps the run\'s result when the container cannot be removed, and tells how to remove it', async () => {
    const removed: string[] = [];
    const lines: string[] = [];
    const result = await runInOneOffContainer(failingEngine(removed), oneOff('echo compiled; exit 3'), { argv: ['mix', 'compile'], env: {} }, { cliEnv: process.env, workdir: '/app', onLine: (line) => lines.push(line) });
    assert.equal(result.code, 3);
    assert.match(result.stdout, /compiled/);
    assert.equal(removed.length, 1);
    assert.match(removed[0] ?? '', /^shop-app-mix-[0-9a-f]{12}$/);
    assert.deepEqual(lines, ['compiled', `The one-off container ${removed[0] ?? ''} could not be removed (engine gone): remove it with \`docker rm -f ${removed[0] ?? ''}\`.`]);
  });

  it('keeps the run\'s own error (a cancel) when the container cannot be removed', async () => {
    const stop = new AbortController();
    const cancel = new Error('cancelled by the user');
    const run = runInOneOffContainer(failingEngine([]), oneOff('sleep 30'), { argv: ['mix', 'test'], env: {} }, { cliEnv: process.env, workdir: '/app', signal: stop.signal });
    setTimeout(() => { stop.abort(cancel); }, 200);
    await assert.rejects(run, (error) => error === cancel);
  });
});
