import * as vscode from 'vscode';
import { LABELS } from '../core/contract';
import { DevContainerError } from '../core/devContainerFailure';
import { summarizeMixfile } from '../core/mixfile';
import { folderInsideProject } from '../core/scaffold';
import { CONTAINER_CONFIG_VARIABLE } from '../core/scaffold/containerConfig';
import type { CompilerOutputContext } from '../core/testing/compilerDiagnostics';
import { ELIXIR_VERSION_ARGV, ELIXIR_VERSION_VARIABLE, MAX_CONFIG_FILE_LENGTH, testsNeedContainerConfig, type ContainerCommand } from '../core/testing/run';
import { requireTrust } from '../core/workspaceTrust';
import { oneOffMixContainer, OneOffUnavailableError, runInContainer, runInOneOffContainer, runningMixContainer, type MixContainer, type RunningMixContainer } from '../docker/containerMix';
import type { DockerEngine } from '../docker/engine';
import type { ProcessResult } from '../docker/process';
import type { ComposeSession } from './composeSession';
import { describeFailure } from './failureMessages';
import type { PhoenixProject, PhoenixProjects } from './phoenixProjects';
import type { Target } from './target';
import { readText, readTextUpTo, subfolders } from './workspaceFiles';

/** More config files than a project has: beyond it none are read. */
const MAX_CONFIG_FILES = 100;

/** A mix project whose tests and tasks run in a dev container: the project itself, or one app of an umbrella. */
export interface MixProject {
  readonly project: PhoenixProject;
  readonly dir: vscode.Uri;
  /** The app's name for an umbrella's app, the folder's name otherwise. */
  readonly name: string;
  /** Its folder relative to the workspace folder, with `/`: '' for the project itself. */
  readonly relative: string;
}

/** How a mix command run is stopped (a cancel, a timeout) and where its lines go. */
export interface MixRunOptions {
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
  readonly timeoutMs?: number;
}

/** What to do when a project's dev container is not running: start it, run in a one-off container of its app service, or nothing. */
export type WhenDown = 'start' | 'one-off' | undefined;

/** Where the mix project is in the container: the project root, or an umbrella app's folder under it. */
export function mixProjectDir(container: MixContainer, mixProject: MixProject): string {
  return mixProject.relative === '' ? container.root : `${container.root}/${mixProject.relative}`;
}

/**
 * Runs mix in the dev containers of the workspace's Phoenix projects: finds the mix projects (each
 * umbrella app its own), the running app container (or, while it is down, a one-off container of
 * its app service), and runs commands there.
 */
export class ContainerMix {
  /** Each container's Elixir version, asked once: a run that needs it then starts one VM fewer. */
  private readonly elixirVersions = new Map<string, Promise<string | undefined>>();

  /** `askWhenDown` asks the user what to do when the dev container is down (tests answer it themselves). */
  constructor(
    readonly projects: PhoenixProjects,
    private readonly docker: DockerEngine,
    private readonly compose: ComposeSession,
    private readonly askWhenDown: (project: PhoenixProject) => Thenable<WhenDown> = askToStartOrRunOnce,
  ) {}

  /** The dev container projects, each as its mix projects. */
  async mixProjects(): Promise<MixProject[]> {
    const found: MixProject[] = [];
    for (const project of (await this.projects.scanned()).filter((p) => p.environment.runsMix)) {
      const mixfile = await readText(vscode.Uri.joinPath(project.folder.uri, 'mix.exs'));
      const appsPath = mixfile === undefined ? undefined : summarizeMixfile(mixfile).umbrellaAppsPath;
      const apps = appsPath === undefined ? undefined : folderInsideProject(appsPath);
      if (apps === undefined) {
        found.push({ project, dir: project.folder.uri, name: project.folder.name, relative: '' });
        continue;
      }
      const appsDir = vscode.Uri.joinPath(project.folder.uri, apps);
      for (const app of (await subfolders(appsDir)).sort()) {
        if ((await readText(vscode.Uri.joinPath(appsDir, app, 'mix.exs'))) === undefined) continue;
        found.push({ project, dir: vscode.Uri.joinPath(appsDir, app), name: app, relative: `${apps.replace(/\/+$/, '')}/${app}` });
      }
    }
    return found;
  }

