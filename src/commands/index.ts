import * as vscode from 'vscode';
import { notAvailableYet } from './notAvailableYet';
import { refreshView } from './refreshView';
import { scaffoldDevContainer } from './scaffoldDevContainer';
import type { Services } from './services';

type Handler = (services: Services, ...args: unknown[]) => unknown;

/** Every command the extension contributes, by id. Titles live in package.nls.json. */
const COMMANDS: Readonly<Record<string, Handler>> = {
  'phoenix.refreshView': refreshView,
  'phoenix.startDevContainer': () => notAvailableYet(vscode.l10n.t('Start Dev Container')),
  'phoenix.stopDevContainer': () => notAvailableYet(vscode.l10n.t('Stop Dev Container')),
  'phoenix.restartDevContainer': () => notAvailableYet(vscode.l10n.t('Restart Dev Container')),
  'phoenix.rebuildDevContainer': () => notAvailableYet(vscode.l10n.t('Rebuild Dev Container')),
  'phoenix.scaffoldDevContainer': scaffoldDevContainer,
  'phoenix.attachRemoteIex': () => notAvailableYet(vscode.l10n.t('Attach Remote IEx')),
  'phoenix.showLogs': () => notAvailableYet(vscode.l10n.t('Show Logs')),
  'phoenix.openInBrowser': () => notAvailableYet(vscode.l10n.t('Open in Browser')),
  'phoenix.scaffoldReleaseImage': () => notAvailableYet(vscode.l10n.t('Scaffold Release Image')),
};

export function registerCommands(context: vscode.ExtensionContext, services: Services): void {
  for (const [id, handler] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await handler(services, ...args);
        } catch (error) {
          services.log.error(`${id} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
          const showLog = vscode.l10n.t('Show Log');
          const choice = await vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error), showLog);
          if (choice === showLog) services.log.show();
        }
      }),
    );
  }
}
