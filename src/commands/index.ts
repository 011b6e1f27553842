import * as vscode from 'vscode';
import { DevContainerError } from '../core/devContainerFailure';
import { showFailure } from '../ui/failureMessages';
import { attachRemoteIex } from './attachRemoteIex';
import { openShell } from './openShell';
import { openInBrowser } from './openInBrowser';
import { rebuildDevContainer } from './rebuildDevContainer';
import { refreshView } from './refreshView';
import { resetDatabase } from './resetDatabase';
import { restartDevContainer } from './restartDevContainer';
import { runReleaseLocally } from './runReleaseLocally';
import { scaffoldDevContainer } from './scaffoldDevContainer';
import { scaffoldReleaseImage } from './scaffoldReleaseImage';
import type { Services } from './services';
import { showLogs } from './showLogs';
import { startDevContainer } from './startDevContainer';
import { stopDevContainer } from './stopDevContainer';
import { tearDownDevContainer } from './tearDownDevContainer';

type Handler = (services: Services, ...args: unknown[]) => unknown;

/** Every command the extension contributes, by id. Titles live in package.nls.json. */
const COMMANDS: Readonly<Record<string, Handler>> = {
  'phoenix.refreshView': refreshView,
  'phoenix.startDevContainer': startDevContainer,
  'phoenix.stopDevContainer': stopDevContainer,
  'phoenix.restartDevContainer': restartDevContainer,
  'phoenix.rebuildDevContainer': rebuildDevContainer,
  'phoenix.tearDownDevContainer': tearDownDevContainer,
  'phoenix.resetDatabase': resetDatabase,
  'phoenix.scaffoldDevContainer': scaffoldDevContainer,
  'phoenix.attachRemoteIex': attachRemoteIex,
  'phoenix.openShell': openShell,
  'phoenix.showLogs': showLogs,
  'phoenix.openInBrowser': openInBrowser,
  'phoenix.scaffoldReleaseImage': scaffoldReleaseImage,
  'phoenix.runReleaseLocally': runReleaseLocally,
};

export function registerCommands(context: vscode.ExtensionContext, services: Services): void {
  for (const [id, handler] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await handler(services, ...args);
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
          const choice = await vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error), showLog);
          if (choice === showLog) services.log.show();
        }
      }),
    );
  }
}

function isConnectionError(error: unknown): error is Error {
  return error instanceof Error && 'syscall' in error && error.syscall === 'connect';
}
