import * as vscode from 'vscode';
import { parseMixHelp } from '../core/testing/mixTasks';
import { mixCommand, NO_MIX_MARKER } from '../core/testing/run';
import { MIX_TASK_TYPE } from '../ui/mixTasks';
import { pickEnvironment } from '../ui/pickEnvironment';
import type { TargetOf } from '../ui/target';
import type { Services } from './services';

const HELP_TIMEOUT_MS = 120_000;

/** "Phoenix: Run Mix Task…": a task from the project's own `mix help`, listed and run in its dev container. */
export async function runMixTaskCommand(services: Services, target: TargetOf<'environment'> | undefined): Promise<void> {
  const project = target?.project ?? (await pickEnvironment(services.projects, vscode.l10n.t('Run a mix task in which project?')));
  if (project === undefined) return;
  if (!project.environment.runsMix) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Mix tasks run in the dev container: a release has no mix.'));
    return;
  }
  const container = await services.mix.container(project, true);
  if (container === undefined) return;
  const help = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing the mix tasks of {0}', project.folder.name), cancellable: true },
    async (_progress, token) => {
      const stop = new AbortController();
      const cancelled = token.onCancellationRequested(() => { stop.abort(); });
      try {
        return await services.mix.run(container, services.mix.rootOf(project), mixCommand('plain', ['help']), { signal: stop.signal, timeoutMs: HELP_TIMEOUT_MS });
      } catch (error) {
        // Cancelled by the user: nothing to report.
        if (stop.signal.aborted) return undefined;
        throw error;
      } finally {
        cancelled.dispose();
      }
    },
  );
  if (help === undefined) return;
  if (help.output.includes(NO_MIX_MARKER)) throw new Error(vscode.l10n.t('The dev container of {0} has no mix: its image needs Elixir.', project.folder.name));
  const tasks = parseMixHelp(help.stdout);
  if (tasks.length === 0) throw new Error(vscode.l10n.t('mix help listed no tasks in the dev container of {0}: {1}', project.folder.name, help.output.trim().split('\n').slice(-5).join('\n')));
  const picked = await vscode.window.showQuickPick(tasks.map((task) => ({ label: task.task, description: task.description })), {
    placeHolder: vscode.l10n.t('The mix task to run in the dev container of {0}', project.folder.name),
    matchOnDescription: true,
  });
  if (picked === undefined) return;
  // The task runs where the listing did: the user is not asked again whether to start the dev container.
  await vscode.tasks.executeTask(services.mixTasks.task(project.folder, { type: MIX_TASK_TYPE, task: picked.label }, undefined, container));
}
