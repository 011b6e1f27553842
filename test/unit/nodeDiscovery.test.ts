import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverNode, erlangNodeName, splitShellWords, type ContainerFacts, type NodeDiscovery } from '../../src/core/node';
import { LABELS } from '../../src/core/scaffold';

function facts(overrides: Partial<ContainerFacts>): ContainerFacts {
  return { labels: {}, entrypoint: [], cmd: [], env: [], hostname: 'c0ffee123456', ...overrides };
}

function found(discovery: NodeDiscovery): NodeDiscovery & { kind: 'found' } {
  if (discovery.kind !== 'found') assert.fail(discovery.advice);
  return discovery;
}

function advice(discovery: NodeDiscovery): string {
  if (discovery.kind !== 'not-distributed') assert.fail(`found ${discovery.node}`);
  return discovery.advice;
}

/** beam.smp's argv for `bin/hello_phoenix start` of an Elixir 1.14 release, as /proc/PID/cmdline shows it. */
const RELEASE_BEAM_ARGS = [
  '/app/erts-13.1.5/bin/beam.smp', '--', '-root', '/app', '-bindir', '/app/erts-13.1.5/bin', '-progname', 'erl', '--', '-home', '/home/app', '--',
  '-noshell', '-s', 'elixir', 'start_cli', '-mode', 'embedded', '-setcookie', 'RFDAQJUHFO5D4UUPGKVRF4YPI65VR346IFVYEIV63HCG2A2NYJNQ====',
  '-sname', 'hello_phoenix', '-config', '/app/releases/0.1.0/sys', '-boot', '/app/releases/0.1.0/start', '-boot_var', 'RELEASE_LIB', '/app/lib',
  '--', '-extra', '--no-halt',
];

describe('splitShellWords', () => {
  it('removes quotes and keeps quoted spaces in one word', () => {
    assert.deepEqual(splitShellWords(`elixir --sname 'my app' --cookie "a b" -S mix phx.server`), ['elixir', '--sname', 'my app', '--cookie', 'a b', '-S', 'mix', 'phx.server']);
    assert.deepEqual(splitShellWords(`a"b"'c'd "" ''`), ['abcd', '', '']);
  });

  it('handles backslashes as sh does, inside and outside double quotes', () => {
    assert.deepEqual(splitShellWords(String.raw`a\ b "c\"d\\e\x" 'f\g'`), ['a b', 'c"d\\e\\x', 'f\\g']);
    assert.deepEqual(splitShellWords('exec elixir \\\n  --sname app'), ['exec', 'elixir', '--sname', 'app']);
  });

  it('keeps a substitution whole, quotes inside it included (phx.gen.release\'s bin/server)', () => {
    assert.deepEqual(splitShellWords('cd -P -- "$(dirname -- "$0")"\nPHX_SERVER=true exec ./hello_phoenix start'), [
      'cd', '-P', '--', '$(dirname -- "$0")', 'PHX_SERVER=true', 'exec', './hello_phoenix', 'start',
    ]);
    assert.deepEqual(splitShellWords('--name app@$(hostname -i) --cookie ${C:-a b} `cat x`'), ['--name', 'app@$(hostname -i)', '--cookie', '${C:-a b}', '`cat x`']);
  });

  it('makes control operators and redirections words of their own', () => {
    assert.deepEqual(splitShellWords('mix ecto.migrate&&exec elixir --sname app;echo done >log 2>&1 | cat'), [
      'mix', 'ecto.migrate', '&&', 'exec', 'elixir', '--sname', 'app', ';', 'echo', 'done', '>', 'log', '2', '>&', '1', '|', 'cat',
    ]);
  });

  it('drops comments but not a # inside a word', () => {
    assert.deepEqual(splitShellWords('# --sname fake\nelixir --cookie a#b # --name fake'), ['elixir', '--cookie', 'a#b']);
  });

  it('takes an unterminated quote to the end instead of failing', () => {
    assert.deepEqual(splitShellWords(`elixir --cookie 'abc`), ['elixir', '--cookie', 'abc']);
    assert.deepEqual(splitShellWords('x "$(a'), ['x', '$(a']);
    assert.deepEqual(splitShellWords(''), []);
  });
});