  /**
   * How mix's output in `mixProject` names files (see CompilerOutputReader): relative to the
   * project, whose root is `containerRoot` in the container, or to an umbrella app's folder.
   */
  async compilerOutputContext(mixProject: MixProject, containerRoot: string): Promise<CompilerOutputContext> {
    const { project } = mixProject;
    const mixfile = await readText(vscode.Uri.joinPath(project.folder.uri, 'mix.exs'));
    const summary = mixfile === undefined ? undefined : summarizeMixfile(mixfile);
    const appsPath = summary?.umbrellaAppsPath;
    if (appsPath === undefined) return { containerRoot, app: summary?.app, umbrella: undefined };
    const apps = (await this.mixProjects()).filter((candidate) => candidate.project === project && candidate.relative !== '').map((candidate) => candidate.name);
    return { containerRoot, app: mixProject.relative === '' ? undefined : mixProject.name, umbrella: { appsPath, apps } };
  }

  /** The project's root as a mix project, where its tasks and the formatter run: an umbrella's root too, which mixProjects lists by its apps. */
  rootOf(project: PhoenixProject): MixProject {
    return { project, dir: project.folder.uri, name: project.folder.name, relative: '' };
  }

  /** The dev container project that holds `uri`. */
  projectOf(uri: vscode.Uri): PhoenixProject | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return this.projects.all.find((project) => project.environment.runsMix && project.folder === folder);
  }

  /**
   * Where the project's mix commands run: its running app container. When it is not running and
   * `offer` is set, offers to start it (and waits for it) or to run in a one-off container of its
   * app service; undefined when it is still not running. Fails with a message for the user when the
   * one-off container was chosen and cannot run.
   */
  async container(project: PhoenixProject, offer: false): Promise<RunningMixContainer | undefined>;
  async container(project: PhoenixProject, offer: boolean): Promise<MixContainer | undefined>;
  async container(project: PhoenixProject, offer: boolean): Promise<MixContainer | undefined> {
    const running = await runningMixContainer(this.docker, project.composeProject, project.folder.uri.fsPath);
    if (running !== undefined || !offer) return running;
    switch (await this.askWhenDown(project)) {
      case 'start':
        await vscode.commands.executeCommand('phoenix.startDevContainer', { kind: 'environment', project } satisfies Target);
        return runningMixContainer(this.docker, project.composeProject, project.folder.uri.fsPath);
      case 'one-off':
        return this.oneOffContainer(project);
      case undefined:
        return undefined;
    }
  }

  private async oneOffContainer(project: PhoenixProject): Promise<MixContainer> {
    try {
      return await oneOffMixContainer(await this.compose.cli(), project.compose, project.environment.appRole, project.folder.uri.fsPath, this.compose.env());
    } catch (error) {
      if (error instanceof DevContainerError) throw new Error(describeFailure(error.failure, project, () => undefined).text);
      if (!(error instanceof OneOffUnavailableError)) throw error;
      const { reason } = error;
      switch (reason.problem) {
        case 'no-app-service':
          throw new Error(vscode.l10n.t('No one-off container can run for {0}: its compose files define no service labelled {1}: {2} (services: {3}). Start the dev container instead.', project.folder.name, LABELS.role, project.environment.appRole, reason.services.join(', ')));
        case 'invalid-service-name':
          throw new Error(vscode.l10n.t('No one-off container can run for {0}: its app service\'s name "{1}" is not a plain compose service name (letters, digits, ".", "_" and "-", starting with a letter or digit). Rename the service in the compose file, or start the dev container instead.', project.folder.name, reason.service));
        case 'project-not-mounted':
          throw new Error(vscode.l10n.t('No one-off container can run for {0}: its "{1}" service does not bind-mount the project folder, so where the project is inside the container is not known. Start the dev container instead.', project.folder.name, reason.service));
      }
    }
  }

  /** Whether a test run in `mixProject` needs the dev container's configuration, from the config files of its project and its own. */
  async testsNeedContainerConfig(mixProject: MixProject): Promise<boolean> {
    const folders = [vscode.Uri.joinPath(mixProject.project.folder.uri, 'config'), ...(mixProject.relative === '' ? [] : [vscode.Uri.joinPath(mixProject.dir, 'config')])];
    const files: vscode.Uri[] = [];
    for (const folder of folders) {
      const entries = await vscode.workspace.fs.readDirectory(folder).then((found) => found, () => []);
      files.push(...entries.filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.exs')).map(([name]) => vscode.Uri.joinPath(folder, name)));
    }
    // More config files than any project has: not read, the run keeps the configuration.
    if (files.length > MAX_CONFIG_FILES) return true;
    return testsNeedContainerConfig(await Promise.all(files.map((file) => readTextUpTo(file, MAX_CONFIG_FILE_LENGTH, () => undefined))));
  }

  /** Runs `command` in the container, in the mix project's folder there; only a running container takes input. */
  async run(container: RunningMixContainer, mixProject: MixProject, command: ContainerCommand, options?: MixRunOptions & { input?: string }): Promise<ProcessResult>;
  async run(container: MixContainer, mixProject: MixProject, command: ContainerCommand, options?: MixRunOptions): Promise<ProcessResult>;
  async run(container: MixContainer, mixProject: MixProject, command: ContainerCommand, options: MixRunOptions & { input?: string } = {}): Promise<ProcessResult> {
    const workdir = mixProjectDir(container, mixProject);
    if (container.kind === 'one-off') return runInOneOffContainer(this.docker, container, command, { cliEnv: this.compose.env(), workdir, ...options });
    // Only a run after app.config picks `mix do`'s separator by the version.
    const version = CONTAINER_CONFIG_VARIABLE in command.env ? await this.elixirVersion(container.id) : undefined;
    const withVersion = version === undefined ? command : { ...command, env: { ...command.env, [ELIXIR_VERSION_VARIABLE]: version } };
    return runInContainer(this.docker, container.id, withVersion, {
      cli: await this.compose.containerCli(),
      cliEnv: this.compose.env(),
      workdir,
      ...options,
    });
  }

  private elixirVersion(containerId: string): Promise<string | undefined> {
    let version = this.elixirVersions.get(containerId);
    if (version === undefined) {
      version = this.docker.exec(containerId, ELIXIR_VERSION_ARGV, { timeoutMs: 30_000 }).then(
        (result) => (result.exitCode === 0 && /^\d+\.\d+\.\d+[\w.+-]*$/.test(result.output.trim()) ? result.output.trim() : undefined),
        () => undefined,
      );
      this.elixirVersions.set(containerId, version);
    }
    return version;
  }
}

