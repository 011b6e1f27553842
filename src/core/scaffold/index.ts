/** The pure core of "Phoenix: Scaffold Dev Container": reads project files, renders dev container files. */
export type { TextEdit } from './elixirConfig';
export { byteString, mergeEnvFile, mergeGitignore, mergeLines, parseEnvFile, planWrite, stringBytes, type ByteString, type RenderedFile, type WritePlan } from './files';
export { DEFAULT_FOLDER, devContainerFolder, folderInsideProject } from './folder';
export { subnetConflicts } from './network';
export { PROJECT_FILES, ROOT_COMPOSE_FILES, readProject, umbrellaAppFiles, umbrellaAppsFolder, type Database, type ProjectDescription, type ProjectInput, type ProjectReading } from './project';
export { LABELS, OVERRIDE_FILE, renderDevContainer, type AdoptedCompose, type Advice, type HostFacts, type RenderedDevContainer, type RenderOptions } from './render';
export { DEFAULT_DEBIAN, type BaseImageOptions } from './versions';
export { readRootCompose, type AdoptableService, type RootCompose } from './rootCompose';
