import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { ContainerEvent } from '../../src/core/containerEvents';
import { ComposeEventsWatcher, type ComposeChange, type ComposeEventSource } from '../../src/docker/composeEventsWatcher';

/** An engine whose event stream the test opens, feeds and ends, or that does not answer. */
class FakeEngine implements ComposeEventSource {
  answering = true;
  attempts = 0;
  private stream: { emit: (event: ContainerEvent) => void; end: () => void } | undefined;

  watchComposeEvents(onEvent: (event: ContainerEvent) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    this.attempts += 1;
    if (!this.answering) return Promise.reject(new Error('connect ENOENT /var/run/docker.sock'));
    onOpen?.();
    return new Promise((resolve) => {
      const end = (): void => {
        this.stream = undefined;
        resolve();
      };
      this.stream = { emit: onEvent, end };
      signal.addEventListener('abort', end, { once: true });
    });
  }

  get open(): boolean {
    return this.stream !== undefined;
  }

  emit(project: string, action = 'die'): void {
    this.stream?.emit({ action, containerId: `${project}-1`, project, service: 'app' });
  }

  end(): void {
    this.stream?.end();
  }
}

function record(watcher: ComposeEventsWatcher): { changes: (string[] | 'all')[]; connections: boolean[] } {
  const seen = { changes: [] as (string[] | 'all')[], connections: [] as boolean[] };
  watcher.onChange((change: ComposeChange) => { seen.changes.push(change === undefined ? 'all' : [...change].sort()); });
  watcher.onConnectionChange((connected) => { seen.connections.push(connected); });
  return seen;
}

async function until(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('ComposeEventsWatcher', () => {
  it('says everything may have changed once the stream opens, then gathers a burst into one change', async () => {
    const engine = new FakeEngine();
    const watcher = new ComposeEventsWatcher(engine, { debounceMs: 30 });
    const seen = record(watcher);
    watcher.start();
    await until(() => seen.changes.length === 1, 'the first change');
    assert.deepEqual(seen.changes, ['all']);
    assert.deepEqual(seen.connections, [true]);

    engine.emit('shop', 'kill');
    engine.emit('shop', 'die');
    engine.emit('blog', 'stop');
    await until(() => seen.changes.length === 2, 'the burst');
    assert.deepEqual(seen.changes[1], ['blog', 'shop']);
    await sleep(60);
    assert.equal(seen.changes.length, 2, 'one notification for the burst');
    watcher.stop();
  });

  it('stops following and forgets pending events when stopped', async () => {
    const engine = new FakeEngine();
    const watcher = new ComposeEventsWatcher(engine, { debounceMs: 30 });
    const seen = record(watcher);
    watcher.start();
    await until(() => seen.changes.length === 1, 'the first change');
    engine.emit('shop');
    watcher.stop();
    assert.equal(engine.open, false, 'the stream is closed');
    await sleep(60);
    assert.equal(seen.changes.length, 1, 'no change after stop');
    assert.equal(engine.attempts, 1);
    // Stopped, it forgot the engine answered: started again, it says so anew.
    watcher.start();
    await until(() => seen.connections.length === 2, 'the engine to answer again');
    assert.deepEqual(seen.connections, [true, true]);
    watcher.stop();
  });

  it('retries with growing waits while the engine does not answer, and recovers by itself', async () => {
    const engine = new FakeEngine();
    engine.answering = false;
    const watcher = new ComposeEventsWatcher(engine, { debounceMs: 10, retryDelaysMs: [20, 40, 80] });
    const seen = record(watcher);
    const started = Date.now();
    watcher.start();
    await until(() => engine.attempts >= 4, 'four attempts');
    // 20 + 40 + 80 between the four attempts.
    assert.ok(Date.now() - started >= 130, `waited ${Date.now() - started} ms`);
    assert.deepEqual(seen.connections, [false]);
    assert.deepEqual(seen.changes, ['all']);

    engine.answering = true;
    await until(() => seen.connections.at(-1) === true, 'the engine to answer again', 1000);
    await until(() => seen.changes.length === 2, 'the change after reconnecting');
    assert.deepEqual(seen.connections, [false, true]);
    assert.deepEqual(seen.changes, ['all', 'all']);
    watcher.stop();
  });

  it('tries again at once when asked, instead of at the end of its wait', async () => {
    const engine = new FakeEngine();
    engine.answering = false;
    const watcher = new ComposeEventsWatcher(engine, { retryDelaysMs: [60_000] });
    const seen = record(watcher);
    watcher.start();
    await until(() => engine.attempts === 1, 'the first attempt');
    engine.answering = true;
    watcher.retryNow();
    await until(() => seen.connections.at(-1) === true, 'the retry');
    watcher.stop();
  });

  it('reconnects when the stream ends, and reports the engine gone when it does not answer', async () => {
    const engine = new FakeEngine();
    const watcher = new ComposeEventsWatcher(engine, { debounceMs: 10, retryDelaysMs: [20] });
    const seen = record(watcher);
    watcher.start();
    await until(() => seen.changes.length === 1, 'the first change');
    engine.answering = false;
    engine.end();
    await until(() => seen.connections.at(-1) === false, 'the engine to be gone');
    await until(() => seen.changes.length === 2, 'the change it makes');
    engine.answering = true;
    await until(() => seen.connections.at(-1) === true && engine.open, 'the stream to open again');
    assert.deepEqual(seen.connections, [true, false, true]);
    watcher.stop();
  });

  it('does not reopen a stream that keeps ending at once in a tight loop', async () => {
    const engine = new FakeEngine();
    const watcher = new ComposeEventsWatcher(engine, { retryDelaysMs: [50] });
    watcher.start();
    await until(() => engine.open, 'the stream');
    for (let i = 0; i < 3; i += 1) {
      engine.end();
      await sleep(5);
    }
    assert.ok(engine.attempts <= 2, `${engine.attempts} attempts within 15 ms`);
    watcher.stop();
  });
});