describe('discoverNode: the extension\'s own dev container', () => {
  const own = facts({
    labels: { [LABELS.role]: 'app', [LABELS.app]: 'hello_phoenix', [LABELS.nodeName]: 'hello_phoenix@hello-phoenix', [LABELS.nodeMode]: 'sname', [LABELS.httpPort]: '4000' },
    cmd: ['sh', '/app/.devcontainer/entrypoint.sh'],
    env: ['MIX_ENV=dev', 'NODE_NAME=hello_phoenix@hello-phoenix', 'ERLANG_COOKIE=0123456789abcdef0123456789abcdef', 'PATH=/usr/local/bin:/usr/bin:/bin'],
    hostname: 'hello-phoenix',
  });

  it('reads the node from the labels and the cookie from ERLANG_COOKIE', () => {
    assert.deepEqual(discoverNode(own), {
      kind: 'found', node: 'hello_phoenix@hello-phoenix', mode: 'sname', cookie: { kind: 'value', value: '0123456789abcdef0123456789abcdef' }, release: undefined, source: 'labels',
    });
  });

  it('reads a long name on a fixed subnet, and infers the mode when its label is missing', () => {
    const labels = { [LABELS.nodeName]: 'hello_phoenix@172.40.0.2', [LABELS.nodeMode]: 'name' };
    assert.equal(found(discoverNode({ ...own, labels })).mode, 'name');
    assert.equal(found(discoverNode({ ...own, labels: { [LABELS.nodeName]: 'hello_phoenix@172.40.0.2' } })).mode, 'name');
    assert.equal(found(discoverNode({ ...own, labels: { [LABELS.nodeName]: 'hello_phoenix@hello-phoenix', [LABELS.nodeMode]: 'bogus' } })).mode, 'sname');
  });

  it('lets the labels win over the command', () => {
    const node = found(discoverNode({ ...own, cmd: ['elixir', '--sname', 'other', '-S', 'mix', 'phx.server'] }));
    assert.equal(node.node, 'hello_phoenix@hello-phoenix');
    assert.equal(node.source, 'labels');
  });

  it('without ERLANG_COOKIE, says the node reads the home cookie file', () => {
    assert.deepEqual(found(discoverNode({ ...own, env: ['NODE_NAME=hello_phoenix@hello-phoenix'] })).cookie, { kind: 'home-file' });
  });
});

