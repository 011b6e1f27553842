import * as vscode from 'vscode';
import { startComposeProject, startComposeServices } from '../docker/lifecycle';
import { checkFileWatchingAfterStart } from '../ui/fileWatchingReport';
import { wordsFor } from '../ui/environmentWords';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { pickEnvironment } from '../ui/pickEnvironment';
import { offerReadyActions } from '../ui/readyActions';
import { servicesOf, type TargetOf } from '../ui/target';
import { scaffoldDevContainerCommand } from './scaffoldDevContainer';
import type { Services } from './services';

/**
 * "Phoenix: Start Dev Container": scaffolds first when needed (after asking), then builds, starts
 * and waits until ready. On a service of the view that has a container, starts that one only; on
 * one that has none yet, starts its environment, which creates it.
 */
export async function startDevContainerCommand(services: Services, target: TargetOf<'environment' | 'service'> | undefined): Promise<void> {
  let project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Start the dev container of which folder?')));
  if (project === undefined) return;
  const only = servicesOf(target);
  if (only !== undefined) {
    const compose = project.compose;
    const ready = await withLifecycleProgress(services, project, vscode.l10n.t('Starting {0} of {1}', only.join(', '), project.folder.name), async (options) =>
      startComposeServices(services.docker, await services.compose.cli(), compose, only, options));
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
    await scaffoldDevContainerCommand(services, { kind: 'environment', project });
    project = (await services.projects.scanned()).find((candidate) => candidate.folder.uri.toString() === folder.uri.toString());
    // The scaffold said why it wrote nothing (cancelled, or the user's files kept).
    if (project?.hasComposeFile !== true) return;
  }
  const compose = project.compose;
  const title = wordsFor(project.environment).starting(project.folder.name);
  const ready = await withLifecycleProgress(services, project, title, async (options) =>
    startComposeProject(services.docker, await services.compose.cli(), compose, options));
  if (ready === undefined) return;
  offerReadyActions(services, project, ready);
  checkFileWatchingAfterStart(services, project, ready.containerId);
}
