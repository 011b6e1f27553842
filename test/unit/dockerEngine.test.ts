import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DockerEngine, type DockerHostSetting } from '../../src/docker/engine';

/** `phoenix.dockerHost` as the Settings module gives it: a value, and changes the test makes. */
class FakeSetting implements DockerHostSetting {
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();
  constructor(public dockerHost: string) {}

  onDidChange(listener: (changed: ReadonlySet<string>) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  change(key: string, value: string): void {
    if (key === 'dockerHost') this.dockerHost = value;
    for (const listener of this.listeners) listener(new Set([key]));
  }

  get followed(): number {
    return this.listeners.size;
  }
}

const socket = (name: string): string => join(tmpdir(), `phx-engine-test-${process.pid}-${name}.sock`);

/** Where the engine tried to connect: the socket named in its error (nothing listens on these). */
async function socketTried(engine: DockerEngine): Promise<string> {
  const error = await engine.ping().then(() => assert.fail('nothing should answer'), (caught: unknown) => caught);
  return String(error instanceof Error ? error.message : error);
}

describe('DockerEngine and phoenix.dockerHost', () => {
  it('connects to the engine the setting names, and anew when it changes, telling its followers once', async () => {
    const setting = new FakeSetting(`unix://${socket('first')}`);
    const engine = new DockerEngine(setting);
    let changes = 0;
    engine.onDidChangeEngine(() => { changes += 1; });
    assert.match(await socketTried(engine), /first\.sock/);

    setting.change('composeCommand', 'docker-compose');
    assert.equal(changes, 0, 'another setting changes nothing');
    setting.change('dockerHost', `unix://${socket('second')}`);
    assert.equal(changes, 1);
    assert.match(await socketTried(engine), /second\.sock/);
    assert.equal(await engine.host(), `unix://${socket('second')}`);

    engine.dispose();
    assert.equal(setting.followed, 0, 'disposed, it follows the setting no more');
  });

  it('keeps its connection until told otherwise: Refresh connects anew and tells its followers too', async () => {
    const setting = { dockerHost: `unix://${socket('kept')}` };
    const engine = new DockerEngine(setting);
    let changes = 0;
    engine.onDidChangeEngine(() => { changes += 1; });
    assert.match(await socketTried(engine), /kept\.sock/);
    setting.dockerHost = `unix://${socket('unfollowed')}`;
    assert.match(await socketTried(engine), /kept\.sock/, 'a fixed setting is not read again');
    engine.reconnect();
    assert.equal(changes, 1);
    assert.match(await socketTried(engine), /unfollowed\.sock/);
  });
});
