import * as vscode from 'vscode';
import { stopDevContainer as stop } from '../docker/lifecycle';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { projectForCommand } from '../ui/projectForCommand';
import type { Services } from './services';

/** "Phoenix: Stop Dev Container": stops the services, keeping containers and volumes. */
export async function stopDevContainer(services: Services, node?: unknown): Promise<void> {
  const project = await projectForCommand(services.projects, node, vscode.l10n.t('Stop the dev container of which folder?'));
  if (project === undefined) return;
  await withLifecycleProgress(services, project, vscode.l10n.t('Stopping the dev container of {0}', project.folder.name), async (options) =>
    stop(services.docker, await services.compose.cli(), project.compose, options));
}
