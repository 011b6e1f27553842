import * as vscode from 'vscode';
import { composeArgv } from '../core/compose';
import { projectForCommand, serviceOfNode } from '../ui/projectForCommand';
import type { Services } from './services';

const TAIL_LINES = 200;

/** "Phoenix: Show Logs": follows the services' output (or one service's, from the tree) in a terminal. */
export async function showLogsCommand(services: Services, node?: unknown): Promise<void> {
  const project = await projectForCommand(services.projects, node, vscode.l10n.t('Show the logs of which folder?'));
  if (project === undefined) return;
  const service = serviceOfNode(node);
  const name = vscode.l10n.t('Logs: {0}', service === undefined ? project.folder.name : `${project.folder.name}/${service}`);
  const open = vscode.window.terminals.find((terminal) => terminal.name === name && terminal.exitStatus === undefined);
  if (open !== undefined) {
    open.show();
    return;
  }
  const argv = composeArgv(await services.compose.cli(), project.compose, {
    kind: 'logs',
    follow: true,
    tail: TAIL_LINES,
    ...(service !== undefined && { services: [service] }),
  });
  const terminal = vscode.window.createTerminal({
    name,
    shellPath: argv.command,
    shellArgs: [...argv.args],
    cwd: project.compose.projectDirectory,
    env: services.compose.terminalEnv(),
    iconPath: new vscode.ThemeIcon('output'),
  });
  terminal.show();
}
