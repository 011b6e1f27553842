import * as vscode from 'vscode';
import type { DevContainerNode } from './devContainerTree';
import { pickProjectFolder } from './pickFolder';
import type { PhoenixProject, PhoenixProjects } from './phoenixProjects';

/**
 * The project a lifecycle command acts on: the tree item it was invoked on, else the workspace's
 * Phoenix project (a choice when there are several). Undefined when the user dismissed the choice.
 */
export async function projectForCommand(projects: PhoenixProjects, node: unknown, placeHolder: string): Promise<PhoenixProject | undefined> {
  if (!vscode.workspace.isTrusted) {
    throw new Error(vscode.l10n.t('Trust this workspace first: running its dev container runs the compose file and Dockerfile it contains.'));
  }
  if (isTreeNode(node) && node.kind !== 'message') return node.project;
  const folder = await pickProjectFolder(projects, placeHolder);
  if (folder === undefined) return undefined;
  const project = projects.all.find((candidate) => candidate.folder.uri.toString() === folder.uri.toString());
  if (project === undefined) throw new Error(vscode.l10n.t('{0} is not a Phoenix project: its mix.exs has no :phoenix dependency.', folder.name));
  return project;
}

/** The container of the service a command was invoked on in the tree, if any. */
export function containerOfNode(node: unknown): string | undefined {
  return isTreeNode(node) && node.kind === 'service' ? node.container.id : undefined;
}

/** The service a command was invoked on in the tree, if any. */
export function serviceOfNode(node: unknown): string | undefined {
  return isTreeNode(node) && node.kind === 'service' ? node.container.service : undefined;
}

function isTreeNode(value: unknown): value is DevContainerNode {
  return typeof value === 'object' && value !== null && 'kind' in value && 'project' in value;
}
