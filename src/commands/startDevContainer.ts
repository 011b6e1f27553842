import * as vscode from 'vscode';
import { startComposeProject, startComposeServices } from '../docker/lifecycle';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { projectForCommand, serviceOfNode } from '../ui/projectForCommand';
import { offerReadyActions } from '../ui/readyActions';
import { scaffoldDevContainerCommand } from './scaffoldDevContainer';
import type { Services } from './services';

/**
 * "Phoenix: Start Dev Container": scaffolds first when needed (after asking), then builds, starts
 * and waits until ready. On a service of the view that has a container, starts that one only.
 */
export async function startDevContainerCommand(services: Services, node?: unknown): Promise<void> {
  let project = await projectForCommand(services.projects, node, vscode.l10n.t('Start the dev container of which folder?'));
  if (project === undefined) return;
  const service = serviceOfNode(node);
  if (service !== undefined) {
    const target = project.compose;
    const ready = await withLifecycleProgress(services, project, vscode.l10n.t('Starting {0} of {1}', service, project.folder.name), async (options) =>
      startComposeServices(services.docker, await services.compose.cli(), target, [service], options));
    if (ready !== undefined) offerReadyActions(services, project, ready);
    return;
  }
  if (!project.hasComposeFile) {
    const scaffold = vscode.l10n.t('Scaffold Dev Container');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('{0} has no dev container yet. Scaffold one now, then start it?', project.folder.name),
      { modal: true },
      scaffold,
    );
    if (choice !== scaffold) return;
    const folder = project.folder;
    await scaffoldDevContainerCommand(services, folder);
    project = (await services.projects.scanned()).find((candidate) => candidate.folder.uri.toString() === folder.uri.toString());
    // The scaffold said why it wrote nothing (cancelled, or the user's files kept).
    if (project?.hasComposeFile !== true) return;
  }
  const target = project.compose;
  const title = project.role === 'release' ? vscode.l10n.t('Starting the release of {0}', project.folder.name) : vscode.l10n.t('Starting the dev container of {0}', project.folder.name);
  const ready = await withLifecycleProgress(services, project, title, async (options) =>
    startComposeProject(services.docker, await services.compose.cli(), target, options));
  if (ready !== undefined) offerReadyActions(services, project, ready);
}
