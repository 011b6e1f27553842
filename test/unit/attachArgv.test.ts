import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attachingNodeName, chooseAttachCommand, containerAttachArgv, discoverNode, endSessionArgv, hostAttachArgv, terminalName, type AttachModeSetting, type NodeDiscovery } from '../../src/core/node';
import { LABELS } from '../../src/core/scaffold';

type Found = NodeDiscovery & { kind: 'found' };

function node(overrides: Partial<Found>): Found {
  return { kind: 'found', node: 'app@hello-phoenix', mode: 'sname', cookie: { kind: 'value', value: 'c' }, release: undefined, source: 'labels', ...overrides };
}

const NASTY_COOKIE = `a'b"c $(rm -rf /) ;|&`;
const LOOPBACK = ['--erl', '-kernel inet_dist_use_interface {127,0,0,1}'];

/** The fixed script that puts the cookie in a private ~/.erlang.cookie, then runs the rest of its arguments. */
function privateCookieScript(args: readonly string[]): string {
  const script = args[args.indexOf('-c') + 1];
  assert.ok(script !== undefined);
  return script;
}

describe('containerAttachArgv', () => {
  const attach = (found: Found, containerEnv: readonly string[] = []) => containerAttachArgv({ docker: 'docker', container: 'proj-app-1', containerEnv, node: found, uniqueName: 'iex_1f2e' });

  it('starts a hidden iex with a short name inside the container, the cookie in its environment only', () => {
    const argv = attach(node({}));
    assert.deepEqual(argv, {
      command: 'docker',
      args: ['exec', '-it', '-e', 'PHOENIX_IEX_COOKIE', 'proj-app-1', 'sh', '-c', privateCookieScript(argv.args), 'sh', 'iex_1f2e', 'iex', ...LOOPBACK, '--hidden', '--sname', 'iex_1f2e', '--remsh', 'app@hello-phoenix'],
      env: { PHOENIX_IEX_COOKIE: 'c' },
    });
    assert.ok(!argv.args.includes('--cookie'), 'iex gets no --cookie, which would put it on the VM\'s command line');
  });

  it('empties the container\'s own variables that hold the cookie, so that iex\'s VM does not inherit them', () => {
    const argv = attach(node({ cookie: { kind: 'value', value: NASTY_COOKIE } }), [`ERLANG_COOKIE=${NASTY_COOKIE}`, 'PATH=/usr/bin', `OTHER=${NASTY_COOKIE}x`, `=${NASTY_COOKIE}`]);
    assert.deepEqual(argv.args.slice(0, 7), ['exec', '-it', '-e', 'PHOENIX_IEX_COOKIE', '-e', 'ERLANG_COOKIE=', 'proj-app-1']);
    assert.ok(!argv.args.some((arg) => arg.includes(NASTY_COOKIE)), 'the cookie is on no command line');
  });

  it('hands the cookie over in a private home folder, with no value of its own in the script', () => {
    const script = privateCookieScript(attach(node({})).args);
    assert.match(script, /umask 077; printf '%s' "\$PHOENIX_IEX_COOKIE" > "\$home\/\.erlang\.cookie"/);
    assert.match(script, /mkdir -m 700 "\$home"/);
    assert.match(script, /export HOME="\$home"\nexec "\$@"$/);
    assert.equal(privateCookieScript(attach(node({ cookie: { kind: 'value', value: NASTY_COOKIE } })).args), script);
  });

  it('runs the program with the cookie only in its private ~/.erlang.cookie, as sh really runs the script', { skip: process.platform === 'win32' }, () => {
    const session = attachingNodeName(randomBytes(4).toString('hex'));
    const argv = containerAttachArgv({ docker: 'docker', container: 'c', containerEnv: [], node: node({ cookie: { kind: 'value', value: NASTY_COOKIE } }), uniqueName: session });
    const script = privateCookieScript(argv.args);
    // In place of iex: what the program sees.
    const program = ['sh', '-c', 'printf "%s|%s|%s" "$HOME" "$(cat "$HOME/.erlang.cookie")" "${PHOENIX_IEX_COOKIE-unset} "; stat -c %a "$HOME" "$HOME/.erlang.cookie" | tr "\\n" " "'];
    const home = mkdtempSync(join(tmpdir(), 'attach home '));
    try {
      const env = { ...process.env, ...argv.env, HOME: home, TMPDIR: '/tmp' };
      const seen = execFileSync('sh', ['-c', script, 'sh', session, ...program], { env, encoding: 'utf8' });
      assert.equal(seen, `/tmp/${session}|${NASTY_COOKIE}|unset 700 600 `);
      // A version manager still finds its installs in the real home.
      assert.equal(execFileSync('sh', ['-c', script, 'sh', `${session}0`, 'sh', '-c', 'printf %s "$ASDF_DATA_DIR"'], { env, encoding: 'utf8' }), `${home}/.asdf`);
      // The user's own cookie file holds it already: the program runs in the real home, and no folder is made.
      writeFileSync(join(home, '.erlang.cookie'), NASTY_COOKIE, { mode: 0o600 });
      assert.equal(execFileSync('sh', ['-c', script, 'sh', `${session}1`, ...program], { env, encoding: 'utf8' }).split('|')[0], home);
      assert.equal(existsSync(`/tmp/${session}1`), false);
    } finally {
      for (const folder of [`/tmp/${session}`, `/tmp/${session}0`, home]) rmSync(folder, { recursive: true, force: true });
    }
  });

  it('gives a long-name node a long name on the same host part', () => {
    assert.deepEqual(attach(node({ node: 'hello_phoenix@172.40.0.2', mode: 'name' })).args.slice(11), [
      ...LOOPBACK, '--hidden', '--name', 'iex_1f2e@172.40.0.2', '--remsh', 'hello_phoenix@172.40.0.2',
    ]);
    // Erlang completes both bare long names with the container's fully qualified name.
    assert.deepEqual(attach(node({ node: 'app', mode: 'name' })).args.slice(14, 16), ['--name', 'iex_1f2e']);
  });

  it('runs iex directly, with no cookie, when the node reads ~/.erlang.cookie, or when it is unknown', () => {
    for (const cookie of [{ kind: 'home-file' }, { kind: 'unknown' }, { kind: 'value', value: '-x' }] as const) {
      assert.deepEqual(attach(node({ cookie })), {
        command: 'docker',
        args: ['exec', '-it', 'proj-app-1', 'iex', ...LOOPBACK, '--hidden', '--sname', 'iex_1f2e', '--remsh', 'app@hello-phoenix'],
        env: {},
      });
    }
  });

  it('passes names with dots untouched, and a cookie with shell metacharacters only as an environment value', () => {
    const argv = containerAttachArgv({ docker: '/usr/local/bin/docker', container: 'my.project_app_1', containerEnv: [], node: node({ node: 'my.app@web.example.com', mode: 'name', cookie: { kind: 'value', value: NASTY_COOKIE } }), uniqueName: 'iex_ab' });
    assert.deepEqual(argv, {
      command: '/usr/local/bin/docker',
      args: ['exec', '-it', '-e', 'PHOENIX_IEX_COOKIE', 'my.project_app_1', 'sh', '-c', privateCookieScript(argv.args), 'sh', 'iex_ab', 'iex', ...LOOPBACK, '--hidden', '--name', 'iex_ab@web.example.com', '--remsh', 'my.app@web.example.com'],
      env: { PHOENIX_IEX_COOKIE: NASTY_COOKIE },
    });
    assert.ok(!argv.args.some((arg) => arg.includes(NASTY_COOKIE)), 'the cookie is on no command line');
  });

  it('attaches to a release with its own remote command and the cookie found, marked with the session\'s name', () => {
    const release = node({ node: 'hello_phoenix@c0ffee123456', release: { name: 'hello_phoenix', root: '/app' }, cookie: { kind: 'value', value: NASTY_COOKIE } });
    assert.deepEqual(attach(release), {
      command: 'docker',
      args: ['exec', '-it', '-e', 'PHOENIX_SESSION=iex_1f2e', '-e', 'RELEASE_COOKIE', 'proj-app-1', '/app/bin/hello_phoenix', 'remote'],
      env: { RELEASE_COOKIE: NASTY_COOKIE },
    });
    assert.deepEqual(attach({ ...release, release: { name: 'hello_phoenix', root: '/' } }).args.slice(-2), ['/bin/hello_phoenix', 'remote']);
    // Without a known cookie the release's script finds its own.
    assert.deepEqual(attach({ ...release, cookie: { kind: 'unknown' } }).args, ['exec', '-it', '-e', 'PHOENIX_SESSION=iex_1f2e', 'proj-app-1', '/app/bin/hello_phoenix', 'remote']);
  });

  it('attaches to the extension\'s own dev container as discovered', () => {
    const env = ['ERLANG_COOKIE=0123abcd'];
    const discovery = discoverNode({
      labels: { [LABELS.nodeName]: 'hello_phoenix@hello-phoenix', [LABELS.nodeMode]: 'sname' },
      entrypoint: [],
      cmd: ['sh', '/app/.devcontainer/entrypoint.sh'],
      env,
      hostname: 'hello-phoenix',
    });
    if (discovery.kind !== 'found') assert.fail(discovery.advice);
    const argv = attach(discovery, env);
    assert.deepEqual(argv.args.slice(4, 7), ['-e', 'ERLANG_COOKIE=', 'proj-app-1']);
    assert.deepEqual(argv.args.slice(13), [...LOOPBACK, '--hidden', '--sname', 'iex_1f2e', '--remsh', 'hello_phoenix@hello-phoenix']);
    assert.deepEqual(argv.env, { PHOENIX_IEX_COOKIE: '0123abcd' });
  });
});

