import * as vscode from 'vscode';
import { applyAdvice, scaffoldDevContainer as writeDevContainer, type ConflictChoice, type ScaffoldDecisions } from '../ui/devContainerScaffold';
import type { Advice } from '../core/scaffold';
import { pickProjectFolder } from '../ui/pickFolder';
import type { ProposedFiles } from '../ui/proposedFiles';
import type { Services } from './services';

/**
 * "Phoenix: Scaffold Dev Container": writes the dev container files for a project (`folder` when
 * Start asks for it, else the Phoenix project, or the user's choice among several).
 */
export async function scaffoldDevContainer({ projects, docker, log, proposedFiles }: Services, target?: unknown): Promise<void> {
  const folder = isWorkspaceFolder(target) ? target : await pickProjectFolder(projects, vscode.l10n.t('Scaffold a dev container for which folder?'));
  if (folder === undefined) return;
  const config = vscode.workspace.getConfiguration('phoenix', folder);
  const result = await writeDevContainer(
    folder.uri,
    folder.name,
    {
      folder: config.get<string>('devContainerFolder', '.devcontainer'),
      baseImage: config.get<string>('baseImage', ''),
      debian: config.get<string>('debianRelease', ''),
      namedVolumes: config.get<boolean>('namedVolumes', false),
      fixedSubnet: config.get<string>('fixedSubnet', ''),
    },
    askTheUser(folder.uri, proposedFiles),
    (composeProject) => docker.networkSubnets(composeProject),
  );
  if (result === undefined) return;

  for (const note of result.notes) log.info(`Scaffold ${folder.name}: ${note}`);
  log.info(`Scaffold ${folder.name}: wrote ${result.written.join(', ') || 'nothing'}; kept ${result.kept.join(', ') || 'nothing'}; backups ${result.backups.join(', ') || 'none'}; alongside ${result.alongside.join(', ') || 'none'}.`);
  await projects.refresh();

  for (const advice of result.advice) void offerAdvice(folder.uri, advice, log);
  const summary = [
    result.written.length > 0 ? vscode.l10n.t('Dev container for {0} written: {1}.', folder.name, result.written.join(', ')) : '',
    result.kept.length > 0 ? vscode.l10n.t('Kept your {0}.', result.kept.join(', ')) : '',
    result.alongside.length > 0 ? vscode.l10n.t('Generated files written alongside yours: {0}.', result.alongside.join(', ')) : '',
    result.backups.length > 0 ? vscode.l10n.t('Your previous files are in {0}.', result.backups.join(', ')) : '',
  ].filter((part) => part !== '').join(' ') || vscode.l10n.t('The dev container for {0} is up to date; nothing was written.', folder.name);
  const showNotes = vscode.l10n.t('Show Notes');
  // Not awaited: Start runs this command first and goes on while the summary stays up.
  void vscode.window.showInformationMessage(
    result.notes.length > 0 ? `${summary} ${vscode.l10n.t('{0} note(s) in the log.', result.notes.length)}` : summary,
    ...(result.notes.length > 0 ? [showNotes] : []),
  ).then((choice) => {
    if (choice === showNotes) log.show();
  });
}

function askTheUser(root: vscode.Uri, proposedFiles: ProposedFiles): ScaffoldDecisions {
  return {
    async scaffoldWithoutPhoenix(folderName) {
      const anyway = vscode.l10n.t('Scaffold Anyway');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} does not look like a Phoenix project: its mix.exs has no :phoenix dependency.', folderName),
        { modal: true, detail: vscode.l10n.t('The dev container runs "mix phx.server"; scaffold it anyway?') },
        anyway,
      );
      return choice === anyway;
    },

    async adoptComposeFile(file, candidates) {
      const useMine = vscode.l10n.t('Use {0}', file);
      const separate = vscode.l10n.t('Generate a Separate One');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('Your project has its own {0}. Use it for the dev container?', file),
        {
          modal: true,
          detail: vscode.l10n.t('{0} stays as you wrote it: an override file in the dev container folder adds the named node, its cookie and the labels the Phoenix view needs. Or the dev container gets a compose file of its own.', file),
        },
        useMine,
        separate,
      );
      if (choice === separate) return 'separate';
      if (choice !== useMine) return undefined;
      const first = candidates[0];
      if (candidates.length === 1 || first === undefined) return first;
      const picked = await vscode.window.showQuickPick(
        candidates.map((service) => ({ label: service.name, description: vscode.l10n.t('mounts the project at {0}', service.projectMount), service })),
        { placeHolder: vscode.l10n.t('Which service runs Phoenix?') },
      );
      return picked?.service;
    },

    async resolveConflict(conflict) {
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
    },
  };
}

async function offerAdvice(root: vscode.Uri, advice: Advice, log: vscode.LogOutputChannel): Promise<void> {
  const apply = vscode.l10n.t('Apply Change');
  const choice = await vscode.window.showInformationMessage(advice.reason, apply);
  if (choice !== apply) return;
  try {
    await applyAdvice(root, advice);
    log.info(`Applied to ${advice.file}: ${advice.find} → ${advice.replace.trim()}`);
  } catch (error) {
    void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
  }
}

function isWorkspaceFolder(value: unknown): value is vscode.WorkspaceFolder {
  return value !== undefined && (vscode.workspace.workspaceFolders ?? []).includes(value as vscode.WorkspaceFolder);
}
