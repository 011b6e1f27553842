import * as vscode from 'vscode';
import { restartDevContainer as restart } from '../docker/lifecycle';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { projectForCommand } from '../ui/projectForCommand';
import { offerReadyActions } from '../ui/readyActions';
import type { Services } from './services';

/** "Phoenix: Restart Dev Container": restarts the services as they are and waits until ready. */
export async function restartDevContainer(services: Services, node?: unknown): Promise<void> {
  const project = await projectForCommand(services.projects, node, vscode.l10n.t('Restart the dev container of which folder?'));
  if (project === undefined) return;
  const ready = await withLifecycleProgress(services, project, vscode.l10n.t('Restarting the dev container of {0}', project.folder.name), async (options) =>
    restart(services.docker, await services.compose.cli(), project.compose, options));
  if (ready !== undefined) offerReadyActions(services, project, ready);
}
