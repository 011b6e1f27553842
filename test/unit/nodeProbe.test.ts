import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { PROBE_NODE_VARIABLE, nodeProbeCommand, parseNodeProbe, releaseProbeArgv } from '../../src/core/nodeProbe';
import type { CookieSource } from '../../src/core/node';

const COOKIE = 'a7f3c9e1b2d4';
const LOOPBACK = ['--erl', '-kernel inet_dist_use_interface {127,0,0,1}'];

function probe(overrides: { node?: string; mode?: 'sname' | 'name'; cookie?: CookieSource; waitMs?: number; containerEnv?: string[] } = {}) {
  return nodeProbeCommand({
    node: overrides.node ?? 'hello_phoenix@hello-phoenix',
    mode: overrides.mode ?? 'sname',
    cookie: overrides.cookie ?? { kind: 'value', value: COOKIE },
    probeName: 'probe_1a2b',
    waitMs: overrides.waitMs ?? 10_000,
    containerEnv: overrides.containerEnv ?? [`ERLANG_COOKIE=${COOKIE}`, 'MIX_ENV=dev'],
  });
}

/** The elixir command the wrapper runs, after `sh -c <script> sh <session>`. */
function elixirArgv(argv: readonly string[]): readonly string[] {
  return argv.slice(argv.indexOf('elixir'));
}

describe('nodeProbeCommand', () => {
  it('probes a short-name node under a short name, hidden, on loopback, with the node and deadline as arguments', () => {
    const elixir = elixirArgv(probe().argv);
    assert.deepEqual(elixir.slice(0, 7), ['elixir', '--sname', 'probe_1a2b', '--hidden', ...LOOPBACK, '-e']);
    assert.deepEqual(elixir.slice(-2), ['hello_phoenix@hello-phoenix', '10000']);
  });

  it('gives the probe the node\'s host part when the node uses long names', () => {
    const elixir = elixirArgv(probe({ node: 'app@172.40.0.2', mode: 'name', waitMs: 2500.4 }).argv);
    assert.deepEqual(elixir.slice(1, 3), ['--name', 'probe_1a2b@172.40.0.2']);
    assert.equal(elixir[elixir.length - 1], '2500');
  });

  it('has no cookie of its own: the node\'s, in a private ~/.erlang.cookie, on no command line and in no variable the VM keeps', () => {
    const { argv, env } = probe();
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.deepEqual(argv.slice(3, 6), ['sh', 'probe_1a2b', 'elixir']);
    assert.ok(!argv.includes('--cookie') && !argv.includes('-setcookie'), 'no --cookie: none that could be guessed, and not the real one');
    assert.ok(!argv.some((arg) => arg.includes(COOKIE)), 'the cookie is on no command line');
    assert.ok(!(argv[2] ?? '').includes('phoenix_probe'));
    // The wrapper's variable, which it unsets before elixir starts, and the container's copy emptied.
    assert.deepEqual(env, [`PHOENIX_IEX_COOKIE=${COOKIE}`, 'ERLANG_COOKIE=']);
  });

  it('leaves the cookie to ~/.erlang.cookie when the node reads it from there', () => {
    for (const cookie of [{ kind: 'home-file' }, { kind: 'unknown' }, { kind: 'value', value: '-x' }] as const) {
      const { argv, env } = probe({ cookie });
      assert.deepEqual(argv.slice(0, 6), ['elixir', '--sname', 'probe_1a2b', '--hidden', ...LOOPBACK]);
      assert.deepEqual(env, []);
    }
  });

  it('binds distribution to loopback in a form the elixir script really passes on to the VM', { skip: !hasElixir() }, () => {
    // No name: the VM starts no distribution (nor epmd), and shows the kernel setting it got.
    const elixir = elixirArgv(probe().argv);
    const flags = elixir.slice(elixir.indexOf('--hidden'), elixir.indexOf('-e'));
    const seen = execFileSync('elixir', [...flags, '-e', 'IO.inspect(Application.get_env(:kernel, :inet_dist_use_interface))'], { encoding: 'utf8' });
    assert.equal(seen.trim(), '{127, 0, 0, 1}');
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

function hasElixir(): boolean {
  try {
    execFileSync('elixir', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
