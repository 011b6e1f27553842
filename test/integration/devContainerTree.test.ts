import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ComposeEventsWatcher } from '../../src/docker/composeEventsWatcher';
import { DockerEngine } from '../../src/docker/engine';
import { DevContainerTree, type DevContainerRow } from '../../src/ui/devContainerTree';
import { PhoenixProjects } from '../../src/ui/phoenixProjects';
import { Settings } from '../../src/ui/settings';
import { BENCH_IMAGE, compose, docker, requireDocker, waitFor } from './support';

interface Row {
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
}

describe('Dev Container view (real Docker engine)', function () {
  this.timeout(120_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const log = vscode.window.createOutputChannel('Phoenix Dev Containers (tree test)', { log: true });
  const phoenixSettings = new Settings(vscode.workspace);
  const projects = new PhoenixProjects(log, phoenixSettings);
  const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('phoenix');
  const engine = new DockerEngine(phoenixSettings);
  const events = new ComposeEventsWatcher(engine);
  /** What the watcher last said about the engine: answering or not. */
  let connection: boolean | undefined;
  events.onConnectionChange((connected) => { connection = connected; });
  const tree = new DevContainerTree(projects, engine, log, events);
  /** Stands in for the TreeView VS Code creates in activate(): the test decides when it is visible. */
  const visibility = new vscode.EventEmitter<vscode.TreeViewVisibilityChangeEvent>();
  const view = { visible: false, onDidChangeVisibility: visibility.event };
  /** The elements the tree asked VS Code to refresh (undefined: all of it). */
  const refreshed: (DevContainerRow | undefined)[] = [];
  const composeProject = `phxtree${randomBytes(3).toString('hex')}`;
  let oneOff: string | undefined;
  let proxy: { server: Server; sockets: Set<Socket> } | undefined;

  const devContainerDir = (): string => {
    assert.ok(folder, 'no workspace folder is open');
    return join(folder.uri.fsPath, '.devcontainer');
  };
  const composeFile = (): string => join(devContainerDir(), 'docker-compose.yml');
  const composeTarget = (): { files: string[]; project: string } => ({ files: [composeFile()], project: composeProject });

  function rowOf(node: DevContainerRow): Row {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    return { label, description: String(item.description ?? ''), contextValue: item.contextValue ?? '' };
  }

  async function projectNode(): Promise<DevContainerRow> {
    const roots = await tree.getChildren();
    assert.equal(roots.length, 1, 'expected the workspace project as the only root');
    return roots[0] as DevContainerRow;
  }

  /** The rows under the project as a user sees them, after the tree asked Docker afresh. */
  async function serviceRows(): Promise<Row[]> {
    return (await tree.getChildren(await projectNode())).map(rowOf);
  }

  /** Starts a container labelled the way compose labels a `compose run` container. */
  const runOneOff = (): Promise<string> =>
    docker(
      'run', '-d',
      '--label', `com.docker.compose.project=${composeProject}`,
      '--label', 'com.docker.compose.service=app',
      '--label', 'com.docker.compose.oneoff=True',
      BENCH_IMAGE, 'sleep', 'infinity',
    );

  /** A socket that forwards to the real engine: Docker "coming back" at the address the setting names. */
  async function startProxy(path: string): Promise<void> {
    const upstreamPath = (process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect(upstreamPath);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
        socket.on('close', () => { sockets.delete(socket); client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => { server.listen(path, resolve); });
    proxy = { server, sockets };
  }

  async function stopProxy(): Promise<void> {
    if (proxy === undefined) return;
    const { server, sockets } = proxy;
    proxy = undefined;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
  }

  before(async function () {
    await requireDocker(this);
    await mkdir(devContainerDir(), { recursive: true });
    await writeFile(join(devContainerDir(), '.env'), `COMPOSE_PROJECT_NAME=${composeProject}\n`);
    await writeFile(composeFile(), [
      'services:',
      '  app:',
      `    image: ${BENCH_IMAGE}`,
      '    command: ["sleep", "infinity"]',
      '    init: true',
      '    labels:',
      '      dev.phoenix.role: app',
      '      dev.phoenix.node.name: app@tree',
      '      dev.phoenix.http.port: "4000"',
      '    ports:',
      // The engine picks the host port.
      '      - "127.0.0.1::4000"',
      '  worker:',
      `    image: ${BENCH_IMAGE}`,
      '    command: ["sh", "-c", "exit 3"]',
      '  db:',
      `    image: ${BENCH_IMAGE}`,
      '    command: ["sleep", "infinity"]',
      '',
    ].join('\n'));
    await projects.refresh();
    tree.onDidChangeTreeData((node) => { refreshed.push(node ?? undefined); });
  });

  after(async () => {
    await stopProxy();
    await settings().update('dockerHost', undefined, vscode.ConfigurationTarget.Workspace);
    if (oneOff !== undefined) await docker('rm', '-f', oneOff);
    await compose('v2', composeTarget(), 'down', '--timeout', '0').catch(() => undefined);
    await rm(devContainerDir(), { recursive: true, force: true });
    projects.dispose();
    tree.dispose();
    events.stop();
    visibility.dispose();
    log.dispose();
  });

  it('shows the workspace folder as a stopped project once it has a dev container', async () => {
    const item = tree.getTreeItem(await projectNode());
    assert.equal(item.label, folder?.name);
    assert.equal(item.contextValue, 'project stopped');
    assert.equal(item.description, composeProject);
  });

  it('shows the services the compose file defines as not created', async () => {
    assert.deepEqual(await serviceRows(), ['app', 'db', 'worker'].map((label) => ({ label, description: 'not created', contextValue: 'service missing' })));
  });

  it('shows running, failed and not created services, without one-off `compose run` containers', async () => {
    await compose('v2', composeTarget(), 'up', '-d', 'app', 'worker');
    oneOff = await runOneOff();
    const published = (await compose('v2', composeTarget(), 'port', 'app', '4000')).trim();
    assert.match(published, /^127\.0\.0\.1:\d+$/);
    const rows = await waitFor(async () => {
      const current = await serviceRows();
      return current.find((row) => row.label === 'worker')?.contextValue === 'service exited' ? current : undefined;
    }, 'the worker to exit');
    assert.deepEqual(rows, [
      { label: 'app', description: `running · ${published}→4000`, contextValue: 'service running node web' },
      { label: 'db', description: 'not created', contextValue: 'service missing' },
      { label: 'worker', description: 'exited (3)', contextValue: 'service exited' },
    ]);
    const project = await projectNode();
    assert.equal(tree.getTreeItem(project).contextValue, 'project running');

    const app = (await tree.getChildren(project))[0] as DevContainerRow;
    assert.equal(tree.getTreeItem(app).collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    const details = (await tree.getChildren(app)).map((node) => tree.getTreeItem(node));
    assert.deepEqual(details.map((item) => [item.label, item.contextValue]), [['app@tree', 'detail node'], [`http://${published}`, 'detail url']]);
    assert.deepEqual(details.map((item) => item.command), [
      undefined,
      { title: 'Open in Browser', command: 'phoenix.openInBrowser', arguments: [{ url: `http://${published}` }] },
    ]);
  });

  it('follows `docker stop` through Docker\'s events while visible, refreshing only the project', async () => {
    const project = await projectNode();
    refreshed.length = 0;
    view.visible = true;
    tree.attach(view);
    await waitFor(() => connection === true, 'the events stream to open', 5000);
    // The stream opening refreshes everything once (what happened while nobody watched).
    await waitFor(() => refreshed.includes(undefined), 'the refresh after opening', 2000);
    refreshed.length = 0;

    await docker('stop', (await compose('v2', composeTarget(), 'ps', '-q', 'app')).trim());
    const stoppedAt = Date.now();
    // Read as VS Code reads it after a refresh: the project's children, no new look at the roots.
    const rows = await waitFor(async () => {
      const current = (await tree.getChildren(project)).map(rowOf);
      return current[0]?.contextValue === 'service stopped node' ? current : undefined;
    }, 'the app to show as stopped', 2000);
    console.log(`      tree showed the stop ${Date.now() - stoppedAt} ms after docker stop returned`);
    assert.deepEqual(rows[0], { label: 'app', description: 'stopped', contextValue: 'service stopped node' });
    assert.equal(tree.getTreeItem(project).contextValue, 'project stopped');
    assert.ok(refreshed.includes(project), 'the project item was refreshed');
    assert.ok(!refreshed.includes(undefined), 'the whole tree was not refreshed');
    const app = (await tree.getChildren(project))[0] as DevContainerRow;
    assert.deepEqual((await tree.getChildren(app)).map((node) => tree.getTreeItem(node).label), ['app@tree'], 'no URL once stopped');
  });

  it('says in one row that Docker is not reachable, and recovers by itself when Docker answers again', async () => {
    const socket = join(tmpdir(), `phx-tree-${randomBytes(3).toString('hex')}.sock`);
    const unreachable = async (): Promise<boolean> => {
      const roots = await tree.getChildren();
      if (roots.length !== 1 || (roots[0] as DevContainerRow).kind !== 'message') return false;
      const item = tree.getTreeItem(roots[0] as DevContainerRow);
      assert.equal(item.label, 'Docker is not reachable. Is it running?');
      assert.equal(item.command?.command, 'phoenix.refreshView');
      return true;
    };
    const recovered = async (): Promise<boolean> => (await tree.getChildren()).map((node) => tree.getTreeItem(node).contextValue).join() === 'project stopped';

    await settings().update('dockerHost', `unix://${socket}`, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => connection === false, 'the watcher to find no engine', 5000);
    await waitFor(unreachable, 'the one "not reachable" row', 5000);

    // Docker comes back at that address: the watcher's next attempt (1, 2, 5, 10 s apart) finds it.
    refreshed.length = 0;
    await startProxy(socket);
    await waitFor(() => connection === true && refreshed.includes(undefined), 'the watcher to reconnect by itself', 15_000);
    await waitFor(recovered, 'the project to show again', 2000);

    // Docker goes away while followed.
    await stopProxy();
    await waitFor(() => connection === false, 'the watcher to notice', 5000);
    await waitFor(unreachable, 'the one "not reachable" row again', 5000);

    refreshed.length = 0;
    await settings().update('dockerHost', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => connection === true && refreshed.includes(undefined), 'the watcher to follow the default engine', 5000);
    await waitFor(recovered, 'the project to show again', 2000);
  });

  it('lists the containers of a compose file too large to read, but not its services without one', async () => {
    const original = await readFile(composeFile(), 'utf8');
    await writeFile(composeFile(), `${original}# ${'x'.repeat(300 * 1024)}\n`);
    try {
      assert.deepEqual((await serviceRows()).map((row) => [row.label, row.contextValue]), [['app', 'service stopped node'], ['worker', 'service exited']]);
    } finally {
      await writeFile(composeFile(), original);
    }
    assert.deepEqual((await serviceRows()).map((row) => row.label), ['app', 'db', 'worker']);
  });

  it('starts the whole project from the row of a service without a container, which creates it', async () => {
    // The extension's own scan knows this compose project once its files are read again.
    await vscode.commands.executeCommand('phoenix.refreshView');
    assert.deepEqual((await serviceRows()).map((row) => [row.label, row.contextValue]), [['app', 'service stopped node'], ['db', 'service missing'], ['worker', 'service exited']]);
    const db = (await tree.getChildren(await projectNode())).find((node) => node.kind === 'missing');
    assert.ok(db);
    // The app here runs no node, so the start gives up waiting for it after the shortest wait.
    await settings().update('readyTimeout', 10, vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('phoenix.startDevContainer', db);
    } finally {
      await settings().update('readyTimeout', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const rows = await serviceRows();
    assert.deepEqual(rows.map((row) => [row.label, row.contextValue.replace(/ web$/, '')]), [['app', 'service running node'], ['db', 'service running'], ['worker', 'service exited']]);
  });

  it('stops following when the view is hidden', () => {
    view.visible = false;
    visibility.fire({ visible: false });
    assert.equal(events.started, false);
  });
});
