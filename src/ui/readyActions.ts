import * as vscode from 'vscode';
import type { ReadyDevContainer } from '../docker/readiness';
import type { DevContainerNode } from './devContainerTree';
import { plainText } from '../core/plainText';
import type { PhoenixProject } from './phoenixProjects';
import { walkthroughEventHappened } from './walkthrough';

/** Says the dev container (or the release run locally) is ready and offers what comes next. */
export function offerReadyActions(services: { readonly log: vscode.LogOutputChannel }, project: PhoenixProject, ready: ReadyDevContainer): void {
  const openInBrowser = vscode.l10n.t('Open in Browser');
  const attach = vscode.l10n.t('Attach Remote IEx');
  const showLogs = vscode.l10n.t('Show Logs');
  const where = [ready.url, ready.node].filter((part) => part !== undefined).join(', ');
  services.log.info(`${project.folder.name}: ready${where ? ` (${where})` : ''}`);
  if (project.role === 'dev') walkthroughEventHappened('started');
  void vscode.window
    .showInformationMessage(
      plainText(readyMessage(project, where)),
      ...(ready.url === undefined ? [] : [openInBrowser]),
      ...(ready.node === undefined ? [] : [attach]),
      showLogs,
    )
    .then((choice) => {
      if (choice === openInBrowser && ready.url !== undefined) void openUrl(ready.url);
      if (choice === attach) {
        const app: DevContainerNode = { kind: 'service', project, container: { id: ready.containerId, service: ready.service, state: 'running', status: '', labels: {} } };
        void vscode.commands.executeCommand('phoenix.attachRemoteIex', app);
      }
      if (choice === showLogs) void vscode.commands.executeCommand('phoenix.showLogs', { kind: 'project', project });
    });
}

function readyMessage(project: PhoenixProject, where: string): string {
  if (project.role === 'release') {
    return where ? vscode.l10n.t('The release of {0} is running: {1}', project.folder.name, where) : vscode.l10n.t('The release of {0} is running.', project.folder.name);
  }
  return where ? vscode.l10n.t('The dev container of {0} is ready: {1}', project.folder.name, where) : vscode.l10n.t('The dev container of {0} is ready.', project.folder.name);
}

/** Opens a URL of this machine in the browser, through VS Code's port forwarding when VS Code runs remotely. */
export async function openUrl(url: string): Promise<void> {
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(url));
  if (await vscode.env.openExternal(external)) walkthroughEventHappened('pageOpened');
}
