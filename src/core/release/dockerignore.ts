import { fileOf } from '../generated/dockerfile';
import { escapeGitignore } from '../scaffold/names';
import type { ReleaseContext } from './context';

/** .dockerignore rules: faster builds, and no secrets or local build output in the image. */
export function renderDockerignore(c: ReleaseContext): string {
  const { release } = c.project;
  const built = release.assets.map((app) => (app.dir === '' ? '' : `/${escapeGitignore(app.dir)}`));
  const lines = [
    '# Paths kept out of the Docker build context: faster builds, and no secrets or local build',
    '# output in the image.',
    '.git',
    `/${escapeGitignore(c.folder)}/`,
    '**/.env',
    '**/.env.*',
    '.elixir_ls',
    '',
    '# Mix artifacts: the image fetches and compiles its own.',
    '/_build/',
    '/deps/',
    '**/*.ez',
    '',
    '# Development and test artifacts',
    '/cover/',
    '/doc/',
    '/test/',
    '/tmp/',
    '**/erl_crash.dump',
    '**/node_modules/',
    ...(built.length > 0 ? ['', '# Assets the image builds itself'] : []),
    ...built.flatMap((prefix) => [`${prefix}/priv/static/assets/`, `${prefix}/priv/static/cache_manifest.json`]),
  ];
  return fileOf(lines);
}

