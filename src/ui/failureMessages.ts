import { basename, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { PhoenixProject } from './phoenixProjects';
import { plainText } from '../core/plainText';
import type { DevContainerFailure, StepFailureContext } from '../core/devContainerFailure';
import type { StepFailure } from '../core/entrypointSteps';

export interface FailureMessage {
  readonly text: string;
  /** Lines worth keeping in the log (a container's last output), not shown in the notification. */
  readonly details: readonly string[];
  readonly actions: readonly FailureAction[];
}

export interface FailureAction {
  readonly title: string;
  readonly run: () => unknown;
}

/** Words a failure for the user: what happened, and what to do next. */
export function describeFailure(failure: DevContainerFailure, project: PhoenixProject | undefined, showLog: () => void): FailureMessage {
  const target = project?.compose;
  const logAction = { title: vscode.l10n.t('Show Log'), run: showLog };
  const settingsAction = (setting: string): FailureAction => ({
    title: vscode.l10n.t('Open Settings'),
    run: () => vscode.commands.executeCommand('workbench.action.openSettings', setting),
  });
  const composeFile = target?.files[0];
  const openComposeFile: FailureAction[] = composeFile === undefined ? [] : [{ title: vscode.l10n.t('Open Compose File'), run: () => openAt(composeFile, undefined, undefined) }];
  // The release's image and config are the project's own files, not the scaffold's.
  const release = project?.environment.configuredBy === 'project' ? project : undefined;
  const openProjectFile = (path: string): FailureAction[] => release === undefined
    ? []
    : [{ title: vscode.l10n.t('Open {0}', path), run: () => openAt(join(release.folder.uri.fsPath, ...path.split('/')), undefined, undefined) }];
  switch (failure.kind) {
    case 'docker-not-installed':
      return {
        text: vscode.l10n.t('Docker is not installed: the "docker" program was not found. Install Docker Engine or Docker Desktop, then try again.'),
        details: [],
        actions: [{ title: vscode.l10n.t('Get Docker'), run: () => vscode.env.openExternal(vscode.Uri.parse('https://docs.docker.com/get-started/get-docker/')) }],
      };
    case 'compose-missing':
      return {
        text: vscode.l10n.t('Docker Compose was not found (tried {0}). Install the Docker Compose plugin, or choose the command in the "phoenix.composeCommand" setting.', failure.tried.join(', ')),
        details: [],
        actions: [settingsAction('phoenix.composeCommand')],
      };
    case 'docker-unreachable':
      return {
        // On Linux, a user outside the docker group is refused, which is not fixed by starting Docker.
        text: /permission denied|EACCES/i.test(failure.detail)
          ? vscode.l10n.t('Docker refused access at {0}: your user may not use the Docker engine. Add it to the "docker" group and log in again, or use rootless Docker.', failure.host)
          : vscode.l10n.t('Docker is not running: nothing answers at {0}. Start Docker, then try again.', failure.host),
        details: [failure.detail],
        actions: [settingsAction('phoenix.dockerHost'), logAction],
      };
    case 'invalid-compose-file': {
      const file = failure.file === undefined || target === undefined || isAbsolute(failure.file)
        ? failure.file ?? composeFile
        : join(target.projectDirectory, failure.file);
      const where = failure.line === undefined ? '' : vscode.l10n.t(' (line {0})', failure.line);
      return {
        text: vscode.l10n.t('The compose file is not valid{0}: {1}', where, failure.message),
        details: [],
        actions: file === undefined ? [] : [{ title: vscode.l10n.t('Open File'), run: () => openAt(file, failure.line, failure.column) }],
      };
    }
    case 'build-failed':
      return {
        text: failure.step === undefined
          ? vscode.l10n.t('The image build failed. The full build log is in the output.')
          : vscode.l10n.t('The image build failed at "{0}". The full build log is in the output.', failure.step),
        details: [failure.detail],
        actions: [logAction],
      };
    case 'image-pull-failed': {
      if (release !== undefined) {
        // The release's builder and runner images are the Dockerfile's ARGs, which no setting changes.
        const fromDockerfile = failure.image === undefined || /(^|\/)(elixir|erlang|debian)[:@]|hexpm\//.test(failure.image);
        const which = failure.image ?? vscode.l10n.t('an image of the release');
        return {
          text: fromDockerfile
            ? vscode.l10n.t('{0} could not be pulled. When you are offline or the tag does not exist, set the versions in the ARG lines of the Dockerfile to images you have.', which)
            : vscode.l10n.t('{0} could not be pulled. Check your network or the image name in the compose file.', which),
          details: [failure.detail],
          actions: fromDockerfile ? [...openProjectFile('Dockerfile'), logAction] : [logAction],
        };
      }
      // The Dockerfile's base image is the extension's choice (a setting); a service's image is the compose file's.
      const base = failure.image === undefined || /(^|\/)(elixir|erlang)[:@]|hexpm\//.test(failure.image);
      const which = failure.image ?? vscode.l10n.t('an image of the dev container');
      return {
        text: base
          ? vscode.l10n.t('{0} could not be pulled. When you are offline or the tag does not exist, set "phoenix.baseImage" to an image you have and scaffold again.', which)
          : vscode.l10n.t('{0} could not be pulled. Check your network or the image name in the compose file.', which),
        details: [failure.detail],
        actions: base ? [settingsAction('phoenix.baseImage'), logAction] : [logAction],
      };
    }
    case 'port-in-use':
      return {
        text: failure.port === undefined
          ? release === undefined
            ? vscode.l10n.t('A port the dev container publishes is already in use. Free it, or change the published port in the compose file.')
            : vscode.l10n.t('A port the release publishes is already in use. Free it, or change the published port in the compose file.')
          : failure.holder === undefined
            ? vscode.l10n.t('Port {0} is already in use on this machine. Free it, or change the published port in the compose file.', failure.port)
            : vscode.l10n.t('Port {0} is already in use by {1}. Stop it, or change the published port in the compose file.', failure.port, failure.holder),
        details: [],
        actions: [...openComposeFile, logAction],
      };
    case 'compose-failed':
      return {
        text: vscode.l10n.t('"compose {0}" failed: {1}', failure.command, failure.detail.split('\n').pop() ?? ''),
        details: [failure.detail],
        actions: [logAction],
      };
    case 'container-exited':
      return {
        text: vscode.l10n.t('The {0} container stopped (exit code {1}). Last line: {2}', failure.service, failure.exitCode, failure.lastLines[failure.lastLines.length - 1] ?? vscode.l10n.t('(no output)')),
        details: failure.lastLines,
        actions: [logAction],
      };
    case 'node-not-answering': {
      const seconds = Math.round(failure.waitedMs / 1000);
      const text = failure.outcome === 'refused'
        ? release === undefined
          ? vscode.l10n.t('The node {0} is up but refuses connections after {1} s: its cookie is most likely not the one in the dev container\'s .env. Restart the dev container so both use the same cookie.', failure.node, seconds)
          : vscode.l10n.t('The node {0} is up but refuses connections after {1} s: it most likely uses another cookie than the container\'s RELEASE_COOKIE (from {2}). Check that rel/env.sh.eex does not set another one, then run "Phoenix: Run Release Locally" again.', failure.node, seconds, vscode.workspace.asRelativePath(vscode.Uri.joinPath(release.dir, '.env'), false))
        : failure.outcome === 'unregistered'
          ? vscode.l10n.t('The node {0} did not come up within {1} s (pinged from inside the container; epmd never listed it). It may still be compiling or it crashed: see its last lines in the log.', failure.node, seconds)
          : vscode.l10n.t('The node {0} could not be probed: the probe, a short-lived elixir run inside the container, failed. Its output is in the log.', failure.node);
      return { text, details: failure.lastLines, actions: [logAction] };
    }
    case 'http-on-loopback':
      if (release !== undefined) {
        return {
          text: vscode.l10n.t('The release\'s Phoenix listens on loopback only inside the container, port {0}: config/runtime.exs binds the prod endpoint to loopback, which {1} cannot reach, and the release did not forward the port (the generated rel/overlays/bin/server does; a project\'s own is kept as it is). Delete rel/overlays/bin/server and run "Phoenix: Scaffold Release Image" again, or set the endpoint\'s {2} in config/runtime.exs; then run "Phoenix: Run Release Locally" again.', failure.port, failure.url, 'http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}]'),
          details: [],
          actions: [...openProjectFile('config/runtime.exs'), logAction],
        };
      }
      return {
        text: vscode.l10n.t('Phoenix listens on 127.0.0.1:{0} inside the container, which {1} cannot reach. Scaffold the dev container again and choose Overwrite for entrypoint.sh (yours is kept as a .bak), then restart it: the new entrypoint makes Phoenix listen on all interfaces inside the container only, and config/dev.exs stays as it is.', failure.port, failure.url),
        details: [],
        actions: [{ title: vscode.l10n.t('Scaffold Dev Container'), run: () => vscode.commands.executeCommand('phoenix.scaffoldDevContainer') }, logAction],
      };
    case 'reset-database-failed':
      return {
        text: vscode.l10n.t('Resetting the database failed (exit code {0}): {1}', failure.exitCode ?? '?', failure.lastLines[failure.lastLines.length - 1] ?? vscode.l10n.t('(no output)')),
        details: failure.lastLines,
        actions: [logAction],
      };
    case 'step-failed':
      return describeStepFailure(failure.failed, failure.during, failure.lastLines, project, logAction);
    case 'http-not-answering':
      return {
        text: release === undefined
          ? vscode.l10n.t('The node answers, but Phoenix does not respond on {0} after {1} s. Check that the endpoint in config/dev.exs has an http port and that the server starts, and see the last lines in the log.', failure.url, Math.round(failure.waitedMs / 1000))
          : vscode.l10n.t('The release\'s node answers, but Phoenix does not respond on {0} after {1} s. Check that config/runtime.exs starts the endpoint when PHX_SERVER is set and binds it to all interfaces ({2}), and see the last lines in the log.', failure.url, Math.round(failure.waitedMs / 1000), 'http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}]'),
        details: failure.lastLines,
        actions: [logAction],
      };
  }
}

/** Words a failed entrypoint step: what failed, where, and what to do next. */
function describeStepFailure(failed: StepFailure, during: StepFailureContext, lastLines: readonly string[], project: PhoenixProject | undefined, logAction: FailureAction): FailureMessage {
  const again = during === 'reset-database' ? vscode.l10n.t('Then reset the database again.') : vscode.l10n.t('Then start again.');
  const detail = (text: string | undefined): string => text ?? vscode.l10n.t('(no output)');
  switch (failed.cause) {
    case 'dependencies-unreachable':
      return {
        text: vscode.l10n.t('The dev container could not fetch the project\'s dependencies (mix deps.get): {0}. Check that Hex and your dependencies\' git hosts can be reached from Docker. {1}', detail(failed.detail), again),
        details: lastLines,
        actions: [logAction],
      };
    case 'compile-error': {
      const where = failed.file === undefined ? undefined : projectFile(project, failed.file);
      return {
        text: failed.file === undefined
          ? vscode.l10n.t('The project does not compile in the dev container: {0}. Fix it. {1}', detail(failed.detail), again)
          : vscode.l10n.t('The project does not compile: {0}{1}: {2}. Fix it. {3}', failed.file, failed.line === undefined ? '' : `:${failed.line}`, detail(failed.detail), again),
        details: lastLines,
        actions: [...(where === undefined ? [] : [{ title: vscode.l10n.t('Open {0}', basename(where)), run: () => openAt(where, failed.line, undefined) }]), logAction],
      };
    }
    case 'database-unreachable':
      return {
        text: failed.host === undefined
          ? vscode.l10n.t('The database cannot be reached from the dev container ({0}). See the db service\'s log (Show Logs on its row in the Phoenix view). {1}', detail(failed.reason), again)
          : vscode.l10n.t('The database at {0}:{1} cannot be reached from the dev container ({2}). See the db service\'s log (Show Logs on its row in the Phoenix view). {3}', failed.host, failed.port ?? '', detail(failed.reason), again),
        details: lastLines,
        actions: [logAction],
      };
    case 'database-refused':
      return {
        text: vscode.l10n.t('The database refused the connection: {0}. Make the db service\'s user and password in the compose file match your Repo\'s in config/dev.exs. A database keeps the password it was created with: after changing it, tear the dev container down with its volumes. {1}', failed.reason, again),
        details: lastLines,
        actions: [logAction],
      };
    case 'migration-failed':
      return {
        text: failed.migration === undefined
          ? vscode.l10n.t('A migration failed: {0}. Fix it; the migrations before it are applied. {1}', detail(failed.detail), again)
          : vscode.l10n.t('The migration {0} failed: {1}. Fix it; the migrations before it are applied. {2}', failed.migration, detail(failed.detail), again),
        details: lastLines,
        actions: [logAction],
      };
    case 'other':
      return {
        text: vscode.l10n.t('The dev container\'s step "{0}" failed: {1}. {2}', failed.step, detail(failed.detail), again),
        details: lastLines,
        actions: [logAction],
      };
  }
}

/** A file the container names (relative to the project, or under its mount), in the workspace. */
function projectFile(project: PhoenixProject | undefined, file: string): string | undefined {
  if (project === undefined) return undefined;
  const relative = file.startsWith('/') ? /^\/app\/(.+)$/.exec(file)?.[1] : file;
  // Text from the container: on Windows a backslash separates folders too.
  const parts = relative?.split(/[\\/]/);
  if (parts === undefined || parts.some((part) => part === '..' || part === '' || /^[A-Za-z]:$/.test(part))) return undefined;
  return join(project.folder.uri.fsPath, ...parts);
}

async function openAt(file: string, line: number | undefined, column: number | undefined): Promise<void> {
  const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
  await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position) });
}

/** Shows a failure as an error notification with its actions; its details go to the log. */
export function showFailure(log: vscode.LogOutputChannel, failure: DevContainerFailure, project: PhoenixProject | undefined): void {
  const message = describeFailure(failure, project, () => { log.show(); });
  log.error(message.text);
  for (const line of message.details) log.error(`  ${line}`);
  void vscode.window.showErrorMessage(plainText(message.text), ...message.actions.map((action) => action.title)).then((choice) => {
    void message.actions.find((action) => action.title === choice)?.run();
  });
}
