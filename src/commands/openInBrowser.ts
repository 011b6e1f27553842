import * as vscode from 'vscode';
import { isRecord } from '../core/isRecord';
import { runningAppUrl } from '../docker/readiness';
import { projectForCommand } from '../ui/projectForCommand';
import { openUrl } from '../ui/readyActions';
import type { Services } from './services';

/** "Phoenix: Open in Browser": the running app's published port, forwarded when VS Code runs remotely. */
export async function openInBrowserCommand(services: Services, node?: unknown): Promise<void> {
  // A URL row of the Phoenix view names its URL.
  if (isRecord(node) && typeof node['url'] === 'string' && /^https?:\/\//.test(node['url'])) {
    await openUrl(node['url']);
    return;
  }
  const project = await projectForCommand(services.projects, node, vscode.l10n.t('Open the app of which folder?'));
  if (project === undefined) return;
  const url = await runningAppUrl(services.docker, project.composeProject);
  if (url === undefined) {
    const start = vscode.l10n.t('Start Dev Container');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('The app of {0} is not running, or its port is not published. Start the dev container first.', project.folder.name),
      start,
    );
    if (choice === start) await vscode.commands.executeCommand('phoenix.startDevContainer', { kind: 'project', project });
    return;
  }
  await openUrl(url);
}
