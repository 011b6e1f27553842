/** Whether a scaffold's secrets file is in git, asked of git itself. */
import type { Argv } from '../core/compose';
import { SECRET_KEYS, gitLastCommitArgv, gitShowArgv, gitTrackedArgv, sharedSecrets } from '../core/gitSecrets';
import { parseEnvFile } from '../core/scaffold';
import { runProcess, type ProcessResult } from '../docker/process';

/** git answers these questions at once; a stuck one (a lock, a network file system) is given up on. */
export const GIT_TIMEOUT_MS = 10_000;

/** How git holds a secrets file: tracked now, or committed once with secrets it still holds. */
export interface Exposure {
  readonly tracked: boolean;
  readonly keys: readonly string[];
}

/**
 * Whether the secrets in `path` (its text `current`) are in git. Undefined when they are not,
 * when git is missing or when the folder is not a repository: nothing is said then.
 */
export async function secretsInGit(root: string, path: string, current: string): Promise<Exposure | undefined> {
  const git = (argv: Argv): Promise<ProcessResult | undefined> => runProcess(argv, { cwd: root, timeoutMs: GIT_TIMEOUT_MS }).catch(() => undefined);
  const tracked = await git(gitTrackedArgv(path));
  if (tracked === undefined || tracked.startError !== undefined) return undefined;
  if (tracked.code === 0) {
    const values = parseEnvFile(current);
    const keys = SECRET_KEYS.filter((key) => (values[key] ?? '') !== '');
    return keys.length > 0 ? { tracked: true, keys } : undefined;
  }
  const last = (await git(gitLastCommitArgv(path)))?.stdout.trim() ?? '';
  if (!/^[0-9a-f]{40,64}$/.test(last)) return undefined;
  // The last commit that touched it may be the one that deleted it: then the one before has it.
  for (const revision of [last, `${last}^`]) {
    const shown = await git(gitShowArgv(revision, path));
    if (shown?.code !== 0) continue;
    const keys = sharedSecrets(current, shown.stdout);
    return keys.length > 0 ? { tracked: false, keys } : undefined;
  }
  return undefined;
}
