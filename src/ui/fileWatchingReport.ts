import * as vscode from 'vscode';
import type { Finding, Fix, Severity } from '../core/fileWatching';
import { plainText } from '../core/plainText';
import { checkWritablePath } from '../files/projectFiles';
import type { DockerEngine } from '../docker/engine';
import { checkFileWatching, type FileWatchingCheck } from './fileWatchingCheck';
import type { PhoenixProject } from './phoenixProjects';
import type { ProposedFiles } from './proposedFiles';

/** Words, not symbols: they read the same in every font and to a screen reader. */
const LABELS: Readonly<Record<Severity, () => string>> = {
  ok: () => vscode.l10n.t('OK'),
  info: () => vscode.l10n.t('Note'),
  warning: () => vscode.l10n.t('Warning'),
  problem: () => vscode.l10n.t('Problem'),
};

/** The report as Markdown: the verdict first, then each finding with its fix. */
export function fileWatchingMarkdown(check: FileWatchingCheck, projectName: string): string {
  const { report, facts } = check;
  const lines = [
    `# ${vscode.l10n.t('File watching in the dev container of {0}', projectName)}`,
    '',
    `## ${LABELS[report.verdict.severity]()}: ${markdownText(report.verdict.text)}`,
    '',
  ];
  const order: readonly Severity[] = ['problem', 'warning', 'info', 'ok'];
  const findings = [...report.findings].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  for (const finding of findings) lines.push(...findingLines(finding));
  lines.push(
    `## ${vscode.l10n.t('Facts')}`,
    '',
    `- ${markdownText(vscode.l10n.t('Project in the container: {0} ({1}, {2})', facts.projectDir, report.mount.entry?.fsType ?? '?', report.mount.kind))}`,
    `- ${markdownText(vscode.l10n.t('Folders in volumes of their own: {0}', facts.volumeFolders.join(', ') || '-'))}`,
    `- ${vscode.l10n.t('Inotify: {0} of {1} watches, {2} of {3} instances in use', String(facts.container.watchesInUse ?? '?'), String(facts.container.maxUserWatches ?? '?'), String(facts.container.instancesInUse ?? '?'), String(facts.container.maxUserInstances ?? '?'))}`,
    `- ${markdownText(vscode.l10n.t('phoenix_live_reload: {0}; backend {1}', facts.dependsOnLiveReload ? vscode.l10n.t('a dependency') : vscode.l10n.t('not a dependency'), facts.config.liveReload.backend ?? vscode.l10n.t('default')))}`,
    `- ${markdownText(vscode.l10n.t('Asset watchers: {0}', facts.config.watchers.map((watcher) => `${watcher.name} (${watcher.watch})`).join(', ') || '-'))}`,
    '',
  );
  const fixes = report.findings.filter((finding) => finding.fix !== undefined).length;
  if (fixes > 0) lines.push(vscode.l10n.t('Apply a fix with "Apply Fixes…" in the notification, or run Phoenix: Check File Watching again.'), '');
  return lines.join('\n');
}

function findingLines(finding: Finding): string[] {
  const lines = [`### ${LABELS[finding.severity]()}: ${markdownText(capitalized(finding.title))}`, '', markdownText(finding.detail), ''];
  if (finding.fix !== undefined) {
    lines.push(`**${vscode.l10n.t('Fix')}:** ${markdownText(finding.fix.label)}`, '');
    for (const edit of finding.fix.edits) {
      lines.push(`${markdownText(edit.file)}:`, '', '```diff', ...edit.find.split('\n').map((line) => `- ${line}`), ...edit.replace.split('\n').map((line) => `+ ${line}`), '```', '');
    }
  } else if (finding.manual !== undefined) {
    lines.push(`**${vscode.l10n.t('Fix')}:** ${markdownText(finding.manual)}`, '');
  }
  return lines;
}

