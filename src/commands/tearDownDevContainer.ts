import * as vscode from 'vscode';
import { tearDownComposeProject } from '../docker/lifecycle';
import { wordsFor } from '../ui/environmentWords';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { pickEnvironment } from '../ui/pickEnvironment';
import type { TargetOf } from '../ui/target';
import type { Services } from './services';

/**
 * "Phoenix: Tear Down Dev Container": removes containers and networks. Volumes (the database's
 * data) go only after a second, explicit confirmation.
 */
export async function tearDownDevContainerCommand(services: Services, target: TargetOf<'environment'> | undefined): Promise<void> {
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Tear down the dev container of which folder?')));
  if (project === undefined) return;
  const words = wordsFor(project.environment);
  const keepVolumes = vscode.l10n.t('Remove Containers');
  const withVolumes = vscode.l10n.t('Remove Containers and Volumes…');
  const choice = await vscode.window.showWarningMessage(
    words.tearDownQuestion(project.folder.name),
    { modal: true, detail: vscode.l10n.t('Containers and networks of the compose project {0} are removed. Volumes, such as the database\'s data, are kept unless you also remove them.', project.composeProject) },
    keepVolumes,
    withVolumes,
  );
  if (choice === undefined) return;
  let removeVolumes = false;
  if (choice === withVolumes) {
    const confirm = vscode.l10n.t('Delete Volumes');
    const confirmed = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete the volumes of {0} for good?', project.composeProject),
      { modal: true, detail: vscode.l10n.t('Everything stored in them, such as the development database, is lost. This cannot be undone.') },
      confirm,
    );
    if (confirmed !== confirm) return;
    removeVolumes = true;
  }
  const title = words.tearingDown(project.folder.name);
  await withLifecycleProgress(services, project, title, async (options) =>
    tearDownComposeProject(services.docker, await services.compose.cli(), project.compose, removeVolumes, options));
}