describe('discoverNode: the command', () => {
  it('reads elixir --sname app --cookie c -S mix phx.server and completes the short name with the hostname', () => {
    assert.deepEqual(discoverNode(facts({ cmd: ['elixir', '--sname', 'app', '--cookie', 'c', '-S', 'mix', 'phx.server'] })), {
      kind: 'found', node: 'app@c0ffee123456', mode: 'sname', cookie: { kind: 'value', value: 'c' }, release: undefined, source: 'command',
    });
  });

  it('reads iex --name a@172.40.0.2 --cookie c -S mix phx.server', () => {
    const node = found(discoverNode(facts({ cmd: ['iex', '--name', 'a@172.40.0.2', '--cookie', 'c', '-S', 'mix', 'phx.server'] })));
    assert.deepEqual([node.node, node.mode, node.cookie], ['a@172.40.0.2', 'name', { kind: 'value', value: 'c' }]);
  });

  it('reads erl-style -sname and -setcookie, after an init entrypoint', () => {
    const node = found(discoverNode(facts({ entrypoint: ['/usr/bin/tini', '--'], cmd: ['erl', '-sname', 'worker', '-setcookie', 'secret', '-noshell'] })));
    assert.deepEqual([node.node, node.cookie], ['worker@c0ffee123456', { kind: 'value', value: 'secret' }]);
  });

  it('looks inside sh -c and bash -lc, resolving variables from the environment', () => {
    const shell = facts({
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['mix ecto.migrate && exec elixir --sname "$APP" --cookie "${COOKIE}" -S mix phx.server'],
      env: ['APP=web', 'COOKIE=s3cret'],
    });
    const node = found(discoverNode(shell));
    assert.deepEqual([node.node, node.cookie, node.source], ['web@c0ffee123456', { kind: 'value', value: 's3cret' }, 'command']);
    const bash = found(discoverNode(facts({ cmd: ['bash', '-lc', 'NAME=api@10.0.0.5; exec iex --name ${NAME} --cookie ${COOKIE:-dev_cookie} -S mix phx.server'] })));
    assert.deepEqual([bash.node, bash.mode, bash.cookie], ['api@10.0.0.5', 'name', { kind: 'value', value: 'dev_cookie' }]);
  });

  it('takes an exec-form argument literally: no shell expands its $', () => {
    assert.deepEqual(found(discoverNode(facts({ cmd: ['elixir', '--sname', 'app', '--cookie', 'a$b', '-S', 'mix', 'phx.server'] }))).cookie, { kind: 'value', value: 'a$b' });
  });

  it('prefers the command\'s cookie to ERLANG_COOKIE, and ignores one that erl would drop', () => {
    const env = ['ERLANG_COOKIE=from_env'];
    assert.deepEqual(found(discoverNode(facts({ cmd: ['elixir', '--sname', 'app', '--cookie', 'from_cmd'], env }))).cookie, { kind: 'value', value: 'from_cmd' });
    // erl takes "-x" for a flag, so the node runs with ~/.erlang.cookie.
    assert.deepEqual(found(discoverNode(facts({ cmd: ['elixir', '--sname', 'app', '--cookie', '-x'] }))).cookie, { kind: 'home-file' });
  });

  it('without a cookie anywhere, says the node reads the home cookie file; RELEASE_COOKIE does not apply to mix', () => {
    assert.deepEqual(found(discoverNode(facts({ cmd: ['elixir', '--sname', 'app', '-S', 'mix', 'phx.server'], env: ['RELEASE_COOKIE=unused'] }))).cookie, { kind: 'home-file' });
  });

  it('falls back to the process for a name computed at start, and takes its cookie from there too', () => {
    const computed = facts({ cmd: ['sh', '-c', 'exec elixir --name "app@$(hostname -i)" --cookie "$(cat /run/secrets/cookie)" -S mix phx.server'] });
    const text = advice(discoverNode(computed));
    assert.match(text, /app@\$\(hostname -i\)/);
    assert.match(text, /--name app/);
    const beamArgs = ['/usr/lib/erlang/erts-13.1.5/bin/beam.smp', '--', '-root', '/usr/lib/erlang', '--', '-noshell', '-s', 'elixir', 'start_cli', '-name', 'app@172.18.0.3', '-setcookie', 'from secrets', '-extra', '-S', 'mix', 'phx.server'];
    assert.deepEqual(discoverNode({ ...computed, beamArgs }), {
      kind: 'found', node: 'app@172.18.0.3', mode: 'name', cookie: { kind: 'value', value: 'from secrets' }, release: undefined, source: 'process',
    });
  });

  it('keeps node names with dots whole', () => {
    assert.equal(found(discoverNode(facts({ cmd: ['elixir', '--name', 'my.app@web.example.com', '-S', 'mix', 'phx.server'] }))).node, 'my.app@web.example.com');
  });
});

describe('discoverNode: host parts', () => {
  const cmd = (flag: string): string[] => ['elixir', flag, 'app', '-S', 'mix', 'phx.server'];

  it('completes a short name with the hostname up to its first dot, as Erlang does', () => {
    assert.equal(found(discoverNode(facts({ cmd: cmd('--sname'), hostname: 'web.example.test' }))).node, 'app@web');
  });

  it('completes a long name only with a fully qualified hostname, and leaves it bare otherwise', () => {
    assert.equal(found(discoverNode(facts({ cmd: cmd('--name'), hostname: 'web.example.test' }))).node, 'app@web.example.test');
    assert.equal(found(discoverNode(facts({ cmd: cmd('--name'), hostname: 'c0ffee123456' }))).node, 'app');
  });

  it('leaves a name bare when the hostname is unknown', () => {
    assert.equal(found(discoverNode(facts({ cmd: cmd('--sname'), hostname: '' }))).node, 'app');
  });
});

