// Size and file count of the packaged extension.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

export function benchVsix(vsixPath) {
  // `unzip -Z1` lists one entry a line; directories end with a slash.
  const entries = execFileSync('unzip', ['-Z1', vsixPath], { encoding: 'utf8' }).split('\n').filter((line) => line !== '' && !line.endsWith('/'));
  return { bytes: statSync(vsixPath).size, files: entries.length };
}
