import * as vscode from 'vscode';
import { MAX_COMPOSE_YAML_LENGTH, readComposeServices } from '../core/composeYaml';
import { serviceStatus, type ListedContainer, type ServiceStatus } from '../core/containerState';
import { erlangNodeName } from '../core/node';
import { publishedUrls } from '../core/publishedUrls';
import { mergeServices, projectContextValue, publishedPorts, runsPhoenix, serviceContextValue } from '../core/serviceView';
import { projectIcon, serviceLook } from '../core/statusLook';
import type { ComposeChange, ComposeEventsWatcher } from '../docker/composeEventsWatcher';
import type { DockerEngine } from '../docker/engine';
import { wordsFor } from './environmentWords';
import type { PhoenixProject, PhoenixProjects } from './phoenixProjects';
import { statusIcon, statusText } from './statusWords';
import type { TargetOf } from './target';
import { readTextUpTo } from './workspaceFiles';

/** A row of the view; VS Code passes it to the commands of its menus, which act on its target. */
export type DevContainerRow =
  | { readonly kind: 'project'; readonly target: TargetOf<'environment'> }
  | { readonly kind: 'service'; readonly target: TargetOf<'service'>; readonly container: ListedContainer }
  /** A service the compose files define that has no container yet. */
  | { readonly kind: 'missing'; readonly target: TargetOf<'service'> }
  /** A line under the app's service: its node or a URL. */
  | { readonly kind: 'detail'; readonly target: TargetOf<'node' | 'url'>; readonly id: string; readonly label: string; readonly tooltip: string; readonly icon: string; readonly contextValue: string; readonly command?: vscode.Command }
  | { readonly kind: 'message'; readonly text: string; readonly tooltip: string; readonly icon: string; readonly command?: vscode.Command };

type ProjectRow = Extract<DevContainerRow, { kind: 'project' }>;
type ServiceRow = Extract<DevContainerRow, { kind: 'service' }>;

/** What Docker and the compose files said about a project the last time the view looked. */
interface ProjectState {
  readonly containers: readonly ListedContainer[];
  /** The services its compose files define. */
  readonly defined: readonly string[];
}

/** The parts of the tree view that decide when Docker's events are followed (a TreeView, or a stand-in in tests). */
export type WatchedView = Pick<vscode.TreeView<unknown>, 'visible' | 'onDidChangeVisibility'>;

/**
 * The "Dev Container" view: each Phoenix project that has a dev container, and under it its
 * services as the Docker engine reports them right now. While the view is visible it follows
 * Docker's events and refreshes the project whose containers changed; hidden, it asks nothing.
 */
