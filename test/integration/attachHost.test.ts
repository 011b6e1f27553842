import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DockerEngine } from '../../src/docker/engine';
import { detectComposeCli, startDevContainer, tearDownDevContainer } from '../../src/docker/lifecycle';
import { PhoenixProjects } from '../../src/ui/phoenixProjects';
import { docker, processesWith, requireDocker, scaffoldFixture, waitFor } from './support';

/** A subnet of its own, so that the node's long name is fixed: hello_phoenix@172.40.0.2 (the host is .1). */
const SUBNET = '172.40.0.0/24';
const NODE = 'hello_phoenix@172.40.0.2';

describe('Attach Remote IEx from this machine (host mode, real Docker engine and iex)', function () {
  this.timeout(300_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const engine = new DockerEngine(() => '');
  const log = vscode.window.createOutputChannel('attach host test', { log: true });
  const projects = new PhoenixProjects(log);
  const settings = vscode.workspace.getConfiguration('phoenix');
  const target = () => {
    const project = projects.all[0];
    assert.ok(project?.hasDevContainer);
    return project.compose;
  };
  let cookie = '';
  let app = '';
  let restoreFixture = (): Promise<void> => Promise.resolve();

  before(async function () {
    await requireDocker(this);
    if (process.platform !== 'linux') this.skip();
    const scaffolded = await scaffoldFixture(folder, engine, SUBNET);
    cookie = scaffolded.cookie;
    restoreFixture = scaffolded.restore;
    await projects.refresh();
    await vscode.commands.executeCommand('phoenix.refreshView');
    const ready = await startDevContainer(engine, await detectComposeCli('auto'), target(), { readyTimeoutMs: 180_000 });
    assert.equal(ready.node, NODE);
    app = ready.containerId;
    await settings.update('attachMode', 'host', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const terminal of vscode.window.terminals) terminal.dispose();
    await settings.update('attachMode', undefined, vscode.ConfigurationTarget.Global);
    await tearDownDevContainer(engine, await detectComposeCli('auto'), target(), false).catch(() => undefined);
    await restoreFixture();
    projects.dispose();
    log.dispose();
  });

  it('runs iex on this machine, connected to the node over the container network, the cookie on no command line', async () => {
    await vscode.commands.executeCommand('phoenix.attachRemoteIex');
    const terminal = await waitFor(() => vscode.window.terminals.find((candidate) => candidate.name === `IEx: ${NODE}`), 'the IEx terminal', 60_000);
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(options.shellPath, '/bin/sh');
    const args = options.shellArgs as string[];
    const self = args[args.indexOf('--name') + 1] ?? '';
    assert.match(self, /^iex_[0-9a-f]+@172\.40\.0\.1$/);
    assert.deepEqual(args.slice(-2), ['--remsh', NODE]);
    assert.equal(options.env?.['PHOENIX_IEX_COOKIE'], cookie);

    // The node lists the shell's hidden VM among its connections: it is really attached.
    const hidden = (): Promise<string> => docker('exec', app, 'elixir', '--name', 'check@172.40.0.2', '--cookie', cookie, '--rpc-eval', NODE, 'IO.inspect(Node.list(:hidden))');
    await waitFor(async () => (await hidden()).includes(self), `${self} connected to ${NODE}`, 30_000);
    assert.equal(terminal.exitStatus, undefined, 'the IEx shell is still running');
    assert.equal((await processesWith(`--remsh\0${NODE}`, true)).length, 1, 'the remote shell\'s VM runs on this machine');
    assert.deepEqual(await processesWith(cookie), [], 'no command line holds the cookie');
  });

  it('ends the local shell\'s VM when its terminal is closed', async () => {
    for (const terminal of vscode.window.terminals.filter((candidate) => candidate.name === `IEx: ${NODE}`)) terminal.dispose();
    await waitFor(async () => (await processesWith(`--remsh\0${NODE}`, true)).length === 0, 'the local remote shell\'s VM to end', 15_000);
  });
});
