import * as vscode from 'vscode';
import type { EnvironmentKind } from '../core/environments';

/** How the user is told about one environment of a project (`folder` is the project folder's name). */
export interface EnvironmentWords {
  /** Its row in the view. */
  readonly label: (folder: string) => string;
  /** Its entry when the user picks between a project's environments. */
  readonly choice: (folder: string) => string;
  readonly starting: (folder: string) => string;
  readonly stopping: (folder: string) => string;
  readonly restarting: (folder: string) => string;
  readonly rebuilding: (folder: string) => string;
  readonly tearDownQuestion: (folder: string) => string;
  readonly tearingDown: (folder: string) => string;
  readonly busy: (folder: string) => string;
  /** `where` is its URL and node, when known. */
  readonly ready: (folder: string, where: string) => string;
  /** The status bar's tooltip. */
  readonly state: (folder: string, state: string) => string;
  /** Why "Reset Database" does not apply to it, when it does not and there is more to say than that. */
  readonly noDatabaseReset?: string;
  /** Why "Check File Watching" does not apply to it, when it does not. */
  readonly noFileWatchingCheck?: string;
}

export const ENVIRONMENT_WORDS: Readonly<Record<EnvironmentKind, () => EnvironmentWords>> = {
  dev: () => ({
    label: (folder) => folder,
    choice: (folder) => vscode.l10n.t('Dev container of {0}', folder),
    starting: (folder) => vscode.l10n.t('Starting the dev container of {0}', folder),
    stopping: (folder) => vscode.l10n.t('Stopping the dev container of {0}', folder),
    restarting: (folder) => vscode.l10n.t('Restarting the dev container of {0}', folder),
    rebuilding: (folder) => vscode.l10n.t('Rebuilding the dev container of {0}', folder),
    tearDownQuestion: (folder) => vscode.l10n.t('Tear down the dev container of {0}?', folder),
    tearingDown: (folder) => vscode.l10n.t('Tearing down the dev container of {0}', folder),
    busy: (folder) => vscode.l10n.t('The dev container of {0} is busy with another command; try again when it is done.', folder),
    ready: (folder, where) => (where ? vscode.l10n.t('The dev container of {0} is ready: {1}', folder, where) : vscode.l10n.t('The dev container of {0} is ready.', folder)),
    state: (folder, state) => vscode.l10n.t('Phoenix dev container of {0}: {1}', folder, state),
  }),
  release: () => ({
    label: (folder) => vscode.l10n.t('{0} (release)', folder),
    choice: (folder) => vscode.l10n.t('Release of {0}', folder),
    starting: (folder) => vscode.l10n.t('Starting the release of {0}', folder),
    stopping: (folder) => vscode.l10n.t('Stopping the release of {0}', folder),
    restarting: (folder) => vscode.l10n.t('Restarting the release of {0}', folder),
    rebuilding: (folder) => vscode.l10n.t('Rebuilding the release of {0}', folder),
    tearDownQuestion: (folder) => vscode.l10n.t('Tear down the release of {0}?', folder),
    tearingDown: (folder) => vscode.l10n.t('Tearing down the release of {0}', folder),
    busy: (folder) => vscode.l10n.t('The release of {0} is busy with another command; try again when it is done.', folder),
    ready: (folder, where) => (where ? vscode.l10n.t('The release of {0} is running: {1}', folder, where) : vscode.l10n.t('The release of {0} is running.', folder)),
    state: (folder, state) => vscode.l10n.t('Phoenix release of {0}: {1}', folder, state),
    noDatabaseReset: vscode.l10n.t('Reset Database works on the dev container. The release\'s database goes with "Tear Down" and its volumes.'),
    noFileWatchingCheck: vscode.l10n.t('Live reload runs in the dev container: check file watching there, not in the release run locally.'),
  }),
};

/** The words for a project's environment. */
export function wordsFor(environment: { readonly kind: EnvironmentKind }): EnvironmentWords {
  return ENVIRONMENT_WORDS[environment.kind]();
}
