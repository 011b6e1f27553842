import * as vscode from 'vscode';
import { gitUntrackArgv, rotationLines } from '../core/gitSecrets';
import { byteString, stringBytes, type RenderedFile } from '../core/scaffold';
import { plainText } from '../core/plainText';
import { runProcess } from '../docker/process';
import { appendToFile, readWritable } from '../files/projectFiles';
import { GIT_TIMEOUT_MS, secretsInGit } from '../files/secretsInGit';

/**
 * After a scaffold: when git has the secrets of `secrets.path`, says so (without a modal dialog)
 * and offers to rotate them, appending fresh values from the rendered file, and to stop tracking it.
 */
export async function offerSecretRotation(folder: vscode.WorkspaceFolder, secrets: RenderedFile, log: vscode.LogOutputChannel): Promise<void> {
  try {
    await offer(folder, secrets, log);
  } catch (error) {
    log.warn(`Scaffold ${folder.name}: could not check ${secrets.path} in git: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function offer(folder: vscode.WorkspaceFolder, secrets: RenderedFile, log: vscode.LogOutputChannel): Promise<void> {
  const root = folder.uri.fsPath;
  const path = secrets.path;
  const before = await readWritable(root, path);
  if (before === undefined) return;
  const exposure = await secretsInGit(root, path, byteString(before.bytes));
  if (exposure === undefined) return;
  const keys = exposure.keys.join(', ');
  log.warn(`Scaffold ${folder.name}: ${path} is ${exposure.tracked ? 'tracked by git' : 'in git history'} with ${keys}.`);
  const rotate = exposure.tracked ? vscode.l10n.t('Rotate and Untrack') : vscode.l10n.t('Rotate');
  const choice = await vscode.window.showWarningMessage(
    exposure.tracked
      ? vscode.l10n.t('git tracks {0}, so its secrets ({1}) are public to anyone who can read the repository, and whoever has the cookie can run any code in the node. Rotate them and stop tracking the file?', path, keys)
      : vscode.l10n.t("{0} was committed to git with the secrets it still holds ({1}), so they stay readable in the repository's history, and whoever has the cookie can run any code in the node. Rotate them?", path, keys),
    rotate,
  );
  if (choice !== rotate) return;
  // Read again: the file may have changed while the question was open.
  const now = await readWritable(root, path);
  if (now === undefined) return;
  await appendToFile(root, path, stringBytes(rotationLines(byteString(now.bytes), secrets.content, exposure.keys)));
  log.info(`Scaffold ${folder.name}: rotated ${keys} in ${path}.`);
  if (exposure.tracked) {
    const untrack = await runProcess(gitUntrackArgv(path), { cwd: root, timeoutMs: GIT_TIMEOUT_MS });
    if (untrack.code !== 0) {
      void vscode.window.showErrorMessage(plainText(vscode.l10n.t('New secrets are in {0}, but git could not stop tracking it: {1}', path, untrack.output.trim() || String(untrack.startError ?? untrack.code))));
      return;
    }
  }
  void vscode.window.showInformationMessage(
    exposure.tracked
      ? vscode.l10n.t('New secrets are in {0}, and git no longer tracks it: commit that change. Containers started before take the new secrets once recreated (Stop, then Start).', path)
      : vscode.l10n.t('New secrets are in {0}. Containers started before take them once recreated (Stop, then Start).', path),
  );
}
