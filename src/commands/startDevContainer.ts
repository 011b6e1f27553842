import * as vscode from 'vscode';
import { startDevContainer as start } from '../docker/lifecycle';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { projectForCommand } from '../ui/projectForCommand';
import { offerReadyActions } from '../ui/readyActions';
import type { Services } from './services';

/** "Phoenix: Start Dev Container": scaffolds first when needed (after asking), then builds, starts and waits until ready. */
export async function startDevContainer(services: Services, node?: unknown): Promise<void> {
  let project = await projectForCommand(services.projects, node, vscode.l10n.t('Start the dev container of which folder?'));
  if (project === undefined) return;
  if (!project.hasDevContainer) {
    const scaffold = vscode.l10n.t('Scaffold Dev Container');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('{0} has no dev container yet. Scaffold one now, then start it?', project.folder.name),
      { modal: true },
      scaffold,
    );
    if (choice !== scaffold) return;
    await vscode.commands.executeCommand('phoenix.scaffoldDevContainer');
    const folder = project.folder;
    project = services.projects.all.find((candidate) => candidate.folder === folder);
    if (project?.hasDevContainer !== true) return;
  }
  const target = project.compose;
  const ready = await withLifecycleProgress(services, project, vscode.l10n.t('Starting the dev container of {0}', project.folder.name), async (options) =>
    start(services.docker, await services.compose.cli(), target, options));
  if (ready !== undefined) offerReadyActions(services, project, ready);
}
