import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { adoptedComposeProjectName, composeProjectName } from '../core/composeProject';
import { onWindowsDriveFromWsl } from '../core/fileWatching';
import { summarizeMixfile } from '../core/mixfile';
import {
  PROJECT_FILES,
  readProject,
  readRootCompose,
  renderDevContainer,
  subnetConflicts,
  umbrellaAppFiles,
  umbrellaAppsFolder,
  type AdoptableService,
  type AdoptedCompose,
  type Advice,
  type RenderedFile,
} from '../core/scaffold';
import { checkWritablePath, foldersInside, readInside } from '../files/projectFiles';
import { writeRenderedFiles, type Conflict, type ConflictChoice, type WriteOutcome } from '../files/writeRendered';

export type { Conflict, ConflictChoice, WriteOutcome } from '../files/writeRendered';

/** The questions scaffolding asks: the command asks the user, tests answer from a script. */
export interface ScaffoldDecisions {
  /** The folder's mix.exs has no :phoenix dependency: scaffold anyway? */
  scaffoldWithoutPhoenix(folderName: string): Promise<boolean>;
  /**
   * The project has its own compose file: adopt one of these services (which bind-mount the
   * project) as the dev container, generate a `separate` compose file, or cancel (undefined).
   */
  adoptComposeFile(file: string, candidates: readonly AdoptableService[]): Promise<AdoptableService | 'separate' | undefined>;
  /** A file exists and differs from the generated one (`conflict.content`). */
  resolveConflict(conflict: Conflict): Promise<ConflictChoice>;
}

export interface ScaffoldSettings {
  readonly folder: string;
  readonly baseImage: string;
  readonly debian: string;
  readonly namedVolumes: boolean;
  /** Empty for the default network. */
  readonly fixedSubnet: string;
}

export interface ScaffoldResult extends WriteOutcome {
  readonly notes: string[];
  /** Edits of the user's own files that the scaffold recommends; offered, never applied by itself. */
  readonly advice: Advice[];
  /** The rendered .env, whose fresh secrets replace ones found in git (see offerSecretRotation). */
  readonly secrets: RenderedFile | undefined;
}

/**
 * Writes a dev container for the project in `root`, never losing a file: existing files that
 * differ go to `decisions.resolveConflict`, .env and .gitignore are merged line by line.
 * Returns undefined when the user declined.
 */
export async function writeDevContainerFiles(
  root: vscode.Uri,
  folderName: string,
  settings: ScaffoldSettings,
  decisions: ScaffoldDecisions,
  /** The subnets Docker networks use, except those of the given compose project. */
  existingSubnets: (composeProject: string) => Promise<string[]>,
): Promise<ScaffoldResult | undefined> {
  const files = await readProjectFiles(root);
  const { project, notes } = readProject({ files, folderName });
  if (!project.isPhoenix && !(await decisions.scaffoldWithoutPhoenix(folderName))) return undefined;

  const allNotes = [...notes];
  const adoption = await chooseAdoption(project.existingComposeFile, files, decisions, allNotes);
  if (adoption === 'cancelled') return undefined;
  const adopt = adoption?.adopt;
  // An adopted file at the root keeps the name compose gives it there.
  const composeProject = adoption === undefined
    ? composeProjectName(basename(root.fsPath))
    : adoptedComposeProjectName(files['.env'], adoption.composeName, basename(root.fsPath));
  const subnet = settings.fixedSubnet.trim();
  if (subnet !== '') {
    const clashes = await existingSubnets(composeProject).then(
      (subnets) => subnetConflicts(subnet, subnets),
      (error: unknown) => {
        allNotes.push(`Could not compare ${subnet} with your Docker networks (${String(error)}); if compose reports "Pool overlaps", choose another subnet in the phoenix.fixedSubnet setting.`);
        return [];
      },
    );
    if (clashes.length > 0) {
      throw new Error(`The subnet ${subnet} overlaps the Docker network ${clashes.join(', ')}. Choose another one in the "phoenix.fixedSubnet" setting, or leave it empty.`);
    }
  }

  const rendered = renderDevContainer(project, {
    folder: settings.folder,
    host: { uid: process.getuid?.(), gid: process.getgid?.(), platform: process.platform, fileEventsUnreliable: onWindowsDriveFromWsl(root.fsPath, await procVersion()) },
    composeProject,
    randomBytes: (await import('node:crypto')).randomBytes(32),
    ...(settings.baseImage.trim() !== '' && { baseImage: settings.baseImage.trim() }),
    ...(settings.debian.trim() !== '' && { debian: settings.debian.trim() }),
    namedVolumes: settings.namedVolumes,
    ...(subnet !== '' && { fixedSubnet: { subnet } }),
    ...(adopt !== undefined && { adopt }),
  });
  allNotes.push(...rendered.notes);

  const outcome = await writePlannedFiles(root, rendered.files, (conflict) => decisions.resolveConflict(conflict));
  return { ...outcome, notes: allNotes, advice: rendered.advice, secrets: rendered.files.find((file) => file.merge === 'env') };
}

