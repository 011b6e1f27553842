/** The pure core of "Phoenix: Scaffold Release Image": what a project's release needs, and its files. */
export {
  ENV_SH,
  MIGRATE_SCRIPT,
  RELEASE_FILES,
  SERVER_SCRIPT,
  readReleaseProject,
  releaseFolders,
  releaseProjectFiles,
  type AssetsApp,
  type EctoApp,
  type ReleaseFacts,
  type ReleaseInput,
  type ReleaseProject,
  type ReleaseReading,
} from './project';
export {
  RELEASE_FOLDER,
  RELEASE_PORT,
  RELEASE_SERVICE,
  releaseComposeProjectName,
  renderReleaseImage,
  type ReleaseCompose,
  type ReleaseRenderOptions,
  type RenderedReleaseImage,
} from './render';
