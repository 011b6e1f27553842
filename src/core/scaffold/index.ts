/** The pure core of "Phoenix: Scaffold Dev Container": reads project files, renders dev container files. */
export type { TextEdit } from './elixirConfig';
export { byteString, mergeEnvFile, mergeGitignore, mergeLines, parseEnvFile, planWrite, stringBytes, type ByteString, type RenderedFile, type WritePlan } from './files';
export { DEFAULT_FOLDER, LABELS, OVERRIDE_FILE } from '../contract';
export { devContainerFolder, folderInsideProject } from './folder';
export { subnetConflicts } from './network';
export { MAX_PROJECT_FILE_LENGTH, PROJECT_FILES, ROOT_COMPOSE_FILES, readProject, umbrellaAppFiles, umbrellaAppsFolder, type Database, type ProjectDescription, type ProjectInput, type ProjectReading } from './project';
export type { AdoptedCompose } from './context';
export { renderDevContainer, type Advice, type HostFacts, type RenderedDevContainer, type RenderOptions } from './render';
export { DEFAULT_DEBIAN, type BaseImageOptions } from './versions';
export { readRootCompose, type AdoptableService, type RootCompose } from './rootCompose';
