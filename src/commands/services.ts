import type * as vscode from 'vscode';
import type { DockerEngine } from '../docker/engine';
import type { PhoenixProjects } from '../ui/phoenixProjects';
import type { ProposedFiles } from '../ui/proposedFiles';

/** What the commands share; built once in `activate`. */
export interface Services {
  readonly log: vscode.LogOutputChannel;
  readonly projects: PhoenixProjects;
  readonly docker: DockerEngine;
  readonly proposedFiles: ProposedFiles;
}
