import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ListedContainer } from '../../src/core/containerState';
import { DevContainerError } from '../../src/core/devContainerFailure';
import { helperExecArgv, observerHelperCommand } from '../../src/core/observer/helperCommand';
import { parseApplications, parseOverview } from '../../src/core/observer/nodeReplies';
import { discoverContainerNode } from '../../src/docker/containerNode';
import { DockerEngine } from '../../src/docker/engine';
import { ObserverHelper } from '../../src/docker/observerHelper';
import { detectComposeCli } from '../../src/docker/composeCli';
import { startComposeProject, tearDownComposeProject } from '../../src/docker/lifecycle';
import type { DevContainerRow } from '../../src/ui/devContainerTree';
import { PhoenixProjects, type PhoenixProject } from '../../src/ui/phoenixProjects';
import { Settings } from '../../src/ui/settings';
import { docker, requireDocker, restoreReleaseFixture, snapshotFiles, tagImagesFor, waitFor } from './support';

const NODE = 'hello_phoenix@hello-phoenix-release';

/** The one running container of the release's app service. */
async function releaseContainer(release: PhoenixProject): Promise<string> {
  const running = await docker('ps', '--filter', `label=com.docker.compose.project=${release.composeProject}`, '--filter', 'label=dev.phoenix.role=release', '--format', '{{.ID}}');
  assert.ok(running !== '' && !running.includes('\n'), `one release container runs, not "${running}"`);
  return running;
}

