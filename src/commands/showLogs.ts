import * as vscode from 'vscode';
import { composeArgv } from '../core/compose';
import { pickEnvironment } from '../ui/pickEnvironment';
import { servicesOf, type TargetOf } from '../ui/target';
import type { Services } from './services';

const TAIL_LINES = 200;

/** "Phoenix: Show Logs": follows the services' output (or one service's, from the tree) in a terminal. */
export async function showLogsCommand(services: Services, target: TargetOf<'environment' | 'service'> | undefined): Promise<void> {
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Show the logs of which folder?')));
  if (project === undefined) return;
  const only = servicesOf(target);
  const name = vscode.l10n.t('Logs: {0}', only === undefined ? project.folder.name : `${project.folder.name}/${only.join(', ')}`);
  const open = vscode.window.terminals.find((terminal) => terminal.name === name && terminal.exitStatus === undefined);
  if (open !== undefined) {
    open.show();
    return;
  }
  const argv = composeArgv(await services.compose.cli(), project.compose, {
    kind: 'logs',
    follow: true,
    tail: TAIL_LINES,
    ...(only !== undefined && { services: only }),
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
