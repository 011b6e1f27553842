import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { DevContainerFailure } from '../../src/core/devContainerFailure';
import { discoverContainerNode, waitForNode } from '../../src/docker/containerNode';
import { ExecTimeoutError, type InspectedContainer } from '../../src/docker/engine';
import { detectComposeCli } from '../../src/docker/composeCli';
import { tearDownComposeProject } from '../../src/docker/lifecycle';
import { describeFailure } from '../../src/ui/failureMessages';
import { BENCH_IMAGE, docker, environmentsWith, failureOf, processesWith, fixtureSuite, requireDocker, waitFor, type ProcessEnvironment } from './support';

const NODE = 'hello_phoenix@hello-phoenix';

/*
 * Run by another VM beside the probe: tries to connect to each probe that epmd at $1 lists, and
 * prints one line per probe, "<name> connected=<bool> listed_after=<bool>" (a probe that ended in
 * the meantime says nothing about the probe's defences), then whether the app's node let it in.
 * With "loopback" as $2 the host name means 127.0.0.1, where a probe of the same container listens.
 */
const CONNECT_TO_PROBES = `[epmd_host | how] = System.argv()
if how == ["loopback"] do
  :inet_db.set_lookup([:file, :native])
  :inet_db.add_host({127, 0, 0, 1}, [String.to_charlist(epmd_host)])
end
{:ok, names} = :erl_epmd.names(String.to_charlist(epmd_host))
for {name, _port} <- names, List.starts_with?(name, ~c"probe_") do
  connected = Node.connect(String.to_atom("#{name}@#{epmd_host}"))
  {:ok, after_names} = :erl_epmd.names(String.to_charlist(epmd_host))
  IO.puts("#{name} connected=#{connected} listed_after=#{List.keymember?(after_names, name, 0)}")
end
IO.puts("node connected=#{Node.connect(String.to_atom("hello_phoenix@#{epmd_host}"))}")`;

/** What a run of CONNECT_TO_PROBES saw: the probes that were there all along, and whether the app's node let it in. */
function connections(output: string): { probes: string[]; node: boolean } {
  return {
    probes: output.split('\n').filter((line) => /^probe_\S+ connected=\w+ listed_after=true$/.test(line)),
    node: output.includes('node connected=true'),
  };
}

/** Processes that still hold `text` in their environment a second later: the moment a wrapper takes to hand a cookie over (then exec) holds none. */
async function lastingEnvironmentsWith(text: string): Promise<ProcessEnvironment[]> {
  const first = await environmentsWith(text);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return (await environmentsWith(text)).filter((held) => first.some((before) => before.pid === held.pid && before.command === held.command));
}

