import * as vscode from 'vscode';
import { serviceState, type ListedContainer, type ServiceState } from '../core/containerState';
import type { DockerEngine } from '../docker/engine';
import type { PhoenixProject, PhoenixProjects } from './phoenixProjects';

export type DevContainerNode =
  | { readonly kind: 'project'; readonly project: PhoenixProject }
  | { readonly kind: 'service'; readonly project: PhoenixProject; readonly container: ListedContainer }
  | { readonly kind: 'message'; readonly text: string; readonly tooltip: string; readonly icon: string; readonly command?: vscode.Command };

/**
 * The "Dev Container" view: each Phoenix project that has a dev container, and under it the
 * containers of its compose project as the Docker engine reports them.
 */
export class DevContainerTree implements vscode.TreeDataProvider<DevContainerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DevContainerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly projects: PhoenixProjects,
    private readonly docker: DockerEngine,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = projects.onDidChange(() => {
      this.refresh();
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: DevContainerNode): Promise<DevContainerNode[]> | DevContainerNode[] {
    if (node === undefined) {
      return this.projects.all.filter((project) => project.hasDevContainer).map((project) => ({ kind: 'project', project }));
    }
    return node.kind === 'project' ? this.servicesOf(node.project) : [];
  }

  getTreeItem(node: DevContainerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'project': {
        const item = new vscode.TreeItem(node.project.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `project:${node.project.folder.uri.toString()}`;
        item.description = node.project.composeProject;
        item.tooltip = vscode.l10n.t('Compose project {0} in {1}', node.project.composeProject, node.project.devContainerDir.fsPath);
        item.iconPath = new vscode.ThemeIcon('folder');
        item.contextValue = 'project';
        return item;
      }
      case 'service': {
        const state = serviceState(node.container);
        const item = new vscode.TreeItem(node.container.service, vscode.TreeItemCollapsibleState.None);
        item.id = `container:${node.container.id}`;
        item.description = describeState(state);
        item.tooltip = node.container.status;
        item.iconPath = stateIcon(state);
        item.contextValue = `service ${state.kind}`;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'message';
        if (node.command) item.command = node.command;
        return item;
      }
    }
  }

  private async servicesOf(project: PhoenixProject): Promise<DevContainerNode[]> {
    let containers: ListedContainer[];
    try {
      containers = await this.docker.listComposeContainers(project.composeProject);
    } catch (error) {
      this.log.warn(`Docker is not reachable: ${String(error)}`);
      return [{
        kind: 'message',
        text: vscode.l10n.t('Docker is not reachable. Is it running?'),
        tooltip: vscode.l10n.t('Start Docker (or set "phoenix.dockerHost"), then click to retry.\n{0}', String(error)),
        icon: 'warning',
        command: { title: vscode.l10n.t('Retry'), command: 'phoenix.refreshView' },
      }];
    }
    if (containers.length === 0) {
      return [{
        kind: 'message',
        text: vscode.l10n.t('Not created yet'),
        tooltip: vscode.l10n.t('No container of the compose project {0} exists yet.', project.composeProject),
        icon: 'circle-outline',
      }];
    }
    return containers
      .sort((a, b) => a.service.localeCompare(b.service))
      .map((container) => ({ kind: 'service', project, container }));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function describeState(state: ServiceState): string {
  if (state.kind === 'exited') {
    return state.exitCode === undefined ? vscode.l10n.t('exited') : vscode.l10n.t('exited ({0})', state.exitCode);
  }
  const labels: Record<Exclude<ServiceState['kind'], 'exited'>, string> = {
    running: vscode.l10n.t('running'),
    healthy: vscode.l10n.t('healthy'),
    starting: vscode.l10n.t('starting'),
    unhealthy: vscode.l10n.t('unhealthy'),
    restarting: vscode.l10n.t('restarting'),
    paused: vscode.l10n.t('paused'),
    created: vscode.l10n.t('created'),
    dead: vscode.l10n.t('dead'),
  };
  return labels[state.kind];
}

function stateIcon(state: ServiceState): vscode.ThemeIcon {
  switch (state.kind) {
    case 'running':
    case 'healthy':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'starting':
    case 'restarting':
      return new vscode.ThemeIcon('loading~spin');
    case 'unhealthy':
    case 'dead':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'exited':
      return state.exitCode === 0
        ? new vscode.ThemeIcon('circle-outline')
        : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'paused':
      return new vscode.ThemeIcon('debug-pause');
    case 'created':
      return new vscode.ThemeIcon('circle-outline');
  }
}
