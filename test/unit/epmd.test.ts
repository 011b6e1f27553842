import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EPMD_KILL_REQUEST, EPMD_NAMES_REQUEST, epmdPort, parseEpmdNames } from '../../src/core/epmd';

describe('epmd requests', () => {
  it('are a 2-byte length and the request code', () => {
    assert.deepEqual([...EPMD_NAMES_REQUEST], [0, 1, 110]);
    assert.deepEqual([...EPMD_KILL_REQUEST], [0, 1, 107]);
  });

  it('go to ERL_EPMD_PORT when it is a port, else to 4369', () => {
    assert.equal(epmdPort({}), 4369);
    assert.equal(epmdPort({ ERL_EPMD_PORT: '4370' }), 4370);
    for (const bad of ['', 'x', '0', '70000', '43.5']) assert.equal(epmdPort({ ERL_EPMD_PORT: bad }), 4369, bad);
  });
});

describe('parseEpmdNames', () => {
  const answer = (text: string) => Buffer.concat([Buffer.from([0, 0, 0x11, 0x11]), Buffer.from(text)]);

  it('reads the registered names after epmd\'s port', () => {
    assert.deepEqual(parseEpmdNames(answer('name iex_1f2e at port 40123\nname hello_phoenix at port 39001\n')), ['iex_1f2e', 'hello_phoenix']);
  });

  it('is empty when no node is registered, and undefined for an answer that is not epmd\'s', () => {
    assert.deepEqual(parseEpmdNames(answer('')), []);
    assert.equal(parseEpmdNames(Buffer.from([0, 0])), undefined);
  });
});
