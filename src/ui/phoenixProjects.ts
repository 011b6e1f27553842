import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ComposeTarget } from '../core/compose';
import { adoptedComposeProjectName, devContainerTarget } from '../core/composeProject';
import { ENVIRONMENTS, ENVIRONMENT_ORDER, type Environment } from '../core/environments';
import { summarizeMixfile } from '../core/mixfile';
import { MAX_COMPOSE_YAML_LENGTH } from '../core/composeYaml';
import { DEFAULT_FOLDER, MAX_PROJECT_FILE_LENGTH, OVERRIDE_FILE, ROOT_COMPOSE_FILES, devContainerFolder, folderInsideProject, parseEnvFile, readRootCompose } from '../core/scaffold';
import type { Settings } from './settings';
import { walkthroughEventHappened } from './walkthrough';
import { exists, readTextUpTo, subfolders } from './workspaceFiles';

/**
 * A workspace folder that holds a Phoenix project (plain or umbrella), in one of its environments
 * (core/environments.ts), as one compose project: its dev container, its release run locally
 * (a second entry for the same folder).
 */
export interface PhoenixProject {
  readonly folder: vscode.WorkspaceFolder;
  readonly environment: Environment;
  readonly composeProject: string;
  /** The folder of the environment's compose file and .env. */
  readonly dir: vscode.Uri;
  /** Whether the environment was scaffolded: for the dev container, a devcontainer.json alone is enough. */
  readonly scaffolded: boolean;
  /** Whether compose can run it: a generated compose file, or an adopted one with its override. */
  readonly hasComposeFile: boolean;
  /** The compose files, directory and project name that compose runs the environment with. */
  readonly compose: ComposeTarget;
}

const COMPOSE_FILE = ENVIRONMENTS.dev.composeFile;

/** Reads a project file (the caller's limit, else MAX_PROJECT_FILE_LENGTH); undefined when it is missing or too large. */
type ReadFile = (uri: vscode.Uri, maxBytes?: number) => Promise<string | undefined>;

/**
 * Knows which workspace folders are Phoenix projects and whether they have a dev container, and
 * mirrors that into the `phoenix.scanned`, `phoenix.projectDetected` and
 * `phoenix.devContainerExists` context keys that drive the welcome views and menus.
 */
