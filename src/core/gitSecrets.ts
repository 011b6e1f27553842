/**
 * Whether a scaffold's secrets file (.env) is in git, where anyone who can read the repository
 * has its cookie, and the fresh lines that rotate its secrets.
 */
import type { Argv } from './compose';
import { parseEnvFile, type ByteString } from './scaffold/files';

/** The keys of the scaffolds' .env files whose values must stay private. */
export const SECRET_KEYS = ['ERLANG_COOKIE', 'RELEASE_COOKIE', 'SECRET_KEY_BASE'] as const;

/** Exits 0 when git tracks `path`, relative to the folder git runs in. */
export function gitTrackedArgv(path: string): Argv {
  return { command: 'git', args: ['ls-files', '--error-unmatch', '--', path] };
}

/** Prints the last commit, on any branch, that touched `path`; nothing when none did. */
export function gitLastCommitArgv(path: string): Argv {
  return { command: 'git', args: ['log', '--all', '--format=%H', '-1', '--', path] };
}

/**
 * Prints `path` (relative to the folder git runs in, which may be below the repository's root) as
 * it is in `revision` (a commit, or `<commit>^` for the one before).
 */
export function gitShowArgv(revision: string, path: string): Argv {
  return { command: 'git', args: ['show', `${revision}:./${path}`] };
}

/** Stops tracking `path`, leaving the file on disk. */
export function gitUntrackArgv(path: string): Argv {
  return { command: 'git', args: ['rm', '--cached', '--quiet', '--', path] };
}

/** The secret keys that have the same non-empty value in the current file and in a committed version of it. */
export function sharedSecrets(current: string, committed: string): string[] {
  const now = parseEnvFile(current);
  const then = parseEnvFile(committed);
  return SECRET_KEYS.filter((key) => (now[key] ?? '') !== '' && now[key] === then[key]);
}

/**
 * The lines to append to `current` so that each of `keys` gets the fresh value from `fresh`
 * (a newly rendered .env): compose and the extension read the last line of a key. Every existing
 * byte stays as it is.
 */
export function rotationLines(current: ByteString, fresh: string, keys: readonly string[]): ByteString {
  const values = parseEnvFile(fresh);
  const eol = current.includes('\r\n') ? '\r\n' : '\n';
  const lines = [
    '# The values above were in git, so they are public: these replace them (the last line of a key counts).',
    ...keys.flatMap((key) => (values[key] === undefined ? [] : [`${key}=${values[key]}`])),
  ];
  return `${current === '' || current.endsWith('\n') ? '' : eol}${lines.join(eol)}${eol}`;
}
