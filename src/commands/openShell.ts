import * as vscode from 'vscode';
import { containerOfNode, projectForCommand, serviceOfNode } from '../ui/projectForCommand';
import type { Services } from './services';

// A fixed line, nothing interpolated: bash when the image has it, else sh.
const SHELL = 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi';

/** "Open Shell" on a running service in the Phoenix view: a shell inside its container. */
export async function openShellCommand(services: Services, node?: unknown): Promise<void> {
  const container = containerOfNode(node);
  const project = await projectForCommand(services.projects, node, '');
  if (container === undefined || project === undefined) {
    throw new Error(vscode.l10n.t('Open Shell works on a running service: use it from the Phoenix view.'));
  }
  const service = serviceOfNode(node) ?? container.slice(0, 12);
  services.terminals.show(`shell:${container}`, {
    name: vscode.l10n.t('Shell: {0}', `${project.folder.name}/${service}`),
    shellPath: await services.compose.containerCli(),
    shellArgs: ['exec', '-it', container, 'sh', '-c', SHELL],
    env: services.compose.terminalEnv(),
    iconPath: new vscode.ThemeIcon('terminal-bash'),
  });
}
