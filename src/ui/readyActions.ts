import * as vscode from 'vscode';
import type { ReadyDevContainer } from '../docker/readiness';
import { wordsFor } from './environmentWords';
import { plainText } from '../core/plainText';
import type { PhoenixProject } from './phoenixProjects';
import type { Target } from './target';
import { walkthroughEventHappened } from './walkthrough';

/** Says the dev container (or the release run locally) is ready and offers what comes next. */
export function offerReadyActions(services: { readonly log: vscode.LogOutputChannel }, project: PhoenixProject, ready: ReadyDevContainer): void {
  const openInBrowser = vscode.l10n.t('Open in Browser');
  const attach = vscode.l10n.t('Attach Remote IEx');
  const showLogs = vscode.l10n.t('Show Logs');
  const where = [ready.url, ready.node].filter((part) => part !== undefined).join(', ');
  services.log.info(`${project.folder.name}: ready${where ? ` (${where})` : ''}`);
  if (project.environment.inWalkthrough) walkthroughEventHappened('started');
  void vscode.window
    .showInformationMessage(
      plainText(wordsFor(project.environment).ready(project.folder.name, where)),
      ...(ready.url === undefined ? [] : [openInBrowser]),
      ...(ready.node === undefined ? [] : [attach]),
      showLogs,
    )
    .then((choice) => {
      if (choice === openInBrowser && ready.url !== undefined) void openUrl(ready.url);
      if (choice === attach) {
        void vscode.commands.executeCommand('phoenix.attachRemoteIex', { kind: 'service', project, service: ready.service, container: ready.containerId } satisfies Target);
      }
      if (choice === showLogs) void vscode.commands.executeCommand('phoenix.showLogs', { kind: 'environment', project } satisfies Target);
    });
}

/** Opens a URL of this machine in the browser, through VS Code's port forwarding when VS Code runs remotely. */
export async function openUrl(url: string): Promise<void> {
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(url));
  if (await vscode.env.openExternal(external)) walkthroughEventHappened('pageOpened');
}
