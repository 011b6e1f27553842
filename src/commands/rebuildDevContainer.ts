import * as vscode from 'vscode';
import { rebuildComposeProject } from '../docker/lifecycle';
import { wordsFor } from '../ui/environmentWords';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { pickEnvironment } from '../ui/pickEnvironment';
import { offerReadyActions } from '../ui/readyActions';
import type { TargetOf } from '../ui/target';
import type { Services } from './services';

/** "Phoenix: Rebuild Dev Container": builds the images again (with or without the cache) and recreates the services. */
export async function rebuildDevContainerCommand(services: Services, target: TargetOf<'environment'> | undefined): Promise<void> {
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Rebuild the dev container of which folder?')));
  if (project === undefined) return;
  const picked = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Rebuild'), detail: vscode.l10n.t('Reuses the cached layers that did not change.'), noCache: false },
      { label: vscode.l10n.t('Rebuild Without Cache'), detail: vscode.l10n.t('Runs every step again, e.g. to get newer system packages.'), noCache: true },
    ],
    { placeHolder: vscode.l10n.t('Rebuild the dev container of {0}', project.folder.name) },
  );
  if (picked === undefined) return;
  const title = wordsFor(project.environment).rebuilding(project.folder.name);
  const ready = await withLifecycleProgress(services, project, title, async (options) =>
    rebuildComposeProject(services.docker, await services.compose.cli(), project.compose, picked.noCache, options));
  if (ready !== undefined) offerReadyActions(services, project, ready);
}
