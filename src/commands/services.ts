import type * as vscode from 'vscode';
import type { DockerEngine } from '../docker/engine';
import type { BuildRecords } from '../docker/builds';
import type { LocalEpmd } from '../docker/localEpmd';
import type { ComposeSession } from '../ui/composeSession';
import type { ContainerMix } from '../ui/containerMix';
import type { DevContainerTree } from '../ui/devContainerTree';
import type { MixTaskProvider } from '../ui/mixTasks';
import type { ObserverPanels } from '../ui/observerPanel';
import type { PhoenixProjects } from '../ui/phoenixProjects';
import type { ProposedFiles } from '../ui/proposedFiles';
import type { Settings } from '../ui/settings';
import type { DevContainerStatusBar } from '../ui/statusBar';
import type { ContainerTerminals } from '../ui/terminals';

/** What the commands share; built once in `activate`. */
export interface Services {
  readonly log: vscode.LogOutputChannel;
  readonly projects: PhoenixProjects;
  readonly docker: DockerEngine;
  readonly proposedFiles: ProposedFiles;
  readonly compose: ComposeSession;
  readonly settings: Settings;
  readonly tree: DevContainerTree;
  readonly statusBar: DevContainerStatusBar;
  readonly buildRecords: BuildRecords;
  readonly terminals: ContainerTerminals;
  /** This machine's epmd, which a host-mode attach may start. */
  readonly localEpmd: LocalEpmd;
  /** Mix in the dev containers: tests, tasks, the formatter. */
  readonly mix: ContainerMix;
  /** The `mix` tasks, whose runs put the compiler's warnings and errors in Problems. */
  readonly mixTasks: MixTaskProvider;
  /** The open "Observe Node" panels. */
  readonly observers: ObserverPanels;
}
