import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { DockerEngine } from './docker/engine';
import { DevContainerTree } from './ui/devContainerTree';
import { PhoenixProjects } from './ui/phoenixProjects';
import { ProposedFiles } from './ui/proposedFiles';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Phoenix Dev Containers', { log: true });
  const docker = new DockerEngine(() => vscode.workspace.getConfiguration('phoenix').get<string>('dockerHost', ''));
  const projects = new PhoenixProjects(log);
  const tree = new DevContainerTree(projects, docker, log);
  const proposedFiles = new ProposedFiles();
  context.subscriptions.push(
    log,
    projects,
    tree,
    proposedFiles,
    vscode.window.createTreeView('phoenix.devContainer', { treeDataProvider: tree }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('phoenix.dockerHost')) {
        docker.reset();
        tree.refresh();
      }
    }),
  );
  registerCommands(context, { log, projects, docker, proposedFiles });
  // Discovery reads files; activation does not wait for it.
  void projects.refresh();
}

