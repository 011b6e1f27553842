import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DevContainerFailure } from '../../src/core/devContainerFailure';
import { discoverContainerNode, waitForNode } from '../../src/docker/containerNode';
import { DockerEngine, type InspectedContainer } from '../../src/docker/engine';
import { detectComposeCli, startDevContainer, tearDownDevContainer } from '../../src/docker/lifecycle';
import { describeFailure } from '../../src/ui/failureMessages';
import { PhoenixProjects } from '../../src/ui/phoenixProjects';
import { BENCH_IMAGE, docker, failureOf, processesWith, requireDocker, scaffoldFixture, waitFor } from './support';

const NODE = 'hello_phoenix@hello-phoenix';

describe('Attach Remote IEx (real Docker engine)', function () {
  this.timeout(300_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const engine = new DockerEngine(() => '');
  const log = vscode.window.createOutputChannel('attach test', { log: true });
  const projects = new PhoenixProjects(log);
  const target = () => {
    const project = projects.all[0];
    assert.ok(project?.hasDevContainer);
    return project.compose;
  };
  const message = (failure: DevContainerFailure): string => describeFailure(failure, projects.all[0], () => undefined).text;
  let cookie = '';
  let restoreFixture = (): Promise<void> => Promise.resolve();
  let app: InspectedContainer;

  before(async function () {
    await requireDocker(this);
    const scaffolded = await scaffoldFixture(folder, engine);
    cookie = scaffolded.cookie;
    restoreFixture = scaffolded.restore;
    await projects.refresh();
    // The extension reads the same files: its own project list must know the dev container too.
    await vscode.commands.executeCommand('phoenix.refreshView');
    const ready = await startDevContainer(engine, await detectComposeCli('auto'), target(), { readyTimeoutMs: 180_000 });
    app = await engine.inspectContainer(ready.containerId);
  });

  after(async () => {
    for (const terminal of vscode.window.terminals) terminal.dispose();
    await tearDownDevContainer(engine, await detectComposeCli('auto'), target(), false).catch(() => undefined);
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

  it('opens a terminal named after the node, running iex in the container, the cookie on no command line', async () => {
    await vscode.commands.executeCommand('phoenix.attachRemoteIex');
    const terminal = await waitFor(() => vscode.window.terminals.find((candidate) => candidate.name === `IEx: ${NODE}`), 'the IEx terminal', 60_000);
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(options.shellPath, 'docker');
    const args = options.shellArgs as string[];
    assert.deepEqual(args.slice(0, 5), ['exec', '-it', '-e', 'PHOENIX_IEX_COOKIE', app.id]);
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

  it('says the container stopped when it is no longer running', async () => {
    const discovery = await discoverContainerNode(engine, app);
    assert.ok(discovery.kind === 'found');
    await docker('stop', app.id);
    const failure = await failureOf(waitForNode(engine, await engine.inspectContainer(app.id), discovery, Date.now() + 2000, undefined));
    assert.equal(failure.kind, 'container-exited');
    assert.match(message(failure), /^The app container stopped \(exit code \d+\)\. Last line: /);
  });
});