describe('discoverNode: releases', () => {
  it('reads phx.gen.release\'s bin/server with RELEASE_* in the environment', () => {
    const release = facts({
      cmd: ['/app/bin/server'],
      env: ['PATH=/usr/bin:/bin', 'MIX_ENV=prod', 'RELEASE_DISTRIBUTION=name', 'RELEASE_NODE=hello_phoenix@172.40.0.2', 'RELEASE_COOKIE=release-cookie'],
      workingDir: '/app',
    });
    assert.deepEqual(discoverNode(release), {
      kind: 'found', node: 'hello_phoenix@172.40.0.2', mode: 'name', cookie: { kind: 'value', value: 'release-cookie' }, release: { name: 'hello_phoenix', root: '/app' }, source: 'environment',
    });
  });

  it('defaults to a short name after the release, with the cookie from releases/COOKIE once read', () => {
    const release = facts({ cmd: ['/app/bin/hello_phoenix', 'start'] });
    assert.deepEqual(discoverNode(release), {
      kind: 'found', node: 'hello_phoenix@c0ffee123456', mode: 'sname', cookie: { kind: 'unknown' }, release: { name: 'hello_phoenix', root: '/app' }, source: 'environment',
    });
    assert.deepEqual(found(discoverNode({ ...release, releaseCookie: 'RFDAQJUHFO5D4UUP====\n' })).cookie, { kind: 'value', value: 'RFDAQJUHFO5D4UUP====' });
    assert.deepEqual(found(discoverNode({ ...release, releaseCookie: 'from-file', env: ['RELEASE_COOKIE=from-env'] })).cookie, { kind: 'value', value: 'from-env' });
    assert.equal(found(discoverNode({ ...release, env: ['RELEASE_NAME=renamed'] })).node, 'renamed@c0ffee123456');
  });

  it('resolves a relative release path against the working directory', () => {
    assert.deepEqual(found(discoverNode(facts({ cmd: ['bin/hello_phoenix', 'start_iex'], workingDir: '/srv/app' }))).release, { name: 'hello_phoenix', root: '/srv/app' });
    assert.deepEqual(found(discoverNode(facts({ cmd: ['./bin/hello_phoenix', 'daemon'] }))).release, { name: 'hello_phoenix', root: '/' });
  });

  it('finds the release a shell script starts after its migrations', () => {
    const node = found(discoverNode(facts({ cmd: ['sh', '-c', '/app/bin/hello_phoenix eval "HelloPhoenix.Release.migrate" && RELEASE_NODE=web exec /app/bin/hello_phoenix start'] })));
    assert.deepEqual([node.node, node.release], ['web@c0ffee123456', { name: 'hello_phoenix', root: '/app' }]);
  });

  it('names bin/server\'s release after the node its process runs', () => {
    const server = facts({ cmd: ['/app/bin/server'], env: ['MIX_ENV=prod'] });
    assert.match(advice(discoverNode(server)), /RELEASE_NODE/);
    assert.deepEqual(discoverNode({ ...server, beamArgs: RELEASE_BEAM_ARGS }), {
      kind: 'found',
      node: 'hello_phoenix@c0ffee123456',
      mode: 'sname',
      cookie: { kind: 'value', value: 'RFDAQJUHFO5D4UUPGKVRF4YPI65VR346IFVYEIV63HCG2A2NYJNQ====' },
      release: { name: 'hello_phoenix', root: '/app' },
      source: 'process',
    });
  });

  it('recognises a release from its process alone', () => {
    const node = found(discoverNode(facts({ cmd: ['/docker-entrypoint.sh'], beamArgs: RELEASE_BEAM_ARGS })));
    assert.deepEqual([node.source, node.release], ['process', { name: 'hello_phoenix', root: '/app' }]);
  });

  it('says how to distribute a release that runs with RELEASE_DISTRIBUTION=none or an invalid value', () => {
    assert.match(advice(discoverNode(facts({ cmd: ['/app/bin/server'], env: ['RELEASE_DISTRIBUTION=none'] }))), /RELEASE_DISTRIBUTION=sname/);
    assert.match(advice(discoverNode(facts({ cmd: ['/app/bin/server'], env: ['RELEASE_DISTRIBUTION=long'] }))), /"long".*RELEASE_DISTRIBUTION=sname/);
  });

  it('does not take a release command that runs once for a running release', () => {
    assert.equal(discoverNode(facts({ cmd: ['/app/bin/hello_phoenix', 'eval', 'IO.puts(1)'] })).kind, 'not-distributed');
  });
});

