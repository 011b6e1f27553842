import * as vscode from 'vscode';
import { ENVIRONMENT_ORDER } from '../core/environments';
import { projectLook } from '../core/statusLook';
import type { ComposeEventsWatcher } from '../docker/composeEventsWatcher';
import type { DockerEngine } from '../docker/engine';
import { wordsFor } from './environmentWords';
import type { PhoenixProject, PhoenixProjects } from './phoenixProjects';
import { statusText } from './statusWords';

/**
 * The dev container's state in the status bar ("Phoenix: running"), for the first project that
 * has one, else for the first of its other environments (the release run locally); clicking it opens the Phoenix view. Asked of
 * Docker only when something changed: the projects, a command, Docker's events (followed while
 * the Phoenix view is visible), or the window coming back into focus (what happened meanwhile in
 * a terminal, with the view hidden).
 */
export class DevContainerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('phoenix.devContainerState', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: { dispose(): void }[];
  /** Counts renders, so an update that finishes after a newer render does not overwrite it. */
  private renders = 0;
  private busy = false;

  constructor(private readonly projects: PhoenixProjects, private readonly docker: DockerEngine, events: ComposeEventsWatcher) {
    this.item.name = vscode.l10n.t('Phoenix Dev Container');
    this.item.command = 'workbench.view.extension.phoenix';
    this.subscriptions = [
      projects.onDidChange(() => void this.update()),
      events.onChange((changed) => {
        const project = this.shownProject();
        // A command's progress stays until the command ends (it updates the item then).
        if (this.busy || project === undefined) return;
        if (changed === undefined || changed.has(project.composeProject)) void this.update();
      }),
      // Another engine (phoenix.dockerHost changed, or Refresh).
      docker.onDidChangeEngine(() => void this.update()),
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused && !this.busy) void this.update();
      }),
    ];
  }

  /** Shows work in progress (starting, stopping) until the next update. */
  showBusy(project: PhoenixProject, title: string): void {
    this.renders += 1;
    this.busy = true;
    this.render(`$(sync~spin) ${vscode.l10n.t('Phoenix: {0}…', title)}`, describeProject(project, title));
  }

  async update(): Promise<void> {
    const render = ++this.renders;
    this.busy = false;
    const project = this.shownProject();
    if (project === undefined) {
      this.item.hide();
      return;
    }
    const look = projectLook(await this.docker.listComposeContainers(project.composeProject).catch(() => 'unreachable' as const));
    // A command that started meanwhile owns the item until it ends.
    if (render !== this.renders) return;
    const state = statusText(look);
    this.render(`$(${look.icon}) ${vscode.l10n.t('Phoenix: {0}', state)}`, describeProject(project, state));
  }

  private shownProject(): PhoenixProject | undefined {
    const candidates = this.projects.all.filter((candidate) => candidate.scaffolded);
    for (const environment of ENVIRONMENT_ORDER) {
      const shown = candidates.find((candidate) => candidate.environment === environment);
      if (shown !== undefined) return shown;
    }
    return undefined;
  }

  /** `description` names the project and its state: the tooltip, and what a screen reader says. */
  private render(text: string, description: string): void {
    this.item.text = text;
    this.item.tooltip = description;
    this.item.accessibilityInformation = { label: description };
    this.item.show();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}

function describeProject(project: PhoenixProject, state: string): string {
  return wordsFor(project.environment).state(project.folder.name, state);
}
