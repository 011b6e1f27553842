import * as vscode from 'vscode';
import { stopComposeProject } from '../docker/lifecycle';
import { wordsFor } from '../ui/environmentWords';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { pickEnvironment } from '../ui/pickEnvironment';
import { servicesOf, type TargetOf } from '../ui/target';
import { walkthroughEventHappened } from '../ui/walkthrough';
import type { Services } from './services';

/** "Phoenix: Stop Dev Container": stops the services (or the one it was invoked on in the view), keeping containers and volumes. */
export async function stopDevContainerCommand(services: Services, target: TargetOf<'environment' | 'service'> | undefined): Promise<void> {
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Stop the dev container of which folder?')));
  if (project === undefined) return;
  const only = servicesOf(target);
  const title = only === undefined
    ? wordsFor(project.environment).stopping(project.folder.name)
    : vscode.l10n.t('Stopping {0} of {1}', only.join(', '), project.folder.name);
  const stopped = await withLifecycleProgress(services, project, title, async (options) => {
    await stopComposeProject(services.docker, await services.compose.cli(), project.compose, options, only);
    return true;
  });
  if (stopped === true && only === undefined && project.environment.inWalkthrough) walkthroughEventHappened('stopped');
}
