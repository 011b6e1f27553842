import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import {
  chooseProbeParent,
  decideFileWatching,
  readWatchConfig,
  serviceSettings,
  type ConfigFile,
  type FileWatchingFacts,
  type FileWatchingReport,
} from '../core/fileWatching';
import { summarizeMixfile } from '../core/mixfile';
import { phoenixContainer } from '../core/serviceView';
import { OVERRIDE_FILE } from '../core/scaffold';
import type { DockerEngine } from '../docker/engine';
import { inspectContainerSide, probeFileEvents, type ProbeHost } from '../docker/fileWatchingProbe';
import { makeFolders, createFile, readInside, removeEmptyFolder, removeFile } from '../files/projectFiles';
import type { PhoenixProject } from './phoenixProjects';

export interface FileWatchingCheck {
  readonly facts: FileWatchingFacts;
  readonly report: FileWatchingReport;
  /** The project folder's path on this machine, where the fixes apply. */
  readonly root: vscode.Uri;
}


/**
 * Checks whether edits made here reach the project's app container as file change events, and
 * reads how the project watches files. `containerId` defaults to the project's running app container.
 */
export async function checkFileWatching(engine: DockerEngine, project: PhoenixProject, containerId?: string): Promise<FileWatchingCheck> {
  const root = project.folder.uri;
  if (root.scheme !== 'file') throw new Error(vscode.l10n.t("{0} is not a folder on this machine's disk, where the dev container can bind-mount it.", root.toString()));
  const rootPath = root.fsPath;
  const id = containerId ?? (await runningAppContainer(engine, project));
  const read = async (relative: string): Promise<ConfigFile | undefined> => {
    const bytes = await readInside(rootPath, relative).catch(() => undefined);
    return bytes === undefined ? undefined : { path: relative, text: new TextDecoder().decode(bytes) };
  };
  const devFolder = relative(rootPath, project.dir.fsPath).split(sep).join('/');
  const [mixfile, config, devConfig, gitignore, generatedCompose, override, dockerfile] = await Promise.all([
    read('mix.exs'),
    read('config/config.exs'),
    read('config/dev.exs'),
    read('.gitignore'),
    read(`${devFolder}/${project.environment.composeFile}`),
    read(`${devFolder}/${OVERRIDE_FILE}`),
    read(`${devFolder}/Dockerfile`),
  ]);
  const hostRoots = [...new Set([rootPath.replace(/\/+$/, ''), await realpath(rootPath).catch(() => rootPath)])];
  const side = await inspectContainerSide(engine, id, hostRoots);
  const parent = chooseProbeParent(gitignore?.text, side.volumeFolders);
  const probe = await probeFileEvents(engine, id, side, parent.folder, randomBytes(8).toString('hex'), probeHost(rootPath));
  const configFiles = [config, devConfig].filter((file): file is ConfigFile => file !== undefined);
  const composeFile = generatedCompose ?? override;
  const service = (await engine.inspectContainer(id)).labels['com.docker.compose.service'] ?? 'app';
  const facts: FileWatchingFacts = {
    container: side.facts,
    projectDir: side.projectDir,
    volumeFolders: side.volumeFolders,
    probe,
    dependsOnLiveReload: mixfile !== undefined && summarizeMixfile(mixfile.text).deps.includes('phoenix_live_reload'),
    config: readWatchConfig(configFiles),
    devConfig,
    configFiles,
    compose: composeFile && { file: composeFile, service, settings: serviceSettings(composeFile.text, service), dockerfile: generatedCompose && dockerfile },
  };
  return { facts, report: decideFileWatching(facts), root };
}

async function runningAppContainer(engine: DockerEngine, project: PhoenixProject): Promise<string> {
  const containers = (await engine.listComposeContainers(project.composeProject)).filter((container) => container.state === 'running');
  const app = phoenixContainer(containers);
  if (app === undefined) throw new Error(vscode.l10n.t('The dev container of {0} is not running: start it, then check file watching again.', project.folder.name));
  return app.id;
}

/** The probe's writes, through the project file layer: inside the project, never through a link. */
function probeHost(root: string): ProbeHost {
  return {
    makeFolder: (relative) => makeFolders(root, relative),
    writeFile: async (relative) => {
      await createFile(root, relative, new TextEncoder().encode('Phoenix Dev Containers: file watching probe; removed right away.\n'));
    },
    remove: async (file, folder) => {
      await removeFile(root, file);
      await removeEmptyFolder(root, folder);
    },
  };
}
