import * as vscode from 'vscode';
import type { PhoenixProjects } from './phoenixProjects';

/**
 * The folder a command acts on: the Phoenix project when there is one, a choice when there are
 * several; otherwise any open folder (the command then warns that it is not a Phoenix project).
 */
export async function pickProjectFolder(projects: PhoenixProjects, placeHolder: string): Promise<vscode.WorkspaceFolder | undefined> {
  // A folder's dev container and its release are the same folder.
  const phoenixFolders = [...new Set((await projects.scanned()).map((project) => project.folder))];
  const candidates = phoenixFolders.length > 0
    ? phoenixFolders
    : (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  if (candidates.length === 0) {
    throw new Error(vscode.l10n.t("Open your Phoenix project's folder first (File > Open Folder)."));
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((folder) => ({ label: folder.name, description: folder.uri.fsPath, folder })),
    { placeHolder },
  );
  return picked?.folder;
}