describe('Release image through the commands (real Docker engine)', function () {
  this.timeout(900_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const root = folder.uri.fsPath;
  const engine = new DockerEngine({ dockerHost: '' });
  const log = vscode.window.createOutputChannel('release test', { log: true });
  const projects = new PhoenixProjects(log, new Settings(vscode.workspace));
  let original = new Map<string, Buffer>();
  let release: PhoenixProject | undefined;

  before(async function () {
    await requireDocker(this);
    original = await snapshotFiles(root);
  });

  after(async () => {
    for (const terminal of vscode.window.terminals) terminal.dispose();
    if (release !== undefined) await tearDownComposeProject(engine, await detectComposeCli('auto'), release.compose, true).catch(() => undefined);
    await restoreReleaseFixture(root, original);
    await vscode.commands.executeCommand('phoenix.refreshView');
    projects.dispose();
    log.dispose();
  });

  it('writes the release files and shows the release as a project of its own', async () => {
    await vscode.commands.executeCommand('phoenix.scaffoldReleaseImage');
    for (const path of ['Dockerfile', '.dockerignore', 'rel/env.sh.eex', 'rel/overlays/bin/server', '.devcontainer/release/docker-compose.yml']) {
      assert.ok(await stat(join(root, path)).catch(() => undefined), `${path} was written`);
    }
    assert.equal((await stat(join(root, '.devcontainer/release/.env'))).mode & 0o777, 0o600, 'the release .env is private');
    await projects.refresh();
    release = projects.all.find((project) => project.environment.kind === 'release');
    assert.ok(release, 'the release is a project of the view');
    assert.equal(release.composeProject, 'hello_phoenix_release');
  });

  it('runs the release locally until its node and Phoenix answer', async () => {
    assert.ok(release);
    await tagImagesFor(await readFile(join(root, 'Dockerfile'), 'utf8'));
    await vscode.commands.executeCommand('phoenix.runReleaseLocally');
    // The command returns once the release is ready, or after a failure it only shows in a
    // notification: so nothing waits here, the node and Phoenix must answer at once.
    const container = await releaseContainer(release);
    assert.equal(await docker('exec', container, '/app/bin/hello_phoenix', 'rpc', 'IO.puts(node())'), NODE);
    const page = await fetch('http://127.0.0.1:4001/').then((response) => response.text());
    assert.match(page, new RegExp(`Served by node <code>${NODE}</code>`));
  });

  it('builds the release again when the code changed and the Dockerfile did not', async () => {
    assert.ok(release);
    await writeFile(join(root, 'lib', 'hello_phoenix', 'rebuilt.ex'), 'defmodule HelloPhoenix.Rebuilt do\n  def marker, do: "rebuilt"\nend\n');
    await vscode.commands.executeCommand('phoenix.runReleaseLocally');
    const container = await releaseContainer(release);
    assert.equal(await docker('exec', container, '/app/bin/hello_phoenix', 'rpc', 'IO.puts(HelloPhoenix.Rebuilt.marker())'), 'rebuilt');
  });

  it('attaches with the release\'s own remote command', async () => {
    assert.ok(release);
    const [listed] = (await engine.listComposeContainers(release.composeProject)).filter((container: ListedContainer) => container.state === 'running');
    assert.ok(listed);
    const node: DevContainerRow = { kind: 'service', target: { kind: 'service', project: release, service: listed.service, container: listed.id }, container: listed };
    await vscode.commands.executeCommand('phoenix.attachRemoteIex', node);
    const terminal = await waitFor(() => vscode.window.terminals.find((candidate) => candidate.name.startsWith('IEx: hello_phoenix@')), 'the IEx terminal', 60_000);
    const args = (terminal.creationOptions as vscode.TerminalOptions).shellArgs as string[];
    assert.deepEqual(args.slice(-2), ['/app/bin/hello_phoenix', 'remote']);
    // A remote shell that could not connect would end at once.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(terminal.exitStatus, undefined, 'the remote shell is still running');
    // The remote shell's processes carry the session's mark in their environment.
    const remoteShells = (): Promise<string> => docker('exec', listed.id, 'sh', '-c', 'grep -l PHOENIX_SESSION= /proc/[0-9]*/environ 2>/dev/null || true');
    assert.notEqual(await remoteShells(), '', 'the remote shell runs in the release container');
    terminal.dispose();
    await waitFor(async () => (await remoteShells()) === '', 'the remote shell to end with its terminal', 15_000);
    assert.equal(await docker('exec', listed.id, '/app/bin/hello_phoenix', 'rpc', 'IO.puts(node())'), NODE, 'the release goes on');
  });

  it("is observed as a dev container's node is: the helper runs under the release's own elixir script", async () => {
    assert.ok(release);
    const container = await engine.inspectContainer(await releaseContainer(release));
    const found = await discoverContainerNode(engine, container);
    assert.ok(found.kind === 'found' && found.release !== undefined, 'the release\'s node, found as a release');
    const command = observerHelperCommand({ node: found.node, mode: found.mode, cookie: found.cookie, release: found.release, helperName: `observer_${randomBytes(4).toString('hex')}`, containerEnv: container.env });
    const exec = helperExecArgv({ docker: 'docker', container: container.id, command });
    const helper = await ObserverHelper.start({ command: exec.command, args: exec.args, env: exec.env });
    try {
      assert.equal(parseOverview(await helper.request({ op: 'overview' })).node, NODE);
      const hello = parseApplications(await helper.request({ op: 'applications' })).find((application) => application.name === 'hello_phoenix');
      assert.equal(hello?.supervisorName, 'HelloPhoenix.Supervisor');
      assert.equal(`#PID${hello.supervisor}`, await docker('exec', container.id, '/app/bin/hello_phoenix', 'rpc', 'IO.puts(inspect(Process.whereis(HelloPhoenix.Supervisor)))'));
    } finally {
      helper.dispose();
    }
  });

  it('serves the page when config/runtime.exs binds the endpoint to loopback, which the release keeps', async () => {
    assert.ok(release);
    const runtime = join(root, 'config', 'runtime.exs');
    const stock = await readFile(runtime, 'utf8');
    const loopback = stock.replace('ip: {0, 0, 0, 0, 0, 0, 0, 0}', 'ip: {127, 0, 0, 1}');
    assert.notEqual(loopback, stock, 'the fixture binds all interfaces');
    await writeFile(runtime, loopback);
    await vscode.commands.executeCommand('phoenix.runReleaseLocally');
    const container = await releaseContainer(release);
    const page = await fetch('http://127.0.0.1:4001/').then((response) => response.text());
    assert.match(page, new RegExp(`Served by node <code>${NODE}</code>`));
    // The endpoint's own socket stays on loopback; the only other listener on its port is the
    // forwarder, on the container's own address: nothing listens on all interfaces.
    const endpointSocket = await docker('exec', container, '/app/bin/hello_phoenix', 'rpc', 'IO.inspect(:inet.sockname(:sys.get_state(HelloPhoenixWeb.Endpoint).socket))');
    assert.equal(endpointSocket, '{:ok, {{127, 0, 0, 1}, 4000}}');
    const addresses = (await docker('exec', container, 'cat', '/proc/net/tcp', '/proc/net/tcp6')).split('\n')
      .map((row) => row.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(':0FA0'))
      .map((fields) => fields[1]?.slice(0, -5));
    const own = (await docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', container)).split(' ').filter((ip) => ip !== '')
      .map((ip) => ip.split('.').reverse().map((part) => Number(part).toString(16).padStart(2, '0')).join('').toUpperCase());
    assert.deepEqual(addresses.sort(), ['0100007F', ...own].sort(), 'listeners on port 4000: loopback and the container\'s own address');
    assert.match(await docker('logs', container), /The endpoint listens on 127\.0\.0\.1:4000 only, as config\/runtime\.exs says, .*forwarding \S+:4000 to it/);
  });

  it('says the endpoint listens on loopback only when the release does not forward it', async () => {
    assert.ok(release);
    // As with a project's own bin/server, which knows nothing of the forwarder.
    const composeFile = join(root, '.devcontainer', 'release', 'docker-compose.yml');
    const text = await readFile(composeFile, 'utf8');
    assert.match(text, /LOOPBACK_FORWARD_PORT: "4000"/);
    await writeFile(composeFile, text.replace('LOOPBACK_FORWARD_PORT: "4000"', 'LOOPBACK_FORWARD_PORT: ""'));
    const failure = await startComposeProject(engine, await detectComposeCli('auto'), release.compose, { readyTimeoutMs: 120_000 }).then(() => undefined, (error: unknown) => error);
    assert.ok(failure instanceof DevContainerError, `a DevContainerError, not ${String(failure)}`);
    assert.equal(failure.failure.kind, 'http-on-loopback');
  });
});
