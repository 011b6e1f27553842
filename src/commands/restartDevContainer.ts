import * as vscode from 'vscode';
import { restartComposeProject } from '../docker/lifecycle';
import { wordsFor } from '../ui/environmentWords';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { pickEnvironment } from '../ui/pickEnvironment';
import { offerReadyActions } from '../ui/readyActions';
import { servicesOf, type TargetOf } from '../ui/target';
import type { Services } from './services';

/**
 * "Phoenix: Restart Dev Container": restarts the services as they are (or the one it was invoked
 * on in the view) and waits until the app is ready when it was restarted.
 */
export async function restartDevContainerCommand(services: Services, target: TargetOf<'environment' | 'service'> | undefined): Promise<void> {
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Restart the dev container of which folder?')));
  if (project === undefined) return;
  const only = servicesOf(target);
  const title = only === undefined
    ? wordsFor(project.environment).restarting(project.folder.name)
    : vscode.l10n.t('Restarting {0} of {1}', only.join(', '), project.folder.name);
  const ready = await withLifecycleProgress(services, project, title, async (options) =>
    restartComposeProject(services.docker, await services.compose.cli(), project.compose, options, only));
  if (ready !== undefined) offerReadyActions(services, project, ready);
}
