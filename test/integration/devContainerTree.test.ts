import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DockerEngine } from '../../src/docker/engine';
import { DevContainerTree, type DevContainerNode } from '../../src/ui/devContainerTree';
import { PhoenixProjects } from '../../src/ui/phoenixProjects';
import { BENCH_IMAGE, docker, requireDocker, waitFor } from './support';

describe('Dev Container view (real Docker engine)', function () {
  this.timeout(120_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const log = vscode.window.createOutputChannel('Phoenix Dev Containers (tree test)', { log: true });
  const projects = new PhoenixProjects(log);
  const tree = new DevContainerTree(projects, new DockerEngine(() => ''), log);
  let container: string | undefined;
  let oneOff: string | undefined;

  /** Starts a container labelled the way compose labels a service's (or a `compose run`'s) container. */
  const runLabelled = (project: string, oneOffRun: boolean): Promise<string> =>
    docker(
      'run', '-d',
      '--label', `com.docker.compose.project=${project}`,
      '--label', 'com.docker.compose.service=app',
      '--label', `com.docker.compose.oneoff=${oneOffRun ? 'True' : 'False'}`,
      BENCH_IMAGE, 'sleep', 'infinity',
    );

  const devContainerDir = (): string => {
    assert.ok(folder, 'no workspace folder is open');
    return join(folder.uri.fsPath, '.devcontainer');
  };

  /** The rows under the project, as label + description + context value, the way a user sees them. */
  async function serviceRows(): Promise<{ label: string; description: string; contextValue: string }[]> {
    const roots = await tree.getChildren();
    assert.equal(roots.length, 1, 'expected the workspace project as the only root');
    const children: DevContainerNode[] = await tree.getChildren(roots[0]);
    return children.map((node) => {
      const item = tree.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
      return { label, description: String(item.description ?? ''), contextValue: item.contextValue ?? '' };
    });
  }

  before(async function () {
    await requireDocker(this);
    await mkdir(devContainerDir(), { recursive: true });
    await writeFile(join(devContainerDir(), 'docker-compose.yml'), 'services: {}\n');
    await projects.refresh();
  });

  after(async () => {
    for (const id of [container, oneOff]) if (id !== undefined) await docker('rm', '-f', id);
    await rm(devContainerDir(), { recursive: true, force: true });
    projects.dispose();
    tree.dispose();
    log.dispose();
  });

  it('shows the workspace folder as a project once it has a dev container', async () => {
    const roots = await tree.getChildren();
    assert.equal(roots.length, 1);
    const item = tree.getTreeItem(roots[0] as DevContainerNode);
    assert.equal(item.label, folder?.name);
    assert.equal(item.contextValue, 'project');
    assert.equal(item.description, projects.all[0]?.composeProject);
  });

  it('says the container is not created yet when the compose project has none', async () => {
    const rows = await serviceRows();
    assert.deepEqual(rows.map((row) => row.label), ['Not created yet']);
  });

  it('lists a running compose service found by its labels, without one-off `compose run` containers', async () => {
    const project = projects.all[0]?.composeProject;
    assert.ok(project);
    container = await runLabelled(project, false);
    oneOff = await runLabelled(project, true);
    const rows = await serviceRows();
    assert.deepEqual(rows, [{ label: 'app', description: 'running', contextValue: 'service running' }]);
  });

  it('reflects a stopped container with its exit code', async () => {
    assert.ok(container);
    await docker('kill', container);
    const rows = await waitFor(async () => {
      const current = await serviceRows();
      return current[0]?.contextValue === 'service exited' ? current : undefined;
    }, 'the service to show as exited');
    assert.deepEqual(rows, [{ label: 'app', description: 'exited (137)', contextValue: 'service exited' }]);
  });

  it('says in one row that Docker is not reachable, with a Retry action', async () => {
    const engine = new DockerEngine(() => 'unix:///nonexistent/docker.sock');
    const unreachableTree = new DevContainerTree(projects, engine, log);
    const roots = await unreachableTree.getChildren();
    const children = await unreachableTree.getChildren(roots[0]);
    assert.equal(children.length, 1);
    const item = unreachableTree.getTreeItem(children[0] as DevContainerNode);
    assert.equal(item.label, 'Docker is not reachable. Is it running?');
    assert.equal(item.command?.command, 'phoenix.refreshView');
    unreachableTree.dispose();
  });
});
