import * as vscode from 'vscode';
import { DevContainerError } from '../core/devContainerFailure';
import { RESET_DATABASE_ARGUMENT, STEP_MARKER, classifyStepFailure, resetDatabaseArgv } from '../core/entrypointSteps';
import { lastLines } from '../core/lines';
import { endSessionArgv, sessionMark } from '../core/node';
import { phoenixContainer } from '../core/serviceView';
import { wordsFor } from '../ui/environmentWords';
import { withLifecycleProgress } from '../ui/lifecycleProgress';
import { pickEnvironment } from '../ui/pickEnvironment';
import type { Target, TargetOf } from '../ui/target';
import { readText } from '../ui/workspaceFiles';
import type { Services } from './services';

const LOG_LINES = 200;
/** Dropping, creating, migrating and seeding a development database takes seconds; this is for a stuck one. */
const RESET_TIMEOUT_MS = 600_000;

/**
 * "Phoenix: Reset Database": in the running dev container, drops the database, creates and
 * migrates it again, then runs priv/repo/seeds.exs when there is one, after a confirmation.
 */
export async function resetDatabaseCommand(services: Services, target: TargetOf<'environment'> | undefined): Promise<void> {
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Reset the database of which folder?')));
  if (project === undefined) return;
  if (!project.environment.resetsDatabase) {
    const words = wordsFor(project.environment);
    void vscode.window.showInformationMessage(words.noDatabaseReset ?? vscode.l10n.t('Reset Database does not apply to {0}.', words.label(project.folder.name)));
    return;
  }
  const app = phoenixContainer(await services.docker.listComposeContainers(project.composeProject));
  if (app?.state !== 'running') {
    const start = vscode.l10n.t('Start Dev Container');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('The dev container of {0} is not running: start it first, then reset its database.', project.folder.name), start);
    if (choice === start) await vscode.commands.executeCommand('phoenix.startDevContainer', { kind: 'environment', project } satisfies Target);
    return;
  }
  const argv = resetDatabaseArgv((await services.docker.inspectContainer(app.id)).cmd);
  const entrypoint = await readText(vscode.Uri.joinPath(project.dir, 'entrypoint.sh'));
  const resets = entrypoint?.includes(`= ${RESET_DATABASE_ARGUMENT} ]`) === true;
  if (entrypoint?.includes(STEP_MARKER) === true && !resets) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} uses no Ecto database in its dev container: there is nothing to reset.', project.folder.name));
    return;
  }
  // An entrypoint written before the reset existed would start a second server instead.
  if (argv === undefined || !resets) {
    const scaffold = vscode.l10n.t('Scaffold Dev Container');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('The dev container of {0} cannot reset its database: its entrypoint.sh has no reset step. Scaffold the dev container again to update it, then restart it.', project.folder.name), scaffold);
    if (choice === scaffold) await vscode.commands.executeCommand('phoenix.scaffoldDevContainer');
    return;
  }
  const reset = vscode.l10n.t('Reset Database');
  const confirmed = await vscode.window.showWarningMessage(
    vscode.l10n.t('Reset the database of {0}? It is dropped, created and migrated again, then seeded from priv/repo/seeds.exs when there is one. Its data is lost.', project.folder.name),
    { modal: true },
    reset,
  );
  if (confirmed !== reset) return;
  const { randomBytes } = await import('node:crypto');
  const session = `reset_${randomBytes(4).toString('hex')}`;
  const done = await withLifecycleProgress(services, project, vscode.l10n.t('Resetting the database of {0}', project.folder.name), async (options) => {
    // docker exec leaves what it started running when it is cancelled: the session mark ends it.
    const endReset = (): void => { void services.docker.exec(app.id, endSessionArgv(session)).catch(() => undefined); };
    options.signal?.addEventListener('abort', endReset, { once: true });
    try {
      const result = await services.docker.exec(app.id, argv, { env: [sessionMark(session)], timeoutMs: RESET_TIMEOUT_MS, ...(options.signal && { signal: options.signal }) });
      const lines = lastLines(result.output, LOG_LINES);
      for (const line of lines) options.report?.line(line);
      if (result.exitCode !== 0) {
        const failed = classifyStepFailure(lines, true);
        throw new DevContainerError(failed === undefined
          ? { kind: 'reset-database-failed', exitCode: result.exitCode, lastLines: lines.slice(-20) }
          : { kind: 'step-failed', failed, during: 'reset-database', lastLines: lines.slice(-20) });
      }
      return true;
    } catch (error) {
      // Timed out: what it started must not go on dropping and creating behind the user's back.
      if (!(error instanceof DevContainerError)) endReset();
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', endReset);
    }
  });
  if (done === true) void vscode.window.showInformationMessage(vscode.l10n.t('The database of {0} was reset.', project.folder.name));
}
