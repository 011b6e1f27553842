/** The pure core of "Phoenix: Scaffold Release Image": what a project's release needs, and its files. */
export { RELEASE_FILES, readReleaseProject, releaseFolders, releaseProjectFiles, type ReleaseInput } from './project';
export { RELEASE_FOLDER } from '../contract';
export {
  releaseComposeProjectName,
  renderReleaseImage,
  type ReleaseRenderOptions,
  type RenderedReleaseImage,
} from './render';