/** A title that starts with a name (phoenix_live_reload, inotifywait, inotify-tools) keeps its case. */
function capitalized(text: string): string {
  return /^(\S*_|inotify(wait|-tools)\b)/.test(text) ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

/** Plain text as Markdown that shows it as it is: regexes and paths hold `$`, `*`, `_`... that would format it. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|$~]/g, '\\$&');
}

/** Opens the report, rendered, as a read-only document. */
export async function showFileWatchingReport(reports: ProposedFiles, check: FileWatchingCheck, projectName: string): Promise<void> {
  await reports.showMarkdown(vscode.l10n.t('File watching in {0}', projectName), fileWatchingMarkdown(check, projectName));
}

/** Says the verdict; for fixes, lets the user pick the ones to apply. */
export async function offerFileWatchingFixes(check: FileWatchingCheck, projectName: string, options: { readonly showReport: ProposedFiles | undefined }): Promise<void> {
  const fixes = check.report.findings.map((finding) => finding.fix).filter((fix): fix is Fix => fix !== undefined);
  const apply = vscode.l10n.t('Apply Fixes…');
  const show = vscode.l10n.t('Show Report');
  const message = plainText(vscode.l10n.t('{0}: {1}', projectName, check.report.verdict.text));
  const actions = [...(fixes.length > 0 ? [apply] : []), ...(options.showReport === undefined ? [] : [show])];
  const choice = check.report.verdict.severity === 'problem'
    ? await vscode.window.showErrorMessage(message, ...actions)
    : check.report.verdict.severity === 'warning' ? await vscode.window.showWarningMessage(message, ...actions) : await vscode.window.showInformationMessage(message, ...actions);
  if (choice === show && options.showReport !== undefined) await showFileWatchingReport(options.showReport, check, projectName);
  if (choice !== apply) return;
  const picked = await vscode.window.showQuickPick(
    fixes.map((fix) => ({ label: fix.label, description: [...new Set(fix.edits.map((edit) => edit.file))].join(', '), fix })),
    { canPickMany: true, placeHolder: vscode.l10n.t('Which changes should be made? Each is made in its file and saved, unless the file has unsaved changes of yours.') },
  );
  for (const { fix } of picked ?? []) {
    try {
      await applyFix(check.root, fix);
    } catch (error) {
      void vscode.window.showErrorMessage(plainText(error instanceof Error ? error.message : String(error)));
    }
  }
}

/**
 * Applies a fix's edits in one WorkspaceEdit, through editors so unsaved work is kept: each file
 * is saved afterwards unless it had unsaved changes of the user's.
 */
export async function applyFix(root: vscode.Uri, fix: Fix): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  const documents = new Map<string, { document: vscode.TextDocument; wasDirty: boolean }>();
  for (const change of fix.edits) {
    await checkWritablePath(root.fsPath, change.file);
    const uri = vscode.Uri.joinPath(root, change.file);
    const opened = documents.get(change.file) ?? { document: await vscode.workspace.openTextDocument(uri), wasDirty: false };
    opened.wasDirty ||= opened.document.isDirty;
    documents.set(change.file, opened);
    const text = opened.document.getText();
    const start = text.indexOf(change.find);
    if (start < 0 || text.indexOf(change.find, start + 1) >= 0) {
      throw new Error(vscode.l10n.t('{0} changed since the check read it; make this change by hand: replace "{1}" with "{2}".', change.file, change.find, change.replace));
    }
    edit.replace(uri, new vscode.Range(opened.document.positionAt(start), opened.document.positionAt(start + change.find.length)), change.replace);
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(vscode.l10n.t('Could not apply: {0}', fix.label));
  for (const { document, wasDirty } of documents.values()) {
    if (!wasDirty) await document.save();
  }
}

/** Projects checked after a Start in this session (folder and compose project). */
const checkedAfterStart = new Set<string>();

/**
 * Checks file watching once per session after the first successful Start of a dev container,
 * saying nothing unless live reload is at risk.
 */
export function checkFileWatchingAfterStart(services: { readonly docker: DockerEngine; readonly log: vscode.LogOutputChannel; readonly proposedFiles: ProposedFiles }, project: PhoenixProject, containerId: string): void {
  const key = `${project.folder.uri.toString()}#${project.composeProject}`;
  if (!project.environment.reloadsOnEdit || checkedAfterStart.has(key)) return;
  checkedAfterStart.add(key);
  void checkFileWatching(services.docker, project, containerId).then(
    async (check) => {
      services.log.info(`${project.folder.name}: file watching: ${check.report.verdict.text}`);
      if (check.report.verdict.severity !== 'ok') await offerFileWatchingFixes(check, project.folder.name, { showReport: services.proposedFiles });
    },
    (error: unknown) => {
      services.log.warn(`${project.folder.name}: file watching was not checked: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
}
