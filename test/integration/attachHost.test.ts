import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { listeningSocketInodes, listensOnLoopbackOnly } from '../../src/core/compose';
import { detectComposeCli } from '../../src/docker/composeCli';
import { startComposeProject, tearDownComposeProject } from '../../src/docker/lifecycle';
import { docker, processesWith, fixtureSuite, requireDocker, scaffoldFixture, waitFor } from './support';

/** A subnet of its own, so that the node's long name is fixed: hello_phoenix@172.40.0.2 (the host is .1). */
const SUBNET = '172.40.0.0/24';
const NODE = 'hello_phoenix@172.40.0.2';
const EPMD_PORT = 4369;

/** This machine's TCP listening table (IPv4 and IPv6), as /proc shows it. */
async function tcpTable(): Promise<string> {
  return (await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((path) => readFile(path, 'utf8').catch(() => '')))).join('\n');
}

/** The names this machine's epmd lists; undefined when none runs. */
async function epmdNames(): Promise<string | undefined> {
  return promisify(execFile)('epmd', ['-names'], { encoding: 'utf8' }).then(({ stdout }) => stdout.split('\n').filter((line) => line.startsWith('name ')).join('\n'), () => undefined);
}

describe('Attach Remote IEx from this machine (host mode, real Docker engine and iex)', function () {
  this.timeout(300_000);
  const { folder, engine, log, projects, target } = fixtureSuite('attach host test');
  const settings = vscode.workspace.getConfiguration('phoenix');
  let cookie = '';
  let app = '';
  let restoreFixture = (): Promise<void> => Promise.resolve();
  /** The hidden nodes connected to the app's node, such as an attached shell's VM. */
  const hiddenConnections = (): Promise<string> => docker('exec', app, 'elixir', '--name', 'check@172.40.0.2', '--cookie', cookie, '--rpc-eval', NODE, 'IO.inspect(Node.list(:hidden))');

  before(async function () {
    await requireDocker(this);
    if (process.platform !== 'linux') this.skip();
    const scaffolded = await scaffoldFixture(folder, engine, SUBNET);
    cookie = scaffolded.cookie;
    restoreFixture = scaffolded.restore;
    await projects.refresh();
    await vscode.commands.executeCommand('phoenix.refreshView');
    const ready = await startComposeProject(engine, await detectComposeCli('auto'), target(), { readyTimeoutMs: 180_000 });
    assert.equal(ready.node, NODE);
    app = ready.containerId;
    // The extension stops only an epmd that its shell's VM started: none may run before (an idle one is stopped).
    const names = await epmdNames();
    if (names !== undefined && names !== '') throw new Error(`an epmd with registered nodes runs on this machine; stop them first:\n${names}`);
    if (names !== undefined) await promisify(execFile)('epmd', ['-kill']);
    await waitFor(async () => listeningSocketInodes(await tcpTable(), EPMD_PORT).length === 0, 'no epmd on this machine');
  });

  after(async () => {
    for (const terminal of vscode.window.terminals) terminal.dispose();
    await settings.update('attachMode', undefined, vscode.ConfigurationTarget.Global);
    await rm(join(folder.uri.fsPath, '.vscode'), { recursive: true, force: true });
    await tearDownComposeProject(engine, await detectComposeCli('auto'), target(), false).catch(() => undefined);
    await restoreFixture();
    projects.dispose();
    log.dispose();
  });

  it('attaches inside the container when the user\'s settings say auto and only the workspace\'s own ask for host mode', async () => {
    // auto once chose host mode whenever the node's name (the repository's labels) allowed it.
    await settings.update('attachMode', 'auto', vscode.ConfigurationTarget.Global);
    await mkdir(join(folder.uri.fsPath, '.vscode'), { recursive: true });
    // readyTimeout shows that VS Code has read the file.
    await writeFile(join(folder.uri.fsPath, '.vscode', 'settings.json'), JSON.stringify({ 'phoenix.attachMode': 'host', 'phoenix.readyTimeout': 301 }));
    await waitFor(() => vscode.workspace.getConfiguration('phoenix').get('readyTimeout') === 301, 'the workspace settings to be read');
    try {
      await vscode.commands.executeCommand('phoenix.attachRemoteIex');
      const terminal = await waitFor(() => vscode.window.terminals.find((candidate) => candidate.name === `IEx: ${NODE}`), 'the IEx terminal', 60_000);
      assert.equal((terminal.creationOptions as vscode.TerminalOptions).shellPath, 'docker');
      const shellArgs = (terminal.creationOptions as vscode.TerminalOptions).shellArgs as string[];
      const self = shellArgs[shellArgs.indexOf('--name') + 1] ?? '';
      assert.match(self, /^iex_[0-9a-f]+@172\.40\.0\.2$/, 'named in the container\'s network');
      await waitFor(async () => (await hiddenConnections()).includes(self), `${self} connected to ${NODE}`, 30_000);
      let closed = false;
      const listener = vscode.window.onDidCloseTerminal((closing) => { closed ||= closing === terminal; });
      terminal.dispose();
      await waitFor(() => closed, 'the terminal to close', 10_000).finally(() => { listener.dispose(); });
      await waitFor(async () => !(await hiddenConnections()).includes(self), 'the remote shell to end', 15_000);
    } finally {
      await rm(join(folder.uri.fsPath, '.vscode'), { recursive: true, force: true });
    }
    assert.equal(listeningSocketInodes(await tcpTable(), EPMD_PORT).length, 0, 'no epmd started on this machine');
  });

  it('runs iex on this machine, connected to the node over the container network, the cookie on no command line', async () => {
    await settings.update('attachMode', 'host', vscode.ConfigurationTarget.Global);
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
    await waitFor(async () => (await hiddenConnections()).includes(self), `${self} connected to ${NODE}`, 30_000);
    assert.equal(terminal.exitStatus, undefined, 'the IEx shell is still running');
    assert.equal((await processesWith(`--remsh\0${NODE}`, true)).length, 1, 'the remote shell\'s VM runs on this machine');
    assert.deepEqual(await processesWith(cookie), [], 'no command line holds the cookie');
    assert.ok(listensOnLoopbackOnly(await tcpTable(), EPMD_PORT), 'the epmd the shell\'s VM started listens on loopback only');
  });

  it('ends the local shell\'s VM when its terminal is closed', async () => {
    for (const terminal of vscode.window.terminals.filter((candidate) => candidate.name === `IEx: ${NODE}`)) terminal.dispose();
    await waitFor(async () => (await processesWith(`--remsh\0${NODE}`, true)).length === 0, 'the local remote shell\'s VM to end', 15_000);
    // That epmd was started for the shell: it ends with it.
    await waitFor(async () => listeningSocketInodes(await tcpTable(), EPMD_PORT).length === 0, 'the epmd started for the shell to end', 25_000);
  });
});