describe('hostAttachArgv', () => {
  const host = (found: Found, hostAddress = '172.40.0.1') => hostAttachArgv({ iex: '/usr/bin/iex', node: found, hostAddress, uniqueName: 'iex_1f2e' });
  const longNode = node({ node: 'hello_phoenix@172.40.0.2', mode: 'name', cookie: { kind: 'value', value: NASTY_COOKIE } });
  const attachInContainer = containerAttachArgv({ docker: 'docker', container: 'proj-app-1', containerEnv: [], node: longNode, uniqueName: 'iex_1f2e' });

  it('starts a local iex with a long name on the host\'s address, the cookie in a private home as in the container, epmd and distribution on loopback', () => {
    const argv = host(longNode);
    assert.ok(argv);
    assert.deepEqual(argv, {
      command: '/bin/sh',
      args: ['-c', privateCookieScript(attachInContainer.args), 'sh', 'iex_1f2e', '/usr/bin/iex', ...LOOPBACK, '--hidden', '--name', 'iex_1f2e@172.40.0.1', '--remsh', 'hello_phoenix@172.40.0.2'],
      env: { PHOENIX_IEX_COOKIE: NASTY_COOKIE, ERL_EPMD_ADDRESS: '127.0.0.1' },
    });
    assert.ok(!argv.args.some((arg) => arg.includes(NASTY_COOKIE)), 'the cookie is on no command line');
  });

  it('works for a release too, when its cookie is known', () => {
    assert.ok(host({ ...longNode, release: { name: 'hello_phoenix', root: '/app' } }));
  });

  it('is impossible for a short-name node, whatever its host part', () => {
    assert.equal(host(node({})), undefined);
    assert.equal(host(node({ node: 'app@172.40.0.2' })), undefined);
  });

  it('is impossible without the cookie\'s value', () => {
    for (const cookie of [{ kind: 'home-file' }, { kind: 'unknown' }, { kind: 'value', value: '-x' }] as const) {
      assert.equal(host({ ...longNode, cookie }), undefined);
    }
  });

  it('is impossible unless both ends are IPv4 addresses', () => {
    assert.equal(host({ ...longNode, node: 'app@web.example.com' }), undefined);
    assert.equal(host({ ...longNode, node: 'app' }), undefined);
    assert.equal(host({ ...longNode, node: 'app@172.40.0.256' }), undefined);
    assert.equal(host(longNode, 'localhost'), undefined);
    assert.equal(host(longNode, ''), undefined);
  });
});

