import * as vscode from 'vscode';
import { wordsFor } from '../ui/environmentWords';
import { checkFileWatching } from '../ui/fileWatchingCheck';
import { offerFileWatchingFixes, showFileWatchingReport } from '../ui/fileWatchingReport';
import { pickEnvironment } from '../ui/pickEnvironment';
import type { TargetOf } from '../ui/target';
import type { Services } from './services';

/**
 * "Phoenix: Check File Watching": whether an edit here reaches the dev container as a file change
 * event (a probe file, watched with inotifywait there), and how the project watches files; a report
 * with one verdict, and its fixes offered as edits.
 */
export async function checkFileWatchingCommand(services: Services, target: TargetOf<'environment' | 'service'> | undefined): Promise<void> {
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Check file watching in the dev container of which folder?')));
  if (project === undefined) return;
  if (!project.environment.reloadsOnEdit) {
    const words = wordsFor(project.environment);
    throw new Error(words.noFileWatchingCheck ?? vscode.l10n.t('Check File Watching does not apply to {0}.', words.label(project.folder.name)));
  }
  const container = target?.kind === 'service' ? target.container : undefined;
  const check = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking file watching in the dev container of {0}…', project.folder.name) },
    () => checkFileWatching(services.docker, project, container),
  );
  services.log.info(`${project.folder.name}: file watching: ${check.report.verdict.text}`);
  await showFileWatchingReport(services.proposedFiles, check, project.folder.name);
  if (check.report.findings.some((finding) => finding.fix !== undefined)) await offerFileWatchingFixes(check, project.folder.name, { showReport: undefined });
}