/** Where a command runs, for its output: the container's short id, or the one-off container's service. */
export function placeOf(container: MixContainer): string {
  return container.kind === 'running' ? container.id.slice(0, 12) : vscode.l10n.t('a one-off container of the {0} service', container.service);
}

/** Asks whether to start the dev container or to run in a one-off container of its app service (which works when the app does not start). */
async function askToStartOrRunOnce(project: PhoenixProject): Promise<WhenDown> {
  const start = vscode.l10n.t('Start Dev Container');
  const oneOff = vscode.l10n.t('Run in a One-off Container');
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('The dev container of {0} is not running: tests and mix tasks run inside it. Start it, or run this in a one-off container of its app service (which works even when the app does not start)?', project.folder.name), start, oneOff);
  return choice === start ? 'start' : choice === oneOff ? 'one-off' : undefined;
}

/** Whether the workspace is trusted; when not, says why running `what` needs it and offers the trust editor. */
export function trustedToRun(): boolean {
  return requireTrust(
    {
      isTrusted: () => vscode.workspace.isTrusted,
      warn: async (message, action) => (await vscode.window.showWarningMessage(message, action)) === action,
      manageTrust: () => vscode.commands.executeCommand('workbench.trust.manage'),
    },
    vscode.l10n.t('Trust this workspace first: tests, mix tasks and the formatter run its code in its dev container.'),
    vscode.l10n.t('Manage Workspace Trust'),
  );
}
