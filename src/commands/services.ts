import type * as vscode from 'vscode';
import type { DockerEngine } from '../docker/engine';
import type { DevContainerTree } from '../ui/devContainerTree';
import type { PhoenixProjects } from '../ui/phoenixProjects';

/** What the commands share; built once in `activate`. */
export interface Services {
  readonly log: vscode.LogOutputChannel;
  readonly projects: PhoenixProjects;
  readonly tree: DevContainerTree;
  readonly docker: DockerEngine;
}
