import * as vscode from 'vscode';
import { restartComposeProject } from '../docker/lifecycle';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { projectForCommand, serviceOfNode } from '../ui/projectForCommand';
import { offerReadyActions } from '../ui/readyActions';
import type { Services } from './services';

/**
 * "Phoenix: Restart Dev Container": restarts the services as they are (or the one it was invoked
 * on in the view) and waits until the app is ready when it was restarted.
 */
export async function restartDevContainerCommand(services: Services, node?: unknown): Promise<void> {
  const project = await projectForCommand(services.projects, node, vscode.l10n.t('Restart the dev container of which folder?'));
  if (project === undefined) return;
  const service = serviceOfNode(node);
  const title = service === undefined
    ? project.role === 'release' ? vscode.l10n.t('Restarting the release of {0}', project.folder.name) : vscode.l10n.t('Restarting the dev container of {0}', project.folder.name)
    : vscode.l10n.t('Restarting {0} of {1}', service, project.folder.name);
  const ready = await withLifecycleProgress(services, project, title, async (options) =>
    restartComposeProject(services.docker, await services.compose.cli(), project.compose, options, service === undefined ? undefined : [service]));
  if (ready !== undefined) offerReadyActions(services, project, ready);
}
