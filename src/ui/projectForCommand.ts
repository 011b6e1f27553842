import * as vscode from 'vscode';
import type { DevContainerNode } from './devContainerTree';
import { pickProjectFolder } from './pickFolder';
import type { PhoenixProject, PhoenixProjects } from './phoenixProjects';

/**
 * The project a lifecycle command acts on: the tree item it was invoked on, else the workspace's
 * Phoenix project (a choice when there are several), then its dev container or its release run
 * locally (a choice when it has both). Undefined when the user dismissed a choice.
 */
export async function projectForCommand(projects: PhoenixProjects, node: unknown, placeHolder: string): Promise<PhoenixProject | undefined> {
  if (isTreeNode(node) && node.kind !== 'message') return node.project;
  const folder = await pickProjectFolder(projects, placeHolder);
  if (folder === undefined) return undefined;
  const candidates = projects.all.filter((candidate) => candidate.folder.uri.toString() === folder.uri.toString());
  const [first] = candidates;
  if (first === undefined) throw new Error(vscode.l10n.t('{0} is not a Phoenix project: its mix.exs has no :phoenix dependency.', folder.name));
  if (candidates.length === 1) return first;
  const picked = await vscode.window.showQuickPick(
    candidates.map((project) => ({
      label: project.role === 'release' ? vscode.l10n.t('Release of {0}', folder.name) : vscode.l10n.t('Dev container of {0}', folder.name),
      description: project.composeProject,
      project,
    })),
    { placeHolder },
  );
  return picked?.project;
}

/** The container of the service (or of the Erlang node's row under it) a command was invoked on in the tree, if any. */
export function containerOfNode(node: unknown): string | undefined {
  if (!isTreeNode(node)) return undefined;
  if (node.kind === 'service') return node.container.id;
  // The node's row is `node:<container id>` (devContainerTree's detailsOf).
  return node.kind === 'detail' && node.id.startsWith('node:') ? node.id.slice('node:'.length) : undefined;
}

/** The service a command was invoked on in the tree, if any. */
export function serviceOfNode(node: unknown): string | undefined {
  return isTreeNode(node) && node.kind === 'service' ? node.container.service : undefined;
}

function isTreeNode(value: unknown): value is DevContainerNode {
  return typeof value === 'object' && value !== null && 'kind' in value && 'project' in value;
}
