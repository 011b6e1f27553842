import * as vscode from 'vscode';
import { DevContainerError } from '../core/devContainerFailure';
import { requireTrust, type TrustPrompt } from '../core/workspaceTrust';
import { showFailure } from '../ui/failureMessages';
import { plainText } from '../core/plainText';
import { isTargetOf, type Target, type TargetKind, type TargetOf } from '../ui/target';
import { attachRemoteIexCommand } from './attachRemoteIex';
import { checkFileWatchingCommand } from './checkFileWatching';
import { observeNodeCommand } from './observeNode';
import { openShellCommand } from './openShell';
import { openInBrowserCommand } from './openInBrowser';
import { parseTarget } from './parseTarget';
import { rebuildDevContainerCommand } from './rebuildDevContainer';
import { refreshViewCommand } from './refreshView';
import { resetDatabaseCommand } from './resetDatabase';
import { restartDevContainerCommand } from './restartDevContainer';
import { runMixTaskCommand } from './runMixTask';
import { runReleaseLocallyCommand } from './runReleaseLocally';
import { scaffoldDevContainerCommand } from './scaffoldDevContainer';
import { scaffoldReleaseImageCommand } from './scaffoldReleaseImage';
import type { Services } from './services';
import { showLogsCommand } from './showLogs';
import { startDevContainerCommand } from './startDevContainer';
import { stopDevContainerCommand } from './stopDevContainer';
import { tearDownDevContainerCommand } from './tearDownDevContainer';

interface Command {
  /** The kinds of target it acts on; any other is refused. */
  readonly accepts: readonly TargetKind[];
  readonly run: (services: Services, target: Target | undefined) => unknown;
  /** Why the command needs a trusted workspace: it writes into the project or runs what it holds. */
  readonly needsTrust?: () => string;
}

/** A command that takes a target of the `accepts` kinds (or none, from the palette). */
function command<K extends TargetKind>(
  accepts: readonly K[],
  run: (services: Services, target: TargetOf<K> | undefined) => unknown,
  needsTrust?: () => string,
): Command {
  return {
    accepts,
    run: (services, target) => {
      // registerCommands refuses other kinds with a message first; this narrows the type for `run`.
      if (target !== undefined && !isTargetOf(target, accepts)) throw new Error(`a ${target.kind} is not a target of this command`);
      return run(services, target);
    },
    ...(needsTrust && { needsTrust }),
  };
}

/** A command that takes no target. */
function untargeted(run: (services: Services) => unknown, needsTrust?: () => string): Command {
  return command([], (services) => run(services), needsTrust);
}

const runsTheDevContainer = (): string => vscode.l10n.t('Trust this workspace first: running its dev container runs the compose file and Dockerfile it contains.');

/** Every command the extension contributes, by id. Titles live in package.nls.json. */
const COMMANDS: Readonly<Record<string, Command>> = {
  'phoenix.refreshView': untargeted(refreshViewCommand),
  'phoenix.startDevContainer': command(['environment', 'service'], startDevContainerCommand, runsTheDevContainer),
  'phoenix.stopDevContainer': command(['environment', 'service'], stopDevContainerCommand, runsTheDevContainer),
  'phoenix.restartDevContainer': command(['environment', 'service'], restartDevContainerCommand, runsTheDevContainer),
  'phoenix.rebuildDevContainer': command(['environment'], rebuildDevContainerCommand, runsTheDevContainer),
  'phoenix.tearDownDevContainer': command(['environment'], tearDownDevContainerCommand, runsTheDevContainer),
  'phoenix.resetDatabase': command(['environment'], resetDatabaseCommand, runsTheDevContainer),
  'phoenix.scaffoldDevContainer': command(
    ['environment'],
    scaffoldDevContainerCommand,
    () => vscode.l10n.t('Trust this workspace first: scaffolding writes a Dockerfile, scripts and compose files into it, made from its own files, that Docker then runs.'),
  ),
  'phoenix.attachRemoteIex': command(['service', 'node'], attachRemoteIexCommand, () => vscode.l10n.t('Trust this workspace first: attaching runs programs in its dev container.')),
  'phoenix.observeNode': command(['environment', 'service', 'node'], observeNodeCommand, () => vscode.l10n.t('Trust this workspace first: observing a node runs a program in its container.')),
  'phoenix.openShell': command(['service'], openShellCommand, runsTheDevContainer),
  'phoenix.showLogs': command(['environment', 'service'], showLogsCommand, runsTheDevContainer),
  'phoenix.openInBrowser': command(['environment', 'service', 'url'], openInBrowserCommand, runsTheDevContainer),
  'phoenix.checkFileWatching': command(
    ['environment', 'service'],
    checkFileWatchingCommand,
    () => vscode.l10n.t('Trust this workspace first: checking file watching runs programs in its dev container and writes a probe file into it.'),
  ),
  'phoenix.scaffoldReleaseImage': untargeted(
    scaffoldReleaseImageCommand,
    () => vscode.l10n.t('Trust this workspace first: scaffolding a release image writes a Dockerfile, scripts and a compose file into it, made from its own files, that Docker then runs.'),
  ),
  'phoenix.runMixTask': command(['environment'], runMixTaskCommand, () => vscode.l10n.t('Trust this workspace first: mix tasks run its code in its dev container.')),
  'phoenix.runReleaseLocally': untargeted(
    runReleaseLocallyCommand,
    () => vscode.l10n.t('Trust this workspace first: running its release runs the compose file and Dockerfile it contains.'),
  ),
};

const workspaceTrust: TrustPrompt = {
  isTrusted: () => vscode.workspace.isTrusted,
  warn: async (message, action) => (await vscode.window.showWarningMessage(message, action)) === action,
  manageTrust: () => vscode.commands.executeCommand('workbench.trust.manage'),
};

export function registerCommands(context: vscode.ExtensionContext, services: Services): void {
  for (const [id, { accepts, run, needsTrust }] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      // VS Code passes a row of the view first (a second argument is the rows selected with it).
      vscode.commands.registerCommand(id, async (argument: unknown) => {
        // Its own first step, before anything is read, written or run.
        if (needsTrust !== undefined && !requireTrust(workspaceTrust, needsTrust(), vscode.l10n.t('Manage Workspace Trust'))) return;
        try {
          const parsed = parseTarget(argument, argument === undefined ? [] : await services.projects.scanned());
          if ('rejected' in parsed || (parsed.target !== undefined && !isTargetOf(parsed.target, accepts))) {
            services.log.warn(`${id} was not run: it was given ${'rejected' in parsed ? parsed.rejected : `a ${parsed.target?.kind ?? ''}`}, which it does not act on.`);
            void vscode.window.showErrorMessage(vscode.l10n.t('This command does not act on what it was given. Run it from the Phoenix view or the Command Palette.'));
            return;
          }
          await run(services, parsed.target);
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
