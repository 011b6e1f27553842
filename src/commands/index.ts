import * as vscode from 'vscode';
import { DevContainerError } from '../core/devContainerFailure';
import { requireTrust, type TrustPrompt } from '../core/workspaceTrust';
import { showFailure } from '../ui/failureMessages';
import { plainText } from '../core/plainText';
import { attachRemoteIexCommand } from './attachRemoteIex';
import { observeNodeCommand } from './observeNode';
import { openShellCommand } from './openShell';
import { openInBrowserCommand } from './openInBrowser';
import { rebuildDevContainerCommand } from './rebuildDevContainer';
import { refreshViewCommand } from './refreshView';
import { resetDatabaseCommand } from './resetDatabase';
import { restartDevContainerCommand } from './restartDevContainer';
import { runReleaseLocallyCommand } from './runReleaseLocally';
import { scaffoldDevContainerCommand } from './scaffoldDevContainer';
import { scaffoldReleaseImageCommand } from './scaffoldReleaseImage';
import type { Services } from './services';
import { showLogsCommand } from './showLogs';
import { startDevContainerCommand } from './startDevContainer';
import { stopDevContainerCommand } from './stopDevContainer';
import { tearDownDevContainerCommand } from './tearDownDevContainer';

type Handler = (services: Services, ...args: unknown[]) => unknown;

interface Command {
  readonly run: Handler;
  /** Why the command needs a trusted workspace: it writes into the project or runs what it holds. */
  readonly needsTrust?: () => string;
}

const runsTheDevContainer = (): string => vscode.l10n.t('Trust this workspace first: running its dev container runs the compose file and Dockerfile it contains.');

/** Every command the extension contributes, by id. Titles live in package.nls.json. */
const COMMANDS: Readonly<Record<string, Command>> = {
  'phoenix.refreshView': { run: refreshViewCommand },
  'phoenix.startDevContainer': { run: startDevContainerCommand, needsTrust: runsTheDevContainer },
  'phoenix.stopDevContainer': { run: stopDevContainerCommand, needsTrust: runsTheDevContainer },
  'phoenix.restartDevContainer': { run: restartDevContainerCommand, needsTrust: runsTheDevContainer },
  'phoenix.rebuildDevContainer': { run: rebuildDevContainerCommand, needsTrust: runsTheDevContainer },
  'phoenix.tearDownDevContainer': { run: tearDownDevContainerCommand, needsTrust: runsTheDevContainer },
  'phoenix.resetDatabase': { run: resetDatabaseCommand, needsTrust: runsTheDevContainer },
  'phoenix.scaffoldDevContainer': {
    run: scaffoldDevContainerCommand,
    needsTrust: () => vscode.l10n.t('Trust this workspace first: scaffolding writes a Dockerfile, scripts and compose files into it, made from its own files, that Docker then runs.'),
  },
  'phoenix.attachRemoteIex': { run: attachRemoteIexCommand, needsTrust: () => vscode.l10n.t('Trust this workspace first: attaching runs programs in its dev container.') },
  'phoenix.observeNode': { run: observeNodeCommand, needsTrust: () => vscode.l10n.t('Trust this workspace first: observing a node runs a program in its container.') },
  'phoenix.openShell': { run: openShellCommand, needsTrust: runsTheDevContainer },
  'phoenix.showLogs': { run: showLogsCommand, needsTrust: runsTheDevContainer },
  'phoenix.openInBrowser': { run: openInBrowserCommand, needsTrust: runsTheDevContainer },
  'phoenix.scaffoldReleaseImage': {
    run: scaffoldReleaseImageCommand,
    needsTrust: () => vscode.l10n.t('Trust this workspace first: scaffolding a release image writes a Dockerfile, scripts and a compose file into it, made from its own files, that Docker then runs.'),
  },
  'phoenix.runReleaseLocally': {
    run: runReleaseLocallyCommand,
    needsTrust: () => vscode.l10n.t('Trust this workspace first: running its release runs the compose file and Dockerfile it contains.'),
  },
};

const workspaceTrust: TrustPrompt = {
  isTrusted: () => vscode.workspace.isTrusted,
  warn: async (message, action) => (await vscode.window.showWarningMessage(message, action)) === action,
  manageTrust: () => vscode.commands.executeCommand('workbench.trust.manage'),
};

export function registerCommands(context: vscode.ExtensionContext, services: Services): void {
  for (const [id, { run, needsTrust }] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        // Its own first step, before anything is read, written or run.
        if (needsTrust !== undefined && !requireTrust(workspaceTrust, needsTrust(), vscode.l10n.t('Manage Workspace Trust'))) return;
        try {
          await run(services, ...args);
        } catch (error) {
          if (error instanceof DevContainerError) {
            showFailure(services.log, error.failure, undefined);
            return;
          }
          // Docker going away under any command (a socket that refuses) gets the same words as everywhere.
          if (isConnectionError(error)) {
            const host = await services.docker.host().catch(() => 'the Docker engine');
            showFailure(services.log, { kind: 'docker-unreachable', host, detail: error.message }, undefined);
            return;
          }
          services.log.error(`${id} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
          const showLog = vscode.l10n.t('Show Log');
          const choice = await vscode.window.showErrorMessage(plainText(error instanceof Error ? error.message : String(error)), showLog);
          if (choice === showLog) services.log.show();
        }
      }),
    );
  }
}

function isConnectionError(error: unknown): error is Error {
  return error instanceof Error && 'syscall' in error && error.syscall === 'connect';
}