describe('Attach Remote IEx (real Docker engine)', function () {
  this.timeout(300_000);
  const { engine, log, projects, target, scaffold, start } = fixtureSuite('attach test');
  const message = (failure: DevContainerFailure): string => describeFailure(failure, projects.all[0], () => undefined).text;
  let cookie = '';
  let restoreFixture = (): Promise<void> => Promise.resolve();
  let app: InspectedContainer;

  before(async function () {
    await requireDocker(this);
    // The extension's own project list (its view) knows the dev container too.
    ({ cookie, restore: restoreFixture } = await scaffold());
    app = await start();
  });

  after(async () => {
    for (const terminal of vscode.window.terminals) terminal.dispose();
    await tearDownComposeProject(engine, await detectComposeCli('auto'), target(), false).catch(() => undefined);
    await restoreFixture();
    projects.dispose();
    log.dispose();
  });

  it('finds the node and its cookie in the running container', async () => {
    const discovery = await discoverContainerNode(engine, app);
    assert.equal(discovery.kind, 'found');
    assert.equal(discovery.node, NODE);
    assert.equal(discovery.mode, 'sname');
    assert.deepEqual(discovery.cookie, { kind: 'value', value: cookie });
  });

  it('probes a node that is not up yet with no cookie anyone could guess, on loopback only, the cookie in no command line or environment of ours', async () => {
    const discovery = await discoverContainerNode(engine, app);
    assert.ok(discovery.kind === 'found');
    // A node that never registers: the probe waits for it all along, as it does while Start waits for the app.
    const waiting = failureOf(waitForNode(engine, app, { ...discovery, node: 'not_up_yet@hello-phoenix' }, Date.now() + 40_000, undefined));
    await waitFor(async () => (await processesWith('-sname\0probe_', true)).length > 0, 'the probe\'s VM', 15_000);

    for (let round = 0; round < 3; round += 1) {
      assert.deepEqual(await processesWith(cookie), [], 'no command line on this machine or in the container holds the cookie');
      // The container's own processes hold it as compose gave it to them (ERLANG_COOKIE); none of ours keeps it.
      const ours = (await lastingEnvironmentsWith(cookie)).filter((held) => held.command.includes('probe_') || held.variables.some((variable) => variable !== 'ERLANG_COOKIE'));
      assert.deepEqual(ours, [], 'no process started by the probe keeps the cookie in its environment');
    }

    // Another VM in the container's network namespace, over loopback: with the cookie of old and a
    // random one it is refused; with the real one (the control: it does reach the probe) let in.
    const tryFromContainer = (guess: string) => waitFor(async () => {
      const tried = connections(await docker('exec', app.id, 'elixir', '--sname', `guess_${randomBytes(4).toString('hex')}`, '--cookie', guess, '-e', CONNECT_TO_PROBES, 'hello-phoenix', 'loopback'));
      return tried.probes.length > 0 ? tried : undefined;
    }, 'a probe that stays up while another VM tries it', 30_000);
    for (const guess of ['phoenix_probe', randomBytes(16).toString('hex')]) {
      const seen = await tryFromContainer(guess);
      assert.ok(seen.probes.every((line) => line.includes('connected=false')), `cookie ${guess}: ${seen.probes.join('; ')}`);
    }
    const withCookie = await tryFromContainer(cookie);
    assert.ok(withCookie.node && withCookie.probes.every((line) => line.includes('connected=true')), `the real cookie: ${withCookie.probes.join('; ')}`);

    // A sibling container on the same network, even with the real cookie: the probe listens on loopback only.
    const network = await docker('inspect', '--format', '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}', app.id);
    const address = app.networks[0]?.ip ?? '';
    const sibling = await waitFor(async () => {
      const tried = connections(await docker('run', '--rm', '--network', network, '--add-host', `hello-phoenix:${address}`, BENCH_IMAGE, 'elixir', '--sname', 'sibling', '--cookie', cookie, '-e', CONNECT_TO_PROBES, 'hello-phoenix'));
      return tried.probes.length > 0 ? tried : undefined;
    }, 'a probe that stays up while a sibling container tries it', 30_000);
    assert.ok(sibling.node, 'the sibling reaches the app\'s node itself');
    assert.ok(sibling.probes.every((line) => line.includes('connected=false')), sibling.probes.join('; '));

    assert.equal((await waiting).kind, 'node-not-answering');
  });

  it('opens a terminal named after the node, running iex in the container, the cookie on no command line', async () => {
    await vscode.commands.executeCommand('phoenix.attachRemoteIex');
    const terminal = await waitFor(() => vscode.window.terminals.find((candidate) => candidate.name === `IEx: ${NODE}`), 'the IEx terminal', 60_000);
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(options.shellPath, 'docker');
    const args = options.shellArgs as string[];
    // The container's ERLANG_COOKIE reaches the shell's VM emptied.
    assert.deepEqual(args.slice(0, 7), ['exec', '-it', '-e', 'PHOENIX_IEX_COOKIE', '-e', 'ERLANG_COOKIE=', app.id]);
    assert.deepEqual(args.slice(-5), ['--hidden', '--sname', args[args.length - 3], '--remsh', NODE]);
    assert.ok(!args.some((arg) => arg.includes(cookie)), 'the cookie is not an argument');
    assert.ok(!terminal.name.includes(cookie));
    assert.equal(options.env?.['PHOENIX_IEX_COOKIE'], cookie);
    // A remote shell that could not connect would end at once; a connected one stays.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(terminal.exitStatus, undefined, 'the IEx shell is still running');
    assert.notEqual(await docker('exec', app.id, 'sh', '-c', 'grep -l -- "--rems[h]" /proc/[0-9]*/cmdline 2>/dev/null || true'), '', 'the remote shell runs in the container');
    assert.deepEqual(await processesWith(cookie), [], 'no command line on this machine or in the container holds the cookie');
  });

  it('shows the live terminal when attaching to the same node again', async () => {
    await vscode.commands.executeCommand('phoenix.attachRemoteIex');
    assert.equal(vscode.window.terminals.filter((terminal) => terminal.name === `IEx: ${NODE}`).length, 1);
  });

  it('ends the remote shell in the container when its terminal is closed', async () => {
    // "--rems[h]" so that the grep's own command line does not match.
    const remoteShells = (): Promise<string> => docker('exec', app.id, 'sh', '-c', 'grep -l -- "--rems[h]" /proc/[0-9]*/cmdline 2>/dev/null || true');
    assert.notEqual(await remoteShells(), '', 'the attached shell runs in the container');
    for (const terminal of vscode.window.terminals.filter((candidate) => candidate.name === `IEx: ${NODE}`)) terminal.dispose();
    await waitFor(async () => (await remoteShells()) === '', 'the remote shell to end', 10_000);
  });

  it('says the node refuses the connection when the cookie differs', async () => {
    const discovery = await discoverContainerNode(engine, app);
    assert.ok(discovery.kind === 'found');
    const failure = await failureOf(waitForNode(engine, app, { ...discovery, cookie: { kind: 'value', value: 'not-the-cookie' } }, Date.now() + 3000, undefined));
    assert.equal(failure.kind, 'node-not-answering');
    assert.match(message(failure), /^The node hello_phoenix@hello-phoenix is up but refuses connections after \d+ s: its cookie is most likely not the one/);
  });

  it('says the node is not up when epmd does not list it', async () => {
    const discovery = await discoverContainerNode(engine, app);
    assert.ok(discovery.kind === 'found');
    const failure = await failureOf(waitForNode(engine, app, { ...discovery, node: 'not_started@hello-phoenix' }, Date.now() + 2000, undefined));
    assert.equal(failure.kind, 'node-not-answering');
    assert.match(message(failure), /^The node not_started@hello-phoenix did not come up within \d+ s \(pinged from inside the container; epmd never listed it\)/);
  });

  it('explains how to start a distributed node when the server runs without one', async () => {
    const name = `plain-phx-server-${Date.now()}`;
    const id = await docker('run', '-d', '--rm', '--name', name, BENCH_IMAGE, 'sh', '-c', 'mix phx.server; exec sleep 300');
    try {
      const discovery = await discoverContainerNode(engine, await engine.inspectContainer(id));
      assert.equal(discovery.kind, 'not-distributed');
      assert.match(discovery.advice, /elixir --sname \S+ -S mix phx\.server/);
    } finally {
      await docker('rm', '-f', name);
    }
  });

  it('reads a release\'s cookie file only when it is a regular file, so a FIFO there does not hang discovery', async () => {
    const name = `fifo-cookie-${Date.now()}`;
    // A release's layout whose releases/COOKIE is a FIFO that nobody writes: reading it blocks forever.
    const script = 'mkdir -p /srv/app/releases /srv/app/bin && mkfifo /srv/app/releases/COOKIE && printf "#!/bin/sh\\nexec sleep 300\\n" > /srv/app/bin/hello && chmod +x /srv/app/bin/hello && exec /srv/app/bin/hello start';
    const id = await docker('run', '-d', '--rm', '--name', name, '--entrypoint', 'sh', BENCH_IMAGE, '-c', script);
    try {
      await waitFor(async () => (await docker('exec', id, 'sh', '-c', '[ -p /srv/app/releases/COOKIE ] && echo fifo || true')) === 'fifo', 'the FIFO');
      const started = Date.now();
      const discovery = await Promise.race([
        discoverContainerNode(engine, await engine.inspectContainer(id)),
        new Promise<'hung'>((resolve) => setTimeout(() => { resolve('hung'); }, 20_000)),
      ]);
      assert.notEqual(discovery, 'hung', 'discovery came back');
      assert.ok(Date.now() - started < 20_000);
      assert.ok(discovery !== 'hung' && discovery.kind === 'found');
      assert.deepEqual([discovery.node, discovery.cookie, discovery.release], [`hello@${id.slice(0, 12)}`, { kind: 'unknown' }, { name: 'hello', root: '/srv/app' }]);
      // Nothing was left blocked on the FIFO in the container.
      // "[r]eleases" so that the grep's own command line does not match.
      assert.equal(await docker('exec', id, 'sh', '-c', 'grep -l "[r]eleases/COOKIE" /proc/[0-9]*/cmdline 2>/dev/null || true'), '');
    } finally {
      await docker('rm', '-f', name);
    }
  });

  it('bounds how long a program in the container is waited for, and how much of its output is kept', async () => {
    const name = `exec-bounds-${Date.now()}`;
    const id = await docker('run', '-d', '--rm', '--name', name, BENCH_IMAGE, 'sleep', '300');
    try {
      let started = Date.now();
      await assert.rejects(engine.exec(id, ['sleep', '60'], { timeoutMs: 1000 }), ExecTimeoutError);
      assert.ok(Date.now() - started < 10_000, 'gave up after about a second');
      started = Date.now();
      const endless = await engine.exec(id, ['yes']);
      assert.ok(endless.output.length > 0 && endless.output.length <= 1024 * 1024, `kept ${endless.output.length} characters`);
      assert.ok(Date.now() - started < 20_000);
    } finally {
      await docker('rm', '-f', name);
    }
  });

  it('says the container stopped when it is no longer running', async () => {
    const discovery = await discoverContainerNode(engine, app);
    assert.ok(discovery.kind === 'found');
    await docker('stop', app.id);
    const failure = await failureOf(waitForNode(engine, await engine.inspectContainer(app.id), discovery, Date.now() + 2000, undefined));
    assert.equal(failure.kind, 'container-exited');
    assert.match(message(failure), /^The app container stopped \(exit code \d+\)\. Last line: /);
  });
});
