// Calls of more than one core function, for runBounded, which calls one exported function.
import { LineSplitter } from '../../../src/core/lines';
import { readReleaseProject, renderReleaseImage, type ReleaseInput } from '../../../src/core/release';

/** The notes of the release scaffold for a project, as "Scaffold Release Image" gathers them. */
export function releaseScaffoldNotes(input: ReleaseInput): string[] {
  const reading = readReleaseProject(input);
  const rendered = renderReleaseImage(reading.project, { composeProject: 'app_release', randomBytes: new Uint8Array(96) });
  return [...reading.notes, ...rendered.notes];
}

/** Pushes `chunks` chunks of `chunkLength` characters and no newline through a LineSplitter; the longest line it passed on. */
export function longestLineOfEndlessOutput(chunkLength: number, chunks: number, maxLength?: number): number {
  let longest = 0;
  const splitter = new LineSplitter((line) => { longest = Math.max(longest, line.length); }, maxLength);
  const chunk = 'x'.repeat(chunkLength);
  for (let i = 0; i < chunks; i++) splitter.push(chunk);
  splitter.flush();
  return longest;
}
