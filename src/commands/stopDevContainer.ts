import * as vscode from 'vscode';
import { stopComposeProject } from '../docker/lifecycle';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { projectForCommand, serviceOfNode } from '../ui/projectForCommand';
import { walkthroughEventHappened } from '../ui/walkthrough';
import type { Services } from './services';

/** "Phoenix: Stop Dev Container": stops the services (or the one it was invoked on in the view), keeping containers and volumes. */
export async function stopDevContainerCommand(services: Services, node?: unknown): Promise<void> {
  const project = await projectForCommand(services.projects, node, vscode.l10n.t('Stop the dev container of which folder?'));
  if (project === undefined) return;
  const service = serviceOfNode(node);
  const title = service === undefined
    ? project.role === 'release' ? vscode.l10n.t('Stopping the release of {0}', project.folder.name) : vscode.l10n.t('Stopping the dev container of {0}', project.folder.name)
    : vscode.l10n.t('Stopping {0} of {1}', service, project.folder.name);
  const stopped = await withLifecycleProgress(services, project, title, async (options) => {
    await stopComposeProject(services.docker, await services.compose.cli(), project.compose, options, service === undefined ? undefined : [service]);
    return true;
  });
  if (stopped === true && service === undefined && project.role === 'dev') walkthroughEventHappened('stopped');
}
