import * as vscode from 'vscode';
import { plainText } from '../core/plainText';
import type { Advice } from '../core/scaffold';
import { applyAdvice, type Conflict, type ConflictChoice, type WriteOutcome } from './devContainerScaffold';
import type { ProposedFiles } from './proposedFiles';

/** Asks what to do with a file of the user's that differs from the generated one, showing the difference. */
export function askAboutConflict(root: vscode.Uri, proposedFiles: ProposedFiles): (conflict: Conflict) => Promise<ConflictChoice> {
  return async (conflict) => {
    // Show what would change, so the choice is an informed one.
    await proposedFiles.showDiff(
      vscode.Uri.joinPath(root, conflict.path),
      conflict.content,
      vscode.l10n.t('{0}: yours ↔ generated', conflict.path),
    );
    const choices: Record<string, ConflictChoice> = {
      [vscode.l10n.t('Keep Mine')]: 'keep',
      [vscode.l10n.t('Overwrite (Keep a Backup)')]: 'overwrite',
      [vscode.l10n.t('Write Alongside')]: 'alongside',
    };
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} already exists and differs from the generated file.', conflict.path),
      { modal: true, detail: vscode.l10n.t('Keep yours, overwrite it (yours is saved as a .bak file), or write the generated one next to it as a .new file. The difference is open in the editor.') },
      ...Object.keys(choices),
    );
    return (choice === undefined ? undefined : choices[choice]) ?? 'keep';
  };
}

/**
 * Logs what a scaffold wrote and its notes, offers its advice (each change only when the user
 * applies it), and sums it up in a notification that is not awaited.
 */
export function reportScaffold(
  log: vscode.LogOutputChannel,
  folder: vscode.WorkspaceFolder,
  result: WriteOutcome & { readonly notes: readonly string[]; readonly advice: readonly Advice[] },
  wording: { readonly written: (files: string) => string; readonly upToDate: string },
): void {
  for (const note of result.notes) log.info(`Scaffold ${folder.name}: ${note}`);
  log.info(`Scaffold ${folder.name}: wrote ${result.written.join(', ') || 'nothing'}; kept ${result.kept.join(', ') || 'nothing'}; backups ${result.backups.join(', ') || 'none'}; alongside ${result.alongside.join(', ') || 'none'}.`);
  for (const advice of result.advice) void offerAdvice(folder.uri, advice, log);
  for (const { path, mode } of result.readableSecrets) {
    log.warn(`Scaffold ${folder.name}: ${path} holds secrets and has permissions ${mode.toString(8)}.`);
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} holds secrets, but other users of this machine can read it (permissions {1}), and they could not be narrowed. Restrict it yourself, for example with "chmod 600 {0}".', path, mode.toString(8)));
  }
  const summary = [
    result.written.length > 0 ? wording.written(result.written.join(', ')) : '',
    result.kept.length > 0 ? vscode.l10n.t('Kept your {0}.', result.kept.join(', ')) : '',
    result.alongside.length > 0 ? vscode.l10n.t('Generated files written alongside yours: {0}.', result.alongside.join(', ')) : '',
    result.backups.length > 0 ? vscode.l10n.t('Your previous files are in {0}.', result.backups.join(', ')) : '',
  ].filter((part) => part !== '').join(' ') || wording.upToDate;
  const showNotes = vscode.l10n.t('Show Notes');
  // Not awaited: Start runs the scaffold first and goes on while the summary stays up.
  void vscode.window.showInformationMessage(
    result.notes.length > 0 ? `${summary} ${vscode.l10n.t('{0} note(s) in the log.', result.notes.length)}` : summary,
    ...(result.notes.length > 0 ? [showNotes] : []),
  ).then((choice) => {
    if (choice === showNotes) log.show();
  });
}

async function offerAdvice(root: vscode.Uri, advice: Advice, log: vscode.LogOutputChannel): Promise<void> {
  const apply = vscode.l10n.t('Apply Change');
  const choice = await vscode.window.showInformationMessage(advice.reason, apply);
  if (choice !== apply) return;
  try {
    await applyAdvice(root, advice);
    log.info(`Applied to ${advice.file}: ${advice.find} → ${advice.replace.trim()}`);
  } catch (error) {
    void vscode.window.showErrorMessage(plainText(error instanceof Error ? error.message : String(error)));
  }
}