describe('chooseAttachCommand', () => {
  // What a repository can put in its compose file: labels for a long name with an IP address.
  const fromRepository = discoverNode({
    labels: { [LABELS.nodeName]: 'hello_phoenix@172.40.0.2', [LABELS.nodeMode]: 'name' },
    entrypoint: [],
    cmd: ['sh', '/app/.devcontainer/entrypoint.sh'],
    env: ['ERLANG_COOKIE=0123abcd'],
    hostname: 'hello-phoenix',
  });
  if (fromRepository.kind !== 'found') assert.fail(fromRepository.advice);
  const choose = (attachModeSetting: AttachModeSetting | undefined, local: { iex: string | undefined; address: string | undefined } = { iex: '/usr/bin/iex', address: '172.40.0.1' }) =>
    chooseAttachCommand({ attachModeSetting, docker: 'docker', container: 'proj-app-1', containerEnv: ['ERLANG_COOKIE=0123abcd'], node: fromRepository, uniqueName: 'iex_1f2e', local });

  it('attaches in the container unless the user\'s own settings choose host mode, whatever the node\'s name allows', () => {
    const notByUser: (AttachModeSetting | undefined)[] = [
      undefined,
      {},
      { globalValue: 'container' },
      // Once "host when possible": the labels alone chose host mode.
      { globalValue: 'auto' },
      // A repository's .vscode/settings.json or a folder's settings.
      { workspaceValue: 'host' },
      { workspaceFolderValue: 'host' },
      { globalValue: 'auto', workspaceValue: 'host', workspaceFolderValue: 'host' },
      { globalValue: 'HOST' },
    ];
    for (const setting of notByUser) {
      const choice = choose(setting);
      assert.equal(choice.place, 'container', JSON.stringify(setting));
      assert.equal(choice.hostImpossible, false);
      assert.equal(choice.command.command, 'docker');
    }
  });

  it('attaches from this machine when the user\'s settings say host, even when a workspace says otherwise', () => {
    const choice = choose({ globalValue: 'host', workspaceValue: 'container' });
    assert.equal(choice.place, 'host');
    assert.equal(choice.command.command, '/bin/sh');
    assert.equal(choice.command.env['ERL_EPMD_ADDRESS'], '127.0.0.1');
  });

  it('falls back to the container, and says so, when host mode cannot work here', () => {
    for (const local of [{ iex: undefined, address: '172.40.0.1' }, { iex: '/usr/bin/iex', address: undefined }]) {
      const choice = choose({ globalValue: 'host' }, local);
      assert.deepEqual([choice.place, choice.hostImpossible, choice.command.command], ['container', true, 'docker']);
    }
  });
});