export class DevContainerTree implements vscode.TreeDataProvider<DevContainerRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DevContainerRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: { dispose(): unknown }[];
  /** The project items last shown, by folder, so that one can be refreshed alone. */
  private projectRows = new Map<string, ProjectRow>();
  private readonly states = new Map<string, ProjectState>();
  /** The latest load of each project, so that an older one finishing late does not win. */
  private readonly loads = new Map<string, number>();
  private unreachable = false;
  private view: WatchedView | undefined;

  constructor(
    private readonly projects: PhoenixProjects,
    private readonly docker: DockerEngine,
    private readonly log: vscode.LogOutputChannel,
    private readonly events: ComposeEventsWatcher,
  ) {
    this.disposables = [
      this.changed,
      projects.onDidChange(() => {
        // Also the view's Retry: Docker is tried again at once rather than at the end of its wait.
        this.events.retryNow();
        this.followEvents();
        this.refresh();
      }),
      docker.onDidChangeEngine(() => {
        // The events of the engine in use now (phoenix.dockerHost changed, or Refresh).
        if (this.events.started) {
          this.events.stop();
          this.followEvents();
        }
        this.refresh();
      }),
      events.onChange((change) => { void this.apply(change); }),
      events.onConnectionChange((connected, error) => {
        if (connected) this.log.info('Following Docker events');
        else this.log.warn(`Docker is not reachable, trying again shortly: ${String(error)}`);
      }),
    ];
  }

  /**
   * Follows Docker's events while `view` is visible (and a project has a dev container), so the
   * view stays current without polling. Dispose to stop.
   */
  attach(view: WatchedView): { dispose(): void } {
    this.view = view;
    const visibility = view.onDidChangeVisibility(() => { this.followEvents(); });
    this.followEvents();
    return {
      dispose: () => {
        visibility.dispose();
        this.view = undefined;
        this.events.stop();
      },
    };
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(row?: DevContainerRow): Promise<DevContainerRow[]> | DevContainerRow[] {
    if (row === undefined) return this.roots();
    switch (row.kind) {
      case 'project': return this.servicesOf(row.target.project);
      case 'service': return detailsOf(row);
      default: return [];
    }
  }

  getTreeItem(row: DevContainerRow): vscode.TreeItem {
    switch (row.kind) {
      case 'project': {
        const { project } = row.target;
        const state = this.states.get(keyOf(project));
        const statuses = state === undefined ? [] : mergeServices(state.containers, state.defined).map((entry) => serviceStatus(entry.container));
        const contextValue = projectContextValue(statuses);
        const label = wordsFor(project.environment).label(project.folder.name);
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `project:${keyOf(project)}`;
        item.description = project.composeProject;
        item.tooltip = vscode.l10n.t('Compose project {0} in {1}', project.composeProject, project.dir.fsPath);
        item.iconPath = new vscode.ThemeIcon(projectIcon(statuses));
        item.contextValue = contextValue;
        return item;
      }
      case 'service': {
        const { container } = row;
        const status = serviceStatus(container);
        const nodeName = erlangNodeName(container);
        const urls = urlsOf(container);
        const ports = publishedPorts(container.ports);
        const expandable = detailsOf(row).length > 0;
        const item = new vscode.TreeItem(container.service, expandable ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `container:${container.id}`;
        item.description = [statusText(serviceLook(status)), ...ports].join(' · ');
        item.tooltip = [
          `${container.service}: ${container.status}`,
          ...(nodeName === undefined ? [] : [vscode.l10n.t('Erlang node: {0}', nodeName)]),
          ...(ports.length === 0 ? [] : [vscode.l10n.t('Ports: {0}', ports.join(', '))]),
          ...urls,
        ].join('\n');
        item.iconPath = statusIcon(serviceLook(status));
        item.contextValue = serviceContextValue(status, { node: nodeName !== undefined, web: urls.length > 0 });
        return item;
      }
      case 'missing': {
        const status: ServiceStatus = { kind: 'missing' };
        const { project, service } = row.target;
        const item = new vscode.TreeItem(service, vscode.TreeItemCollapsibleState.None);
        item.id = `missing:${keyOf(project)}:${service}`;
        item.description = statusText(serviceLook(status));
        item.tooltip = vscode.l10n.t('{0} is defined in the compose file but has no container yet: Start creates it.', service);
        item.iconPath = statusIcon(serviceLook(status));
        item.contextValue = serviceContextValue(status, { node: false, web: false });
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
        item.id = row.id;
        item.tooltip = row.tooltip;
        item.iconPath = new vscode.ThemeIcon(row.icon);
        item.contextValue = row.contextValue;
        if (row.command) item.command = row.command;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(row.text, vscode.TreeItemCollapsibleState.None);
        item.tooltip = row.tooltip;
        item.iconPath = new vscode.ThemeIcon(row.icon);
        item.contextValue = 'message';
        if (row.command) item.command = row.command;
        return item;
      }
    }
  }

  /** Watches while someone looks: the view is visible and there is a dev container to show. */
  private followEvents(): void {
    if (this.view?.visible === true && this.projects.all.some((project) => project.scaffolded)) this.events.start();
    else this.events.stop();
  }

  /** Refreshes the projects whose containers changed, or everything when any may have. */
  private async apply(change: ComposeChange): Promise<void> {
    if (change === undefined || this.unreachable) {
      this.refresh();
      return;
    }
    const affected = [...this.projectRows.values()].filter((row) => change.has(row.target.project.composeProject));
    try {
      await Promise.all(affected.map((row) => this.load(row.target.project)));
    } catch {
      this.refresh();
      return;
    }
    for (const row of affected) this.changed.fire(row);
  }

  private async roots(): Promise<DevContainerRow[]> {
    const shown = this.projects.all.filter((project) => project.scaffolded);
    try {
      await Promise.all(shown.map((project) => this.load(project)));
    } catch (error) {
      this.unreachable = true;
      this.projectRows.clear();
      return [this.unreachableMessage(error)];
    }
    this.unreachable = false;
    const previous = this.projectRows;
    this.projectRows = new Map(shown.map((project) => {
      const row = previous.get(keyOf(project));
      return [keyOf(project), row?.target.project === project ? row : { kind: 'project', target: { kind: 'environment', project } }];
    }));
    return [...this.projectRows.values()];
  }

  private async servicesOf(project: PhoenixProject): Promise<DevContainerRow[]> {
    let state = this.states.get(keyOf(project));
    if (state === undefined) {
      try {
        state = await this.load(project);
      } catch (error) {
        return [this.unreachableMessage(error)];
      }
    }
    const entries = mergeServices(state.containers, state.defined);
    if (entries.length === 0) {
      return [{
        kind: 'message',
        text: vscode.l10n.t('Not created yet'),
        tooltip: vscode.l10n.t('No container of the compose project {0} exists yet.', project.composeProject),
        icon: 'circle-outline',
      }];
    }
    return entries.map((entry): DevContainerRow => entry.container === undefined
      ? { kind: 'missing', target: { kind: 'service', project, service: entry.name, container: undefined } }
      : { kind: 'service', target: { kind: 'service', project, service: entry.name, container: entry.container.id }, container: entry.container });
  }

  /** Asks Docker for the project's containers and reads its compose files; fails when Docker does not answer. */
  private async load(project: PhoenixProject): Promise<ProjectState> {
    const key = keyOf(project);
    const generation = (this.loads.get(key) ?? 0) + 1;
    this.loads.set(key, generation);
    const [containers, defined] = await Promise.all([this.docker.listComposeContainers(project.composeProject), this.definedServices(project)]);
    const state = { containers, defined };
    if (this.loads.get(key) === generation) this.states.set(key, state);
    return state;
  }

  /** The services the project's compose files define, as written (an unreadable file defines none). */
  private async definedServices(project: PhoenixProject): Promise<string[]> {
    const texts = await Promise.all(project.compose.files.map((file) => readTextUpTo(vscode.Uri.file(file), MAX_COMPOSE_YAML_LENGTH, (bytes) => {
      this.log.warn(`${file} was not read, so its services without a container are not listed: it is ${Math.ceil(bytes / 1024)} KB, more than the ${MAX_COMPOSE_YAML_LENGTH / 1024} KB a compose file is read up to.`);
    })));
    return texts.flatMap((text, index) => {
      if (text === undefined) return [];
      const read = readComposeServices(text);
      if ('services' in read) return Object.keys(read.services);
      // Compose itself says what is wrong with a file it cannot read.
      this.log.debug(`${project.compose.files[index] ?? ''}: no services read (${'detail' in read ? read.detail : 'no "services:" section'})`);
      return [];
    });
  }

  private unreachableMessage(error: unknown): DevContainerRow {
    this.log.warn(`Docker is not reachable: ${String(error)}`);
    return {
      kind: 'message',
      text: vscode.l10n.t('Docker is not reachable. Is it running?'),
      tooltip: vscode.l10n.t('Start Docker (or set "phoenix.dockerHost"), then click to retry.\n{0}', String(error)),
      icon: 'warning',
      command: { title: vscode.l10n.t('Retry'), command: 'phoenix.refreshView' },
    };
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function keyOf(project: PhoenixProject): string {
  return `${project.environment.kind}:${project.folder.uri.toString()}`;
}

function urlsOf(container: ListedContainer): string[] {
  return container.ports === undefined ? [] : publishedUrls({ labels: container.labels, ports: container.ports });
}

/** Under the app's service: its Erlang node and the URLs Phoenix answers on. */
function detailsOf({ target: { project }, container }: ServiceRow): DevContainerRow[] {
  if (!runsPhoenix(container)) return [];
  const nodeName = erlangNodeName(container);
  return [
    ...(nodeName === undefined ? [] : [{
      kind: 'detail' as const,
      target: { kind: 'node' as const, project, service: container.service, container: container.id, node: nodeName },
      id: `node:${container.id}`,
      label: nodeName,
      tooltip: vscode.l10n.t('Erlang node {0}', nodeName),
      icon: 'server-process',
      contextValue: 'detail node',
    }]),
    ...urlsOf(container).map((url) => ({
      kind: 'detail' as const,
      target: { kind: 'url' as const, url },
      id: `url:${container.id}:${url}`,
      label: url,
      tooltip: vscode.l10n.t('Open {0} in the browser', url),
      icon: 'globe',
      contextValue: 'detail url',
      // The link form of its target, as a command link would pass it.
      command: { title: vscode.l10n.t('Open in Browser'), command: 'phoenix.openInBrowser', arguments: [{ url }] },
    })),
  ];
}
