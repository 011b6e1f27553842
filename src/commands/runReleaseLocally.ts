import * as vscode from 'vscode';
import { ENVIRONMENTS } from '../core/environments';
import { startComposeProject } from '../docker/lifecycle';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { pickProjectFolder } from '../ui/pickFolder';
import { offerReadyActions } from '../ui/readyActions';
import type { Services } from './services';

/**
 * "Phoenix: Run Release Locally": builds the release image and runs it through its own compose
 * project, beside the dev container, until its node and Phoenix's port answer. Like every start of
 * a release (see withLifecycleProgress), it builds every time, which the layer cache makes cheap:
 * the image holds the code, so an edit in lib/ or config/ must reach it.
 */
export async function runReleaseLocallyCommand(services: Services): Promise<void> {
  const folder = await pickProjectFolder(services.projects, vscode.l10n.t('Run the release of which folder?'));
  if (folder === undefined) return;
  const release = services.projects.all.find((project) => project.environment === ENVIRONMENTS.release && project.folder.uri.toString() === folder.uri.toString());
  if (release === undefined) {
    const scaffold = vscode.l10n.t('Scaffold Release Image');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('{0} has no release image yet. Scaffold one first?', folder.name),
      scaffold,
    );
    if (choice === scaffold) await vscode.commands.executeCommand('phoenix.scaffoldReleaseImage');
    return;
  }
  const ready = await withLifecycleProgress(services, release, vscode.l10n.t('Running the release of {0}', folder.name), async (options) =>
    startComposeProject(services.docker, await services.compose.cli(), release.compose, options));
  if (ready !== undefined) offerReadyActions(services, release, ready);
}
