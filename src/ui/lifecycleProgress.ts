import * as vscode from 'vscode';
import { DevContainerError } from '../core/devContainerFailure';
import type { EntrypointStep } from '../core/entrypointSteps';
import type { BuildRecords } from '../docker/builds';
import type { LifecycleOptions, StartStage } from '../docker/lifecycle';
import type { ComposeSession } from './composeSession';
import type { DevContainerTree } from './devContainerTree';
import { wordsFor } from './environmentWords';
import { showFailure } from './failureMessages';
import type { PhoenixProject } from './phoenixProjects';
import type { Settings } from './settings';
import type { DevContainerStatusBar } from './statusBar';
import { plainText } from '../core/plainText';

const STAGE_TITLES: Record<StartStage, () => string> = {
  checking: () => vscode.l10n.t('Checking Docker and the compose file'),
  building: () => vscode.l10n.t('Building the image'),
  starting: () => vscode.l10n.t('Starting the services'),
  'waiting-for-node': () => vscode.l10n.t('Waiting for the Erlang node'),
  'waiting-for-http': () => vscode.l10n.t('Waiting for Phoenix to answer'),
  ready: () => vscode.l10n.t('Ready'),
};

const STEP_TITLES: Record<EntrypointStep, () => string> = {
  dependencies: () => vscode.l10n.t('Checking the dependencies'),
  compile: () => vscode.l10n.t('Compiling'),
  database: () => vscode.l10n.t('Waiting for the database'),
  'ecto.drop': () => vscode.l10n.t('Dropping the database'),
  'ecto.create': () => vscode.l10n.t('Creating the database'),
  'ecto.migrate': () => vscode.l10n.t('Running the migrations'),
  seeds: () => vscode.l10n.t('Running the seeds'),
  server: () => vscode.l10n.t('Starting Phoenix'),
};

/** Projects with lifecycle work under way: a second Start (a double click) must not run compose twice. */
const busyProjects = new Set<string>();

/** How often the notification may show a new output line (the log gets every line). */
const LINE_INTERVAL_MS = 250;

/** What lifecycle work reports to and runs with. */
export interface LifecycleServices {
  readonly log: vscode.LogOutputChannel;
  readonly compose: ComposeSession;
  readonly settings: Settings;
  readonly tree: DevContainerTree;
  readonly statusBar: DevContainerStatusBar;
  readonly buildRecords: BuildRecords;
}

/**
 * Runs lifecycle work under a cancellable progress notification: stages as its message, compose's
 * and the app's output streamed to the log, cancel stopping the child process. A failure is shown
 * with what to do next; the result is undefined when it failed or was cancelled.
 */
export async function withLifecycleProgress<T>(
  services: LifecycleServices,
  project: PhoenixProject,
  title: string,
  work: (options: LifecycleOptions) => Promise<T>,
): Promise<T | undefined> {
  const { log, compose, statusBar } = services;
  const key = project.folder.uri.toString();
  if (busyProjects.has(key)) {
    void vscode.window.showInformationMessage(wordsFor(project.environment).busy(project.folder.name));
    return undefined;
  }
  busyProjects.add(key);
  statusBar.showBusy(project, title);
  const controller = new AbortController();
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const cancellation = token.onCancellationRequested(() => { controller.abort(); });
        let stage = '';
        let lastLineShown = 0;
        try {
          return await work({
            signal: controller.signal,
            env: compose.env(),
            buildRecords: services.buildRecords,
            build: project.environment.build,
            readyTimeoutMs: services.settings.readyTimeoutMs(project.folder),
            report: {
              stage: (next) => {
                stage = STAGE_TITLES[next]();
                log.info(`${project.folder.name}: ${stage}`);
                // Building is the long, noisy stage: its output is worth watching.
                if (next === 'building') log.show(true);
                progress.report({ message: stage });
              },
              step: (next) => {
                stage = STEP_TITLES[next]();
                log.info(`${project.folder.name}: ${stage}`);
                progress.report({ message: stage });
              },
              line: (text) => {
                log.info(text);
                if (Date.now() - lastLineShown < LINE_INTERVAL_MS || text.trim() === '') return;
                lastLineShown = Date.now();
                const latest = plainText(text.trim().slice(0, 100));
                progress.report({ message: stage === '' ? latest : `${stage}: ${latest}` });
              },
            },
          });
        } finally {
          cancellation.dispose();
        }
      },
    );
  } catch (error) {
    // Whatever the cancelled step threw (an abort error, a killed child's failure), it was cancelled.
    if (controller.signal.aborted) {
      log.info(`${project.folder.name}: ${title} cancelled`);
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}: cancelled.', title));
      return undefined;
    }
    if (!(error instanceof DevContainerError)) throw error;
    showFailure(log, error.failure, project);
    return undefined;
  } finally {
    busyProjects.delete(key);
    services.tree.refresh();
    void statusBar.update();
  }
}