describe('discoverNode: no distribution', () => {
  it('says exactly how to start mix phx.server as a node', () => {
    assert.match(advice(discoverNode(facts({ cmd: ['mix', 'phx.server'] }))), /"elixir --sname app -S mix phx\.server"/);
    assert.match(advice(discoverNode(facts({ cmd: ['sh', '-c', 'mix deps.get; iex -S mix phx.server && echo done'] }))), /"iex --sname app -S mix phx\.server"/);
    assert.match(advice(discoverNode(facts({ cmd: ['iex', '-S', 'mix', 'phx.server'] }))), /"iex --sname app -S mix phx\.server"/);
  });

  it('reads the process of a node started by a script it cannot see', () => {
    const beamArgs = ['beam.smp', '--', '-root', '/usr/lib/erlang', '--', '-sname', 'app', '-extra', '--sname', 'fake'];
    const node = found(discoverNode(facts({ cmd: ['/entrypoint.sh'], beamArgs })));
    assert.deepEqual([node.node, node.cookie, node.release], ['app@c0ffee123456', { kind: 'home-file' }, undefined]);
    // After -extra come the program's own arguments, not the node's.
    assert.equal(discoverNode(facts({ beamArgs: ['beam.smp', '-extra', '--sname', 'fake', '-sname', 'fake'] })).kind, 'not-distributed');
  });

  it('survives malformed input', () => {
    assert.match(advice(discoverNode(facts({}))), /--sname/);
    assert.equal(discoverNode(facts({ cmd: ['elixir', '-S', 'mix', 'phx.server', '--sname'] })).kind, 'not-distributed');
    assert.equal(discoverNode(facts({ cmd: ['sh', '-c'] })).kind, 'not-distributed');
    assert.equal(discoverNode(facts({ beamArgs: ['-sname'] })).kind, 'not-distributed');
    const garbage = facts({ cmd: ['elixir', '--sname', 'app'], env: ['garbage', '=nameless', '', 'ERLANG_COOKIE', 'ERLANG_COOKIE=', 'X=1=2'] });
    assert.deepEqual(found(discoverNode(garbage)).cookie, { kind: 'home-file' });
    assert.deepEqual(found(discoverNode(facts({ cmd: ['sh', '-c', 'elixir --sname $X --cookie $Y'], env: ['X=1=2', 'Y=a=b'] }))).cookie, { kind: 'value', value: 'a=b' });
  });

  it('reads a sh -c script of a million words (spread as arguments, its words overflowed the call stack)', () => {
    const script = `${'x '.repeat(1_000_000)}exec elixir --sname app -S mix phx.server`;
    assert.equal(found(discoverNode(facts({ cmd: ['sh', '-c', script] }))).node, 'app@c0ffee123456');
  });
});

describe('erlangNodeName: the node the view shows is the one Attach finds', () => {
  /** What Docker's container list says of a container whose argv is `argv`: one line. */
  const listed = (argv: readonly string[], labels: Readonly<Record<string, string>> = {}): { labels: Readonly<Record<string, string>>; command: string } => ({ labels, command: argv.join(' ') });
  const inspected = (argv: readonly string[], labels: Readonly<Record<string, string>> = {}): ContainerFacts => facts({ cmd: argv, labels, hostname: '' });

  it('names the same node from the list as from the inspected container', () => {
    const cases: { argv: string[]; labels?: Record<string, string> }[] = [
      { argv: ['sh', '/app/.devcontainer/entrypoint.sh'], labels: { [LABELS.nodeName]: 'hello_phoenix@hello-phoenix', [LABELS.nodeMode]: 'sname' } },
      { argv: ['elixir', '--sname', 'app', '--cookie', 'c', '-S', 'mix', 'phx.server'] },
      { argv: ['/usr/local/bin/iex', '--name', 'a@172.40.0.2', '-S', 'mix'] },
      { argv: ['/usr/bin/tini', '--', 'erl', '-sname', 'worker', '-noshell'] },
      { argv: ['/app/bin/hello_phoenix', 'start'] },
    ];
    for (const { argv, labels } of cases) {
      const discovery = found(discoverNode(inspected(argv, labels)));
      assert.equal(erlangNodeName(listed(argv, labels)), discovery.node, argv.join(' '));
    }
  });

  it('finds no node where Attach finds none: another program\'s --name, a flag after the node flag, no name', () => {
    for (const argv of [['postgres', '--name', 'db'], ['elixir', '--sname', '--cookie', 'x'], ['mix', 'phx.server'], ['elixir', '-S', 'mix', 'phx.server', '--sname']]) {
      assert.equal(erlangNodeName(listed(argv)), undefined, argv.join(' '));
      assert.equal(discoverNode(inspected(argv)).kind, 'not-distributed', argv.join(' '));
    }
  });
});