describe('endSessionArgv', () => {
  it('ends the processes named after the session or marked with it, and only those, as sh really runs it', { skip: process.platform !== 'linux' }, async () => {
    const session = attachingNodeName(randomBytes(4).toString('hex'));
    const start = (args: string[], env: Record<string, string> = {}) => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', '--', ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const ended = (child: ReturnType<typeof spawn>) => new Promise<boolean>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(true);
      child.once('exit', () => { resolve(true); });
      setTimeout(() => { resolve(false); }, 2000);
    });
    const named = start(['--hidden', '--sname', session]);
    const marked = start([], { PHOENIX_SESSION: session });
    // Inherits the private home, as an epmd started by the shell's VM would: not the shell.
    const child = start([], { HOME: `/tmp/${session}` });
    const other = start(['--sname', 'iex_0ther'], { PHOENIX_SESSION: 'iex_0ther' });
    mkdirSync(`/tmp/${session}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual([named, marked, child, other].map((started) => started.exitCode), [null, null, null, null], 'all four run before the cleanup');
      const [command = '', ...args] = endSessionArgv(session);
      execFileSync(command, args);
      assert.deepEqual(await Promise.all([named, marked, child, other].map(ended)), [true, true, false, false]);
      assert.equal(existsSync(`/tmp/${session}`), false, 'the private cookie folder is removed');
    } finally {
      for (const started of [named, marked, child, other]) started.kill('SIGKILL');
      rmSync(`/tmp/${session}`, { recursive: true, force: true });
    }
  });
});

describe('attachingNodeName and terminalName', () => {
  it('makes a node name part from random hex digits', () => {
    assert.equal(attachingNodeName('1f2e3d4c'), 'iex_1f2e3d4c');
    assert.match(attachingNodeName('ABCDEF'), /^[A-Za-z0-9_]+$/);
  });

  it('refuses anything but hex digits', () => {
    for (const bad of ['', 'xyz', '12 34', 'ab@host']) assert.throws(() => attachingNodeName(bad), RangeError);
  });

  it('names the terminal after the node only', () => {
    assert.equal(terminalName('hello_phoenix@172.40.0.2'), 'IEx: hello_phoenix@172.40.0.2');
  });
});
