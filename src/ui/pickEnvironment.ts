import * as vscode from 'vscode';
import { wordsFor } from './environmentWords';
import { pickProjectFolder } from './pickFolder';
import type { PhoenixProject, PhoenixProjects } from './phoenixProjects';

/**
 * The environment a command run without a target acts on: the workspace's Phoenix project (a
 * choice when there are several), then its dev container or its release run locally (a choice
 * when it has both). Undefined when the user dismissed a choice.
 */
export async function pickEnvironment(projects: PhoenixProjects, placeHolder: string): Promise<PhoenixProject | undefined> {
  const folder = await pickProjectFolder(projects, placeHolder);
  if (folder === undefined) return undefined;
  const candidates = projects.all.filter((candidate) => candidate.folder.uri.toString() === folder.uri.toString());
  const [first] = candidates;
  if (first === undefined) throw new Error(vscode.l10n.t('{0} is not a Phoenix project: its mix.exs has no :phoenix dependency.', folder.name));
  if (candidates.length === 1) return first;
  const picked = await vscode.window.showQuickPick(
    candidates.map((project) => ({
      label: wordsFor(project.environment).choice(folder.name),
      description: project.composeProject,
      project,
    })),
    { placeHolder },
  );
  return picked?.project;
}
