import * as vscode from 'vscode';
import type { StatusLook } from '../core/statusLook';

/** A status in the user's words, as the view and the status bar both say it. */
export function statusText(look: StatusLook): string {
  switch (look.word) {
    case 'running': return vscode.l10n.t('running');
    case 'healthy': return vscode.l10n.t('healthy');
    case 'starting': return vscode.l10n.t('starting');
    case 'unhealthy': return vscode.l10n.t('unhealthy');
    case 'restarting': return vscode.l10n.t('restarting');
    case 'paused': return vscode.l10n.t('paused');
    case 'created': return vscode.l10n.t('created');
    case 'stopped': return vscode.l10n.t('stopped');
    case 'exited': return vscode.l10n.t('exited ({0})', look.exitCode);
    case 'dead': return vscode.l10n.t('dead');
    case 'missing': return vscode.l10n.t('not created');
    case 'unreachable': return vscode.l10n.t('Docker not reachable');
  }
}

export function statusIcon(look: StatusLook): vscode.ThemeIcon {
  return new vscode.ThemeIcon(look.icon, look.color === undefined ? undefined : new vscode.ThemeColor(look.color));
}
