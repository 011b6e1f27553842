// Scratch copies of the test fixtures for the layers that open them in VS Code.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures');

/**
 * Copies test/fixtures into a fresh directory whose path contains a space (as users' folders
 * often do) and returns the copy of `fixture`. The whole fixtures tree is copied so relative
 * path dependencies between fixtures keep working. `dispose()` deletes the copy.
 */
export async function prepareWorkspace(fixture = 'hello_phoenix') {
  if (!existsSync(join(FIXTURES, fixture))) {
    throw new Error(`fixture ${join(FIXTURES, fixture)} does not exist`);
  }
  const root = await mkdtemp(join(tmpdir(), 'phoenix workspace '));
  await cp(FIXTURES, join(root, 'fixtures'), {
    recursive: true,
    // Build output from a developer's own runs is not part of the fixture.
    filter: (source) => !/[/\\](_build|deps|\.elixir_ls)$/.test(source),
  });
  return {
    root,
    folder: join(root, 'fixtures', fixture),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
