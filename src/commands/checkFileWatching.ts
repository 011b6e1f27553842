import * as vscode from 'vscode';
import { checkFileWatching } from '../ui/fileWatchingCheck';
import { offerFileWatchingFixes, showFileWatchingReport } from '../ui/fileWatchingReport';
import { containerOfNode, projectForCommand } from '../ui/projectForCommand';
import type { Services } from './services';

/**
 * "Phoenix: Check File Watching": whether an edit here reaches the dev container as a file change
 * event (a probe file, watched with inotifywait there), and how the project watches files; a report
 * with one verdict, and its fixes offered as edits.
 */
export async function checkFileWatchingCommand(services: Services, node?: unknown): Promise<void> {
  const project = await projectForCommand(services.projects, node, vscode.l10n.t('Check file watching in the dev container of which folder?'));
  if (project === undefined) return;
  if (project.role !== 'dev') throw new Error(vscode.l10n.t('Live reload runs in the dev container: check file watching there, not in the release run locally.'));
  const check = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking file watching in the dev container of {0}…', project.folder.name) },
    () => checkFileWatching(services.docker, project, containerOfNode(node)),
  );
  services.log.info(`${project.folder.name}: file watching: ${check.report.verdict.text}`);
  await showFileWatchingReport(services.proposedFiles, check, project.folder.name);
  if (check.report.findings.some((finding) => finding.fix !== undefined)) await offerFileWatchingFixes(check, project.folder.name, { showReport: undefined });
}