export class PhoenixProjects implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private current: readonly PhoenixProject[] = [];
  private scanning: Promise<void> = Promise.resolve();
  private readonly disposables: { dispose(): unknown }[] = [this.changed];
  /** Files are read here without a command: one too large is skipped, and the log says so. */
  private readonly read: ReadFile = (uri, maxBytes = MAX_PROJECT_FILE_LENGTH) =>
    readTextUpTo(uri, maxBytes, (bytes) => {
      this.log.warn(`${uri.fsPath} was not read: it is ${Math.ceil(bytes / 1024)} KB, more than the ${maxBytes / 1024} KB read without a command.`);
    });

  constructor(private readonly log: vscode.LogOutputChannel, private readonly settings: Settings) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/{mix.exs,${COMPOSE_FILE},${OVERRIDE_FILE},devcontainer.json,.env}`);
    // One `mix deps.get` touches many mix.exs files under deps/: those never matter, and the
    // rest are coalesced into one scan.
    let pending: NodeJS.Timeout | undefined;
    const rescan = (uri?: vscode.Uri): void => {
      if (uri !== undefined && /[\\/](deps|_build|node_modules)[\\/]/.test(uri.fsPath)) return;
      clearTimeout(pending);
      pending = setTimeout(() => void this.refresh(), 300);
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(rescan),
      watcher.onDidChange(rescan),
      watcher.onDidDelete(rescan),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        rescan();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        rescan();
      }),
      settings.onDidChange((changed) => {
        if (changed.has('devContainerFolder')) rescan();
      }),
      { dispose: () => { clearTimeout(pending); } },
    );
  }

  get all(): readonly PhoenixProject[] {
    return this.current;
  }

  /**
   * The projects once the scan under way has finished: a command run from the palette the moment
   * the window shows comes before the first scan has read the folders.
   */
  async scanned(): Promise<readonly PhoenixProject[]> {
    await this.scanning;
    return this.current;
  }

  refresh(): Promise<void> {
    this.scanning = this.scan();
    return this.scanning;
  }

  private async scan(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found = await Promise.all(folders.map((folder) => this.inspect(folder)));
    this.current = found.flat();
    this.log.debug(`Phoenix projects: ${this.current.map((p) => p.folder.name).join(', ') || 'none'}`);
    await Promise.all([
      vscode.commands.executeCommand('setContext', 'phoenix.projectDetected', this.current.length > 0),
      vscode.commands.executeCommand('setContext', 'phoenix.devContainerExists', this.current.some((p) => p.scaffolded)),
      vscode.commands.executeCommand('setContext', 'phoenix.scanned', true),
    ]);
    if (this.current.length > 0) walkthroughEventHappened('projectOpened');
    this.changed.fire();
  }

  private async inspect(folder: vscode.WorkspaceFolder): Promise<PhoenixProject[]> {
    if (folder.uri.scheme !== 'file' || !(await usesPhoenix(folder.uri, this.read))) return [];
    const setting = this.settings.devContainerFolder(folder);
    // Where the scaffolds wrote the files for this setting.
    const devContainerDir = vscode.Uri.joinPath(folder.uri, devContainerFolder(setting) ?? DEFAULT_FOLDER);
    const hasOwnComposeFile = await exists(vscode.Uri.joinPath(devContainerDir, COMPOSE_FILE));
    const adopted = !hasOwnComposeFile && (await exists(vscode.Uri.joinPath(devContainerDir, OVERRIDE_FILE)));
    const rootCompose = adopted ? await readAdoptedCompose(folder.uri, this.read, this.log) : undefined;
    const composeProject = rootCompose
      ? adoptedComposeProjectName(await this.read(vscode.Uri.joinPath(folder.uri, '.env')), rootCompose.name, basename(folder.uri.fsPath))
      : await generatedProjectName(folder.uri, devContainerDir, ENVIRONMENTS.dev, this.read);
    const dev: PhoenixProject = {
      folder,
      environment: ENVIRONMENTS.dev,
      composeProject,
      dir: devContainerDir,
      scaffolded: hasOwnComposeFile || adopted || (await exists(vscode.Uri.joinPath(devContainerDir, 'devcontainer.json'))),
      hasComposeFile: hasOwnComposeFile || adopted,
      compose: devContainerTarget({
        root: folder.uri.fsPath,
        devContainerDir: devContainerDir.fsPath,
        adopted,
        projectName: composeProject,
        ...(rootCompose && { rootComposeFile: rootCompose.file }),
      }),
    };
    const others = await Promise.all(ENVIRONMENT_ORDER.filter((environment) => environment.folder !== '').map((environment) => environmentIn(folder, devContainerDir, environment, this.read)));
    return [dev, ...others.filter((project) => project !== undefined)];
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** An environment in a folder of the dev container folder (the release run locally), once its compose file is written. */
async function environmentIn(folder: vscode.WorkspaceFolder, devContainerDir: vscode.Uri, environment: Environment, read: ReadFile): Promise<PhoenixProject | undefined> {
  const dir = vscode.Uri.joinPath(devContainerDir, environment.folder);
  const composeFile = vscode.Uri.joinPath(dir, environment.composeFile);
  if (!(await exists(composeFile))) return undefined;
  const composeProject = await generatedProjectName(folder.uri, dir, environment, read);
  return {
    folder,
    environment,
    composeProject,
    dir,
    scaffolded: true,
    hasComposeFile: true,
    compose: { projectName: composeProject, projectDirectory: dir.fsPath, files: [composeFile.fsPath] },
  };
}

/** A generated compose file reads the name the scaffold pinned in its .env. */
async function generatedProjectName(root: vscode.Uri, dir: vscode.Uri, environment: Environment, read: ReadFile): Promise<string> {
  const env = await read(vscode.Uri.joinPath(dir, '.env'));
  return (env === undefined ? undefined : parseEnvFile(env)['COMPOSE_PROJECT_NAME']) || environment.projectName(basename(root.fsPath));
}

/** The root compose file a dev container adopted, and its top-level `name:` (compose names the project after it). */
async function readAdoptedCompose(root: vscode.Uri, read: ReadFile, log: vscode.LogOutputChannel): Promise<{ file: string; name: string | undefined }> {
  for (const file of ROOT_COMPOSE_FILES) {
    const uri = vscode.Uri.joinPath(root, file);
    if (!(await exists(uri))) continue;
    // Compose uses the first of these names that exists, so a file too large to read still is the one.
    const text = await read(uri, MAX_COMPOSE_YAML_LENGTH);
    if (text === undefined) return { file, name: undefined };
    try {
      return { file, name: readRootCompose(text).name };
    } catch (error) {
      // An unreadable file has no name; compose will say what is wrong with it when it runs.
      log.warn(`${file} was not read for the compose project's name (${error instanceof Error ? error.message : String(error)}), so the project is named from .env or the folder.`);
      return { file, name: undefined };
    }
  }
  return { file: COMPOSE_FILE, name: undefined };
}

async function usesPhoenix(root: vscode.Uri, read: ReadFile): Promise<boolean> {
  const mixfile = await read(vscode.Uri.joinPath(root, 'mix.exs'));
  if (mixfile === undefined) return false;
  const summary = summarizeMixfile(mixfile);
  if (summary.dependsOnPhoenix) return true;
  // An apps_path outside the project is not looked at (the scaffolds refuse it).
  const appsPath = summary.umbrellaAppsPath === undefined ? undefined : folderInsideProject(summary.umbrellaAppsPath);
  if (appsPath === undefined) return false;
  const appsDir = vscode.Uri.joinPath(root, appsPath);
  for (const app of await subfolders(appsDir)) {
    const appMixfile = await read(vscode.Uri.joinPath(appsDir, app, 'mix.exs'));
    if (appMixfile !== undefined && summarizeMixfile(appMixfile).dependsOnPhoenix) return true;
  }
  return false;
}
