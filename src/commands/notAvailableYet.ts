import * as vscode from 'vscode';

/** For commands whose feature is not part of this version yet: says so instead of doing nothing. */
export async function notAvailableYet(title: string): Promise<void> {
  await vscode.window.showInformationMessage(
    vscode.l10n.t('"Phoenix: {0}" is not available in this version of Phoenix Dev Containers yet.', title),
  );
}
