import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HelperFaultError, HelperGoneError, ObserverHelper, ObserverSession, type HelperProgram, type ObserverStatus } from '../../src/docker/observerHelper';

/*
 * A stand-in for the helper VM, in Node: reads the code line, says it is ready, then answers each
 * request as $FAKE says: "ok" (echoes the op), "not-up" or "refused" (that fault), "exit" (ends
 * after the first answer), "silent" (never ready), "slow" (answers the second request first).
 * It writes "eof" to stderr when its input ends, and exits.
 */
const FAKE_HELPER = String.raw`
const mode = process.env.FAKE;
let first = true;
let held;
const lines = require('readline').createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (first) {
    first = false;
    if (!line.startsWith('-module(')) process.exit(3);
    if (mode !== 'silent') console.log('{"ready":true,"helper":"fake@h","node":"app@h"}');
    return;
  }
  const [id, op] = line.split('\t');
  if (mode === 'not-up' || mode === 'refused') return console.log(JSON.stringify({ id, error: mode }));
  if (mode === 'slow' && held === undefined) { held = { id, op }; return; }
  console.log('not json, a warning the VM printed');
  console.log(JSON.stringify({ id, ok: op }));
  if (held !== undefined) { console.log(JSON.stringify({ id: held.id, ok: held.op })); held = null; }
  if (mode === 'exit') process.exit(0);
});
lines.on('close', () => { process.stderr.write('eof'); process.exit(0); });
`;

function fake(mode: string): HelperProgram {
  return { command: process.execPath, args: ['-e', FAKE_HELPER], env: { FAKE: mode } };
}

describe('ObserverHelper', () => {
  it('sends its code, then matches each reply to its request by id', async () => {
    const helper = await ObserverHelper.start(fake('slow'));
    try {
      const [first, second] = await Promise.all([helper.request({ op: 'overview' }), helper.request({ op: 'ets' })]);
      assert.deepEqual([first, second], ['overview', 'ets'], 'answered in the other order, each still gets its own');
    } finally {
      helper.dispose();
    }
  });

  it('turns a fault into a HelperFaultError', async () => {
    const helper = await ObserverHelper.start(fake('refused'));
    try {
      await assert.rejects(helper.request({ op: 'overview' }), (error: unknown) => error instanceof HelperFaultError && error.fault === 'refused');
    } finally {
      helper.dispose();
    }
  });

  it('fails the waiting and later requests once the program ended', async () => {
    const helper = await ObserverHelper.start(fake('exit'));
    assert.equal(await helper.request({ op: 'overview' }), 'overview');
    await helper.ended;
    assert.equal(helper.running, false);
    await assert.rejects(helper.request({ op: 'overview' }), HelperGoneError);
  });

  it('gives up on a helper that never says it is ready, and one that cannot run', async () => {
    await assert.rejects(ObserverHelper.start(fake('silent'), 1500), /did not start within 2 s/);
    await assert.rejects(ObserverHelper.start({ command: '/nonexistent/docker', args: [], env: {} }), HelperGoneError);
  });

  it('times a request out rather than waiting forever', async () => {
    const helper = await ObserverHelper.start(fake('slow'));
    try {
      await assert.rejects(helper.request({ op: 'overview' }, 300), (error: unknown) => error instanceof HelperFaultError && error.fault === 'timeout');
    } finally {
      helper.dispose();
    }
  });

  it('ends the program by closing its input', async () => {
    const helper = await ObserverHelper.start(fake('ok'));
    const started = Date.now();
    helper.dispose();
    await helper.ended;
    assert.ok(Date.now() - started < 2500, 'it ended at the end of its input, before the kill');
  });
});

describe('ObserverSession', () => {
  function session(mode: () => string, running: () => boolean) {
    const statuses: ObserverStatus['kind'][] = [];
    let now = 0;
    const observer = new ObserverSession({
      program: () => Promise.resolve(fake(mode())),
      containerRunning: () => Promise.resolve(running()),
      onStatus: (status) => statuses.push(status.kind),
      startTimeoutMs: 1500,
      now: () => now,
    });
    return { observer, statuses, later: (ms: number) => { now += ms; } };
  }

  it('says the node is not up, and connected once it answers', async () => {
    const notUp = session(() => 'not-up', () => true);
    try {
      assert.equal(await notUp.observer.request({ op: 'overview' }), undefined);
      assert.deepEqual(notUp.statuses, ['not-up']);
    } finally {
      notUp.observer.dispose();
    }
    const up = session(() => 'ok', () => true);
    try {
      assert.equal(await up.observer.request({ op: 'overview' }), 'overview');
      assert.deepEqual(up.statuses, ['connected']);
    } finally {
      up.observer.dispose();
    }
  });

  it('names a refused connection (another cookie)', async () => {
    const { observer } = session(() => 'refused', () => true);
    try {
      assert.equal(await observer.request({ op: 'overview' }), undefined);
      assert.equal(observer.current.kind, 'refused');
    } finally {
      observer.dispose();
    }
  });

  it('says the container stopped, and starts a helper again once it runs', async () => {
    let running = false;
    const { observer, statuses, later } = session(() => 'ok', () => running);
    try {
      assert.equal(await observer.request({ op: 'overview' }), undefined);
      assert.equal(observer.current.kind, 'container-stopped');
      running = true;
      assert.equal(await observer.request({ op: 'overview' }), undefined, 'not at once: it waits a moment before trying again');
      later(5000);
      assert.equal(await observer.request({ op: 'overview' }), 'overview');
      assert.deepEqual(statuses, ['container-stopped', 'connected']);
    } finally {
      observer.dispose();
    }
  });

  it('starts the helper again after it ended with a running container (the node restarted)', async () => {
    let mode = 'exit';
    const { observer, statuses } = session(() => mode, () => true);
    try {
      assert.equal(await observer.request({ op: 'overview' }), 'overview');
      await new Promise((resolve) => setTimeout(resolve, 300));
      mode = 'ok';
      // The ended helper is noticed and replaced without a pause: it had worked.
      const answer = await observer.request({ op: 'ets' }) ?? await observer.request({ op: 'ets' });
      assert.equal(answer, 'ets');
      assert.equal(statuses[0], 'connected');
      assert.equal(statuses[statuses.length - 1], 'connected');
    } finally {
      observer.dispose();
    }
  });

  it('reports a helper that cannot start, with what it printed', async () => {
    const { observer } = session(() => 'silent', () => true);
    try {
      assert.equal(await observer.request({ op: 'overview' }), undefined);
      const status = observer.current;
      assert.ok(status.kind === 'failed' && /did not start/.test(status.detail), JSON.stringify(status));
    } finally {
      observer.dispose();
    }
  });
});
