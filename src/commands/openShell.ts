import * as vscode from 'vscode';
import type { TargetOf } from '../ui/target';
import type { Services } from './services';

// A fixed line, nothing interpolated: bash when the image has it, else sh.
const SHELL = 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi';

/** "Open Shell" on a running service in the Phoenix view: a shell inside its container. */
export async function openShellCommand(services: Services, target: TargetOf<'service'> | undefined): Promise<void> {
  const container = target?.container;
  if (target === undefined || container === undefined) {
    throw new Error(vscode.l10n.t('Open Shell works on a running service: use it from the Phoenix view.'));
  }
  services.terminals.show(`shell:${container}`, {
    name: vscode.l10n.t('Shell: {0}', `${target.project.folder.name}/${target.service}`),
    shellPath: await services.compose.containerCli(),
    shellArgs: ['exec', '-it', container, 'sh', '-c', SHELL],
    env: services.compose.terminalEnv(),
    iconPath: new vscode.ThemeIcon('terminal-bash'),
  });
}
