/** The compose programs the extension can run. */
export type ComposeFlavour = 'docker compose' | 'docker-compose' | 'podman compose';

/** The order "auto" tries them in: the Docker plugin, the standalone program, then Podman's wrapper. */
export const COMPOSE_FLAVOURS: readonly ComposeFlavour[] = ['docker compose', 'docker-compose', 'podman compose'];

/** The `phoenix.composeCommand` setting. */
export type ComposeSetting = 'auto' | ComposeFlavour;

/** A compose program that answered, and the version it reported. */
export interface ComposeCli {
  readonly flavour: ComposeFlavour;
  readonly command: string;
  readonly baseArgs: readonly string[];
  readonly version: string;
}

/** A program and its arguments, run without a shell. */
export interface Argv {
  readonly command: string;
  readonly args: readonly string[];
}

/** Where compose runs: the project's name, folder and files. */
export interface ComposeTarget {
  readonly projectName: string;
  readonly projectDirectory: string;
  readonly files: readonly string[];
}

export type ComposeAction =
  | { readonly kind: 'config' }
  | { readonly kind: 'build'; readonly services?: readonly string[]; readonly noCache?: boolean }
  | { readonly kind: 'up'; readonly services?: readonly string[]; readonly build: 'never' | 'always' | 'missing'; readonly forceRecreate?: boolean }
  | { readonly kind: 'stop'; readonly services?: readonly string[] }
  | { readonly kind: 'start'; readonly services?: readonly string[] }
  | { readonly kind: 'restart'; readonly services?: readonly string[] }
  | { readonly kind: 'down'; readonly removeVolumes: boolean }
  | { readonly kind: 'logs'; readonly follow: boolean; readonly tail?: number; readonly services?: readonly string[] }
  | OneOffRun;

/**
 * `compose run` of a service: a one-off container named `name`, removed when the program ends,
 * without a TTY, its ports left unpublished (compose publishes them only with --service-ports),
 * the services it depends on started as `up` would. The environment variables are passed by name
 * (`-e NAME`): compose takes their values from its own environment, off the command line.
 */
export interface OneOffRun {
  readonly kind: 'run';
  readonly service: string;
  readonly name: string;
  readonly workdir: string;
  readonly envNames: readonly string[];
  readonly argv: readonly string[];
}

const PROGRAMS: Readonly<Record<ComposeFlavour, { readonly command: string; readonly baseArgs: readonly string[] }>> = {
  'docker compose': { command: 'docker', baseArgs: ['compose'] },
  'docker-compose': { command: 'docker-compose', baseArgs: [] },
  // Podman passes everything after `compose` to its provider: docker-compose or podman-compose.
  'podman compose': { command: 'podman', baseArgs: ['compose'] },
};

/** The command that prints a flavour's bare version number (v1, v2 and podman-compose all know `--short`). */
export function versionProbe(flavour: ComposeFlavour): Argv {
  const { command, baseArgs } = PROGRAMS[flavour];
  return { command, args: [...baseArgs, 'version', '--short'] };
}

// A version is a word of its own ("2.26.1-4", "v2.26.1", "1.29.2,"), never a digit run inside a path.
const VERSION = /(?:^|[\s:])v?(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?)(?=[\s,]|$)/;

/**
 * The compose version in a version probe's output: the first version-looking word, so the long
 * forms work too ("docker-compose version 1.29.2, build unknown", podman-compose's own line
 * before podman's). Undefined when there is none (a usage message, an unknown command).
 */
export function parseComposeVersion(output: string): string | undefined {
  for (const line of output.split(/\r?\n/)) {
    const version = VERSION.exec(line.trim())?.[1];
    if (version !== undefined) return version;
  }
  return undefined;
}

/** The flavours to try for a setting: only the chosen one, or all in order for "auto" (or a value it does not know). */
export function candidateFlavours(setting: ComposeSetting): readonly ComposeFlavour[] {
  const chosen = COMPOSE_FLAVOURS.find((flavour) => flavour === setting);
  return chosen === undefined ? COMPOSE_FLAVOURS : [chosen];
}

export function composeCli(flavour: ComposeFlavour, version: string): ComposeCli {
  return { flavour, ...PROGRAMS[flavour], version };
}

/** Whether a version is at least major.minor (patch levels and distribution suffixes do not matter here). */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(version);
  if (match === null) return false;
  const [actualMajor, actualMinor] = [Number(match[1]), Number(match[2])];
  return actualMajor > major || (actualMajor === major && actualMinor >= minor);
}

/** The global options a compose CLI accepts, decided by its version rather than its name (docker-compose may be v2). */
interface GlobalOptions {
  readonly projectDirectory: boolean;
  readonly ansiNever: boolean;
  readonly plainProgress: boolean;
}

function globalOptionsOf(cli: ComposeCli): GlobalOptions {
  const v2 = versionAtLeast(cli.version, 2, 0);
  // A 1.x behind `podman compose` may be podman-compose, which has neither option; without
  // --project-directory compose uses the first file's folder.
  if (cli.flavour === 'podman compose' && !v2) return { projectDirectory: false, ansiNever: false, plainProgress: false };
  return {
    projectDirectory: true,
    // docker-compose has --ansi since 1.28.
    ansiNever: v2 || versionAtLeast(cli.version, 1, 28),
    // A global option since compose 2.19; it makes build and up output one line per event.
    plainProgress: versionAtLeast(cli.version, 2, 19),
  };
}

const BUILD_POLICY: Readonly<Record<'never' | 'always' | 'missing', readonly string[]>> = {
  never: ['--no-build'],
  always: ['--build'],
  // Compose's default: build only the images that do not exist.
  missing: [],
};

/**
 * The compose command for an action, as data: global options (-p, --project-directory, -f for
 * each file, --ansi never and --progress plain where the CLI has them), then the
 * subcommand. Paths are passed untouched, each as one argument.
 */
export function composeArgv(cli: ComposeCli, target: ComposeTarget, action: ComposeAction): Argv {
  const options = globalOptionsOf(cli);
  const args = [...cli.baseArgs, '-p', target.projectName];
  if (options.projectDirectory) args.push('--project-directory', target.projectDirectory);
  for (const file of target.files) args.push('-f', file);
  if (options.ansiNever) args.push('--ansi', 'never');
  if (options.plainProgress && (action.kind === 'build' || action.kind === 'up')) args.push('--progress', 'plain');
  return { command: cli.command, args: [...args, ...subcommand(action)] };
}

function subcommand(action: ComposeAction): string[] {
  switch (action.kind) {
    case 'config':
      return ['config'];
    case 'build':
      return ['build', ...(action.noCache === true ? ['--no-cache'] : []), ...(action.services ?? [])];
    case 'up':
      return ['up', '-d', ...BUILD_POLICY[action.build], ...(action.forceRecreate === true ? ['--force-recreate'] : []), ...(action.services ?? [])];
    case 'stop':
    case 'start':
    case 'restart':
      return [action.kind, ...(action.services ?? [])];
    case 'down':
      return ['down', ...(action.removeVolumes ? ['--volumes'] : [])];
    case 'run':
      return ['run', '--rm', '-T', '--name', action.name, '-w', action.workdir, ...action.envNames.flatMap((name) => ['-e', name]), action.service, ...action.argv];
    case 'logs':
      return [
        'logs',
        ...(action.follow ? ['--follow'] : []),
        ...(action.tail === undefined ? [] : ['--tail', String(action.tail)]),
        ...(action.services ?? []),
      ];
  }
}
