import * as vscode from 'vscode';
import { writeDevContainerFiles, type ScaffoldDecisions } from '../ui/devContainerScaffold';
import { pickProjectFolder } from '../ui/pickFolder';
import type { TargetOf } from '../ui/target';
import type { ProposedFiles } from '../ui/proposedFiles';
import { askAboutConflict, reportScaffold } from '../ui/scaffoldQuestions';
import { offerSecretRotation } from '../ui/secretHygiene';
import type { Services } from './services';

/**
 * "Phoenix: Scaffold Dev Container": writes the dev container files for a project (the target's
 * folder when Start asks for it, else the Phoenix project, or the user's choice among several).
 */
export async function scaffoldDevContainerCommand({ projects, docker, log, proposedFiles, settings }: Services, target: TargetOf<'environment'> | undefined): Promise<void> {
  const folder = target?.project.folder ?? (await pickProjectFolder(projects, vscode.l10n.t('Scaffold a dev container for which folder?')));
  if (folder === undefined) return;
  const result = await writeDevContainerFiles(
    folder.uri,
    folder.name,
    settings.scaffold(folder),
    askTheUser(folder.uri, proposedFiles),
    (composeProject) => docker.networkSubnets(composeProject),
  );
  if (result === undefined) return;

  await projects.refresh();
  reportScaffold(log, folder, result, {
    written: (files) => vscode.l10n.t('Dev container for {0} written: {1}.', folder.name, files),
    upToDate: vscode.l10n.t('The dev container for {0} is up to date; nothing was written.', folder.name),
  });
  // Not awaited, like the summary: git may take a moment in a large repository.
  if (result.secrets !== undefined) void offerSecretRotation(folder, result.secrets, log);
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

    resolveConflict: askAboutConflict(root, proposedFiles),
  };
}
