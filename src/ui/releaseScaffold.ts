import * as vscode from 'vscode';
import {
  RELEASE_FILES,
  readReleaseProject,
  releaseComposeProjectName,
  releaseFolders,
  releaseProjectFiles,
  renderReleaseImage,
  type ReleaseInput,
} from '../core/release';
import { readProject, type Advice, type RenderedFile } from '../core/scaffold';
import { readInside } from '../files/projectFiles';
import { readProjectFiles, writePlannedFiles, type Conflict, type ConflictChoice, type WriteOutcome } from './devContainerScaffold';
import { exists } from './workspaceFiles';

export interface ReleaseScaffoldResult extends WriteOutcome {
  readonly notes: string[];
  readonly advice: Advice[];
  /** The rendered .env, whose fresh secrets replace ones found in git (see offerSecretRotation). */
  readonly secrets: RenderedFile | undefined;
}

/** What the release scaffold reads from a project folder: the dev scaffold's files, the release's, and which folders exist. */
export async function readReleaseInput(folder: vscode.WorkspaceFolder): Promise<ReleaseInput> {
  const files = await readProjectFiles(folder.uri);
  // What else to read depends on the project (its umbrella apps, what config.exs imports).
  const { project } = readProject({ files, folderName: folder.name });
  for (const path of new Set([...RELEASE_FILES, ...releaseProjectFiles(project, files['config/config.exs'])])) {
    const bytes = await readInside(folder.uri.fsPath, path);
    if (bytes !== undefined) files[path] = new TextDecoder().decode(bytes);
  }
  const folders: string[] = [];
  for (const path of releaseFolders(project)) if (await exists(vscode.Uri.joinPath(folder.uri, path))) folders.push(path);
  return { files, folderName: folder.name, folders };
}

/**
 * Writes what the project's release image needs (Dockerfile, .dockerignore, rel/ files, a release
 * module when it uses Ecto, the compose file that runs it locally), with the dev scaffold's rules:
 * the user's differing files go to `resolveConflict`, .env and ignore files are merged.
 */
export async function writeReleaseImageFiles(
  folder: vscode.WorkspaceFolder,
  settings: { readonly folder: string; readonly debian: string },
  resolveConflict: (conflict: Conflict) => Promise<ConflictChoice>,
): Promise<ReleaseScaffoldResult> {
  const reading = readReleaseProject(await readReleaseInput(folder));
  const rendered = renderReleaseImage(reading.project, {
    folder: settings.folder,
    ...(settings.debian.trim() !== '' && { debian: settings.debian.trim() }),
    composeProject: releaseComposeProjectName(folder.name),
    randomBytes: (await import('node:crypto')).randomBytes(96),
  });
  const outcome = await writePlannedFiles(folder.uri, rendered.files, resolveConflict);
  return { ...outcome, notes: [...reading.notes, ...rendered.notes], advice: rendered.advice, secrets: rendered.files.find((file) => file.merge === 'env') };
}
