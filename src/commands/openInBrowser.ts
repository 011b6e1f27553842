import * as vscode from 'vscode';
import { runningAppUrl } from '../docker/readiness';
import { pickEnvironment } from '../ui/pickEnvironment';
import { openUrl } from '../ui/readyActions';
import type { Target, TargetOf } from '../ui/target';
import type { Services } from './services';

/** "Phoenix: Open in Browser": the running app's published port, forwarded when VS Code runs remotely. */
export async function openInBrowserCommand(services: Services, target: TargetOf<'environment' | 'service' | 'url'> | undefined): Promise<void> {
  // A URL row of the Phoenix view names its URL.
  if (target?.kind === 'url') {
    await openUrl(target.url);
    return;
  }
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Open the app of which folder?')));
  if (project === undefined) return;
  const url = await runningAppUrl(services.docker, project.composeProject);
  if (url === undefined) {
    const start = vscode.l10n.t('Start Dev Container');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('The app of {0} is not running, or its port is not published. Start the dev container first.', project.folder.name),
      start,
    );
    if (choice === start) await vscode.commands.executeCommand('phoenix.startDevContainer', { kind: 'environment', project } satisfies Target);
    return;
  }
  await openUrl(url);
}
