import { chmod, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { adoptedComposeProjectName, composeProjectName } from '../core/composeProject';
import { summarizeMixfile } from '../core/mixfile';
import {
  PROJECT_FILES,
  planWrites,
  readProject,
  readRootCompose,
  renderDevContainer,
  subnetConflicts,
  umbrellaAppFiles,
  type AdoptableService,
  type AdoptedCompose,
  type Advice,
  type RenderedFile,
  type WritePlan,
} from '../core/scaffold';
import { exists, readText, subfolders } from './workspaceFiles';

export type ConflictChoice = 'keep' | 'overwrite' | 'alongside';
export type Conflict = Extract<WritePlan, { action: 'conflict' }>;

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
}

/**
 * Writes a dev container for the project in `root`, never losing a file: existing files that
 * differ go to `decisions.resolveConflict`, .env and .gitignore are merged line by line.
 * Returns undefined when the user declined.
 */
export async function scaffoldDevContainer(
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
    host: { uid: process.getuid?.(), gid: process.getgid?.(), platform: process.platform },
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
  return { ...outcome, notes: allNotes, advice: rendered.advice };
}

/** What happened to each rendered file: paths relative to the project root, as written, kept or saved aside. */
export interface WriteOutcome {
  readonly written: string[];
  readonly unchanged: string[];
  readonly kept: string[];
  readonly backups: string[];
  readonly alongside: string[];
}

/**
 * Writes rendered files into the project, never losing one of the user's: a file that exists and
 * differs goes to `resolveConflict` (keep it, overwrite it after a byte copy to .bak, or write the
 * new one alongside); merged files (.env, .gitignore) keep every line of theirs.
 */
export async function writePlannedFiles(root: vscode.Uri, files: readonly RenderedFile[], resolveConflict: (conflict: Conflict) => Promise<ConflictChoice>): Promise<WriteOutcome> {
  const existing: Record<string, string | undefined> = {};
  for (const file of files) existing[file.path] = await readText(vscode.Uri.joinPath(root, file.path));
  const result: WriteOutcome = { written: [], unchanged: [], kept: [], backups: [], alongside: [] };
  for (const plan of planWrites(files, existing)) {
    switch (plan.action) {
      case 'unchanged':
        result.unchanged.push(plan.path);
        break;
      case 'create':
        await writeText(root, plan.path, plan.content, plan.mode);
        result.written.push(plan.path);
        break;
      case 'update':
        await writeText(root, plan.path, plan.content, files.find((file) => file.path === plan.path)?.mode);
        result.written.push(plan.path);
        break;
      case 'conflict': {
        const choice = await resolveConflict(plan);
        if (choice === 'keep') {
          result.kept.push(plan.path);
        } else if (choice === 'alongside') {
          const aside = await unusedPath(root, `${plan.path}.new`);
          await writeText(root, aside, plan.content, plan.mode);
          result.alongside.push(aside);
        } else {
          // A byte-for-byte copy: the user's file may hold more than the text we decoded.
          const backup = await unusedPath(root, `${plan.path}.bak`);
          await vscode.workspace.fs.copy(vscode.Uri.joinPath(root, plan.path), vscode.Uri.joinPath(root, backup), { overwrite: false });
          await writeText(root, plan.path, plan.content, plan.mode);
          result.backups.push(backup);
          result.written.push(plan.path);
        }
        break;
      }
    }
  }
  return result;
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

/** The files readProject reads, each umbrella app's included, as they are in the project (missing ones left out). */
export async function readProjectFiles(root: vscode.Uri): Promise<Record<string, string>> {
  // The root .env may name the compose project of an adopted compose file.
  const paths: string[] = [...PROJECT_FILES, '.env'];
  const mixfile = await readText(vscode.Uri.joinPath(root, 'mix.exs'));
  const appsPath = mixfile === undefined ? undefined : summarizeMixfile(mixfile).umbrellaAppsPath;
  if (appsPath !== undefined) {
    for (const app of await subfolders(vscode.Uri.joinPath(root, appsPath))) paths.push(...umbrellaAppFiles(appsPath, app));
  }
  const files: Record<string, string> = {};
  for (const path of paths) {
    const text = await readText(vscode.Uri.joinPath(root, path));
    if (text !== undefined) files[path] = text;
  }
  return files;
}

/** `path`, or `path.1`, `path.2`... whichever does not exist yet. */
async function unusedPath(root: vscode.Uri, path: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? path : `${path}.${n}`;
    if (!(await exists(vscode.Uri.joinPath(root, candidate)))) return candidate;
  }
}

async function writeText(root: vscode.Uri, path: string, content: string, mode?: number): Promise<void> {
  const uri = vscode.Uri.joinPath(root, path);
  if (mode === undefined || uri.scheme !== 'file') {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
    return;
  }
  // Private before the content lands: .env holds the cookie and is never readable by others.
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await chmod(uri.fsPath, mode).catch(() => undefined); // an existing file keeps its permissions otherwise
  await writeFile(uri.fsPath, content, { mode });
}
