// Calls of more than one core function, for runBounded, which calls one exported function.
import { readReleaseProject, renderReleaseImage, type ReleaseInput } from '../../../src/core/release';

/** The notes of the release scaffold for a project, as "Scaffold Release Image" gathers them. */
export function releaseScaffoldNotes(input: ReleaseInput): string[] {
  const reading = readReleaseProject(input);
  const rendered = renderReleaseImage(reading.project, { composeProject: 'app_release', randomBytes: new Uint8Array(96) });
  return [...reading.notes, ...rendered.notes];
}