/** The kernel's version line on Linux (it names Microsoft under WSL); undefined elsewhere. */
async function procVersion(): Promise<string | undefined> {
  return process.platform === 'linux' ? readFile('/proc/version', 'utf8').catch(() => undefined) : undefined;
}

/** Writes rendered files into the project with writeRenderedFiles' rules. */
export async function writePlannedFiles(root: vscode.Uri, files: readonly RenderedFile[], resolveConflict: (conflict: Conflict) => Promise<ConflictChoice>): Promise<WriteOutcome> {
  return writeRenderedFiles(projectPath(root), files, resolveConflict);
}

/** The project folder on disk: the scaffolds read and write only there, through Node's file system. */
function projectPath(root: vscode.Uri): string {
  if (root.scheme !== 'file') throw new Error(vscode.l10n.t("{0} is not a folder on this machine's disk, where the dev container can bind-mount it.", root.toString()));
  return root.fsPath;
}

/** Asks whether to adopt the project's own compose file, when it has one with a service to adopt. */
async function chooseAdoption(
  file: string | undefined,
  files: Readonly<Record<string, string>>,
  decisions: ScaffoldDecisions,
  notes: string[],
): Promise<{ adopt: AdoptedCompose; composeName: string | undefined } | 'cancelled' | undefined> {
  const text = file === undefined ? undefined : files[file];
  if (file === undefined || text === undefined) return undefined;
  let found;
  try {
    found = readRootCompose(text);
  } catch (error) {
    notes.push(`${file} could not be read (${error instanceof Error ? error.message : String(error)}), so the dev container has a compose file of its own.`);
    return undefined;
  }
  if (found.candidates.length === 0) {
    notes.push(`No service in ${file} bind-mounts the project folder (like ".:/app"), so the dev container has a compose file of its own.`);
    return undefined;
  }
  const service = await decisions.adoptComposeFile(file, found.candidates);
  if (service === undefined) return 'cancelled';
  if (service === 'separate') return undefined;
  return { adopt: { file, service, databaseService: found.databaseService }, composeName: found.name };
}

/** Applies one recommended edit to the user's file, through an editor so unsaved work is kept. */
export async function applyAdvice(root: vscode.Uri, advice: Advice): Promise<void> {
  await checkWritablePath(projectPath(root), advice.file);
  const uri = vscode.Uri.joinPath(root, advice.file);
  const document = await vscode.workspace.openTextDocument(uri);
  const text = document.getText();
  const start = text.indexOf(advice.find);
  if (start < 0 || text.indexOf(advice.find, start + 1) >= 0) {
    throw new Error(`${advice.file} changed since the scaffold read it; make this change by hand: replace "${advice.find}" with "${advice.replace}".`);
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(start), document.positionAt(start + advice.find.length)), advice.replace);
  const hadUnsavedChanges = document.isDirty;
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not edit ${advice.file}.`);
  // Saving would also save the user's own unsaved edits: leave that to them.
  if (!hadUnsavedChanges) await document.save();
}

/**
 * The files readProject reads, each umbrella app's included, as they are in the project (missing
 * ones left out). A file or folder that leads outside the project stops the scaffold.
 */
export async function readProjectFiles(root: vscode.Uri): Promise<Record<string, string>> {
  const folder = projectPath(root);
  const read = async (path: string): Promise<string | undefined> => {
    const bytes = await readInside(folder, path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  };
  // The root .env may name the compose project of an adopted compose file.
  const paths: string[] = [...PROJECT_FILES, '.env'];
  const mixfile = await read('mix.exs');
  const appsPath = mixfile === undefined ? undefined : summarizeMixfile(mixfile).umbrellaAppsPath;
  if (appsPath !== undefined) {
    const appsFolder = umbrellaAppsFolder(appsPath);
    for (const app of await foldersInside(folder, appsFolder)) paths.push(...umbrellaAppFiles(appsFolder, app));
  }
  const files: Record<string, string> = {};
  for (const path of paths) {
    const text = await read(path);
    if (text !== undefined) files[path] = text;
  }
  return files;
}
