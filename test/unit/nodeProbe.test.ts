import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROBE_COOKIE_VARIABLE, PROBE_NODE_VARIABLE, nodeProbeArgv, parseNodeProbe, releaseProbeArgv } from '../../src/core/nodeProbe';

describe('nodeProbeArgv', () => {
  it('probes a short-name node under a short name, with the node and deadline as arguments', () => {
    const argv = nodeProbeArgv('hello_phoenix@hello-phoenix', 'sname', 'probe_1a2b', 10_000, true);
    assert.equal(argv.command, 'elixir');
    assert.deepEqual(argv.args.slice(0, 6), ['--sname', 'probe_1a2b', '--cookie', 'phoenix_probe', '--erl', '-hidden']);
    assert.deepEqual(argv.args.slice(-2), ['hello_phoenix@hello-phoenix', '10000']);
  });

  it('gives the probe the node\'s host part when the node uses long names', () => {
    const argv = nodeProbeArgv('app@172.40.0.2', 'name', 'probe_1', 2500.4, true);
    assert.deepEqual(argv.args.slice(0, 2), ['--name', 'probe_1@172.40.0.2']);
    assert.equal(argv.args[argv.args.length - 1], '2500');
  });

  it('never carries the real cookie: the code reads it from the environment', () => {
    const argv = nodeProbeArgv('a@b', 'sname', 'p', 1000, true);
    const code = argv.args[argv.args.indexOf('-e') + 1] ?? '';
    assert.match(code, new RegExp(`System\\.get_env\\("${PROBE_COOKIE_VARIABLE}"\\)`));
  });

  it('leaves the cookie to ~/.erlang.cookie when the node reads it from there', () => {
    assert.deepEqual(nodeProbeArgv('a@b', 'sname', 'p', 1000, false).args.slice(0, 4), ['--sname', 'p', '--erl', '-hidden']);
  });

  it('asks a release through its own script, then its epmd when the node does not answer', () => {
    const probe = releaseProbeArgv({ name: 'hello_phoenix', root: '/app/' });
    assert.deepEqual(probe.ping, { command: '/app/bin/hello_phoenix', args: ['rpc', 'IO.puts("answered")'] });
    assert.equal(probe.registration.command, '/app/bin/hello_phoenix');
    assert.equal(probe.registration.args[0], 'eval');
    // The node's name comes from the environment, never from the code.
    assert.match(probe.registration.args[1] ?? '', new RegExp(`System\\.fetch_env!\\("${PROBE_NODE_VARIABLE}"\\)`));
  });
});

describe('parseNodeProbe', () => {
  it('reads the outcome from the last line', () => {
    assert.equal(parseNodeProbe('answered\n'), 'answered');
    assert.equal(parseNodeProbe('\n02:00:35 [error] ** Connection attempt rejected **\nrefused\n'), 'refused');
    assert.equal(parseNodeProbe('unregistered'), 'unregistered');
  });

  it('is undefined when the probe could not run', () => {
    assert.equal(parseNodeProbe('OCI runtime exec failed: exec: "elixir": executable file not found in $PATH'), undefined);
    assert.equal(parseNodeProbe(''), undefined);
  });
});
