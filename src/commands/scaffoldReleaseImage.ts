import * as vscode from 'vscode';
import { pickProjectFolder } from '../ui/pickFolder';
import { writeReleaseImageFiles } from '../ui/releaseScaffold';
import { askAboutConflict, reportScaffold } from '../ui/scaffoldQuestions';
import { offerSecretRotation } from '../ui/secretHygiene';
import type { Services } from './services';

/**
 * "Phoenix: Scaffold Release Image": the production path from the same project, a multi-stage
 * release image whose node can be reached (and attached to) like the dev container's.
 */
export async function scaffoldReleaseImageCommand({ projects, log, proposedFiles, settings }: Services): Promise<void> {
  const folder = await pickProjectFolder(projects, vscode.l10n.t('Scaffold a release image for which folder?'));
  if (folder === undefined) return;
  const { folder: devContainerFolder, debian } = settings.scaffold(folder);
  const result = await writeReleaseImageFiles(
    folder,
    { folder: devContainerFolder, debian },
    askAboutConflict(folder.uri, proposedFiles),
  );
  await projects.refresh();
  reportScaffold(log, folder, result, {
    written: (files) => vscode.l10n.t('Release image for {0} written: {1}. "Phoenix: Run Release Locally" builds and runs it.', folder.name, files),
    upToDate: vscode.l10n.t('The release image files of {0} are up to date; nothing was written.', folder.name),
  });
  // Not awaited, like the summary: git may take a moment in a large repository.
  if (result.secrets !== undefined) void offerSecretRotation(folder, result.secrets, log);
}
