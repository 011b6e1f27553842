/** What the release image needs to know about a project beyond what readProject reads. */
import { blankComments, summarizeMixfile } from '../mixfile';
import { makeEdit, type TextEdit } from '../scaffold/elixirConfig';
import { readProject, withinSizeLimit, type ProjectDescription, type ProjectInput } from '../scaffold/project';
import { LOOPBACK_FORWARD_PORT } from './loopbackForward';

export interface ReleaseInput extends ProjectInput {
  /** Which of the folders releaseFolders() lists exist, relative to the project root. */
  readonly folders: readonly string[];
}

/** The project's Ecto app: where its release module goes and which app holds `:ecto_repos`. */
export interface EctoApp {
  readonly app: string;
  /** The app's module namespace (`Blog`), from `mod: {Blog.Application, []}` or its mix.exs module. */
  readonly namespace: string;
  /** The app's folder relative to the project root: '' at the root, `apps/shop` in an umbrella. */
  readonly dir: string;
}

/** An app whose assets the image builds: '' at the root, `apps/shop_web` in an umbrella. */
export interface AssetsApp {
  readonly dir: string;
  /** Whether it has an assets/ folder to copy (an `assets.deploy` alias alone may only digest priv/static). */
  readonly hasFolder: boolean;
}

export interface ReleaseFacts {
  /** The release `mix release` builds: the first of mix.exs's `releases:`, else the app. */
  readonly name: string;
  readonly ecto: EctoApp | undefined;
  readonly assets: readonly AssetsApp[];
  /** Apps with an assets/ folder but no `assets.deploy` alias, whose assets the image does not build. */
  readonly unbuiltAssets: readonly string[];
  readonly hasMixLock: boolean;
  /**
   * Folders of the project's path dependencies (`vendor/phoenix`), which mix deps.get needs in
   * place: those inside the project and outside an umbrella's apps, relative to the root.
   */
  readonly pathDeps: readonly string[];
  /** Config files that exist among config/config.exs, config/prod.exs and what config.exs imports by name. */
  readonly compileConfig: readonly string[];
  readonly hasRuntimeConfig: boolean;
  /** Root folders the Dockerfile copies when present. */
  readonly hasPriv: boolean;
  readonly hasLib: boolean;
  /** An umbrella whose mix.exs defines no release: `mix release` refuses to build one. */
  readonly umbrellaReleaseEdit: TextEdit | undefined;
  /**
   * The project's own Dockerfile when it builds a release (runs `mix release`): adopted, never
   * replaced. One a scaffold rendered is not the project's: it is rendered again.
   */
  readonly releaseDockerfile: string | undefined;
  /** The release files the project already has: each is kept, never replaced. */
  readonly existing: {
    readonly envSh: boolean;
    readonly server: boolean;
    /** The existing bin/server starts the loopback forwarder (a scaffold generated it). */
    readonly serverForwardsLoopback: boolean;
    readonly migrate: boolean;
    /** The release module's path and module name, when the project has one. */
    readonly releaseModule: { readonly path: string; readonly module: string | undefined } | undefined;
  };
  readonly runtimeConfigText: string | undefined;
}

export interface ReleaseProject extends ProjectDescription {
  readonly release: ReleaseFacts;
}

export interface ReleaseReading {
  readonly project: ReleaseProject;
  readonly notes: readonly string[];
}

export const ENV_SH = 'rel/env.sh.eex';
export const SERVER_SCRIPT = 'rel/overlays/bin/server';
export const MIGRATE_SCRIPT = 'rel/overlays/bin/migrate';

/** What the release Dockerfile's first line says after the app's name. */
const DOCKERFILE_HEADER = ': the Mix release is built in the first stage and copied';

/** The release Dockerfile's first line: by it a later scaffold knows the Dockerfile for its own, to render again. */
export function releaseDockerfileHeader(app: string): string {
  return `# Production image of ${app}${DOCKERFILE_HEADER}`;
}

function isOwnDockerfile(dockerfile: string): boolean {
  const first = /^[^\r\n]*/.exec(dockerfile)?.[0] ?? '';
  return first.startsWith('# Production image of ') && first.endsWith(DOCKERFILE_HEADER);
}

/** Files the release image reads besides readProject's, relative to the project root. */
export const RELEASE_FILES = ['mix.lock', 'config/prod.exs', 'config/runtime.exs', ENV_SH, SERVER_SCRIPT, MIGRATE_SCRIPT] as const;

/** Files that depend on the project: its release module and the config files config.exs imports by name. */
export function releaseProjectFiles(project: ProjectDescription, configText: string | undefined): string[] {
  const paths = candidateEctoApps(project).map((candidate) => releaseModulePath(candidate.dir, candidate.app));
  return [...new Set([...paths, ...importedConfigs(configText)])];
}

/** Folders whose existence decides what the Dockerfile copies. */
export function releaseFolders(project: ProjectDescription): string[] {
  const apps = project.umbrella ? project.umbrella.apps.map((app) => `${project.umbrella?.appsPath ?? 'apps'}/${app}/assets`) : [];
  return ['assets', 'priv', 'lib', ...apps];
}

/** Reads the project as readProject does, with what the release image needs on top. Never throws. */
export function readReleaseProject(input: ReleaseInput): ReleaseReading {
  const reading = readProject(input);
  const notes = [...reading.notes];
  const { project } = reading;
  // readProject has noted the files too large to read.
  const { files } = withinSizeLimit(input.files);
  const folders = new Set(input.folders.map((folder) => folder.replace(/\/+$/, '')));

  const rootMix = files['mix.exs'];
  const name = releaseName(rootMix, project, notes);
  const ecto = project.usesEcto ? ectoApp(project, files) : undefined;
  const { assets, unbuiltAssets } = assetApps(project, files, folders);
  const configText = files['config/config.exs'];
  const compileConfig = ['config/config.exs', 'config/prod.exs', ...importedConfigs(configText)].filter((path) => files[path] !== undefined);
  const dockerfile = files['Dockerfile'];
  const existingModule = ecto && findReleaseModule(ecto, files);

  return {
    project: {
      ...project,
      release: {
        name,
        ecto,
        assets,
        unbuiltAssets,
        hasMixLock: files['mix.lock'] !== undefined,
        pathDeps: pathDependencies(project, files, notes),
        compileConfig: [...new Set(compileConfig)],
        hasRuntimeConfig: files['config/runtime.exs'] !== undefined,
        hasPriv: folders.has('priv'),
        hasLib: folders.has('lib'),
        umbrellaReleaseEdit: project.umbrella && rootMix !== undefined && !definesReleases(rootMix) ? umbrellaReleaseEdit(rootMix, name, project.umbrella.apps) : undefined,
        releaseDockerfile: dockerfile !== undefined && !isOwnDockerfile(dockerfile) && /^[ \t]*RUN\b[^\n]*\bmix\s+release\b/m.test(dockerfile) ? dockerfile : undefined,
        existing: {
          envSh: files[ENV_SH] !== undefined,
          server: files[SERVER_SCRIPT] !== undefined,
          serverForwardsLoopback: files[SERVER_SCRIPT]?.includes(LOOPBACK_FORWARD_PORT) ?? false,
          migrate: files[MIGRATE_SCRIPT] !== undefined,
          releaseModule: existingModule,
        },
        runtimeConfigText: files['config/runtime.exs'],
      },
    },
    notes,
  };
}

/** Config files that config.exs imports by a literal name (`import_config "appsignal.exs"`). */
function importedConfigs(configText: string | undefined): string[] {
  if (configText === undefined) return [];
  const code = blankComments(configText);
  const paths: string[] = [];
  for (const match of code.matchAll(/\bimport_config\s*(?:\(\s*)?"([^"#{}\\]+\.exs)"/g)) {
    const relative = match[1];
    if (relative === undefined || relative.startsWith('/') || relative.split('/').includes('..')) continue;
    paths.push(`config/${relative}`);
  }
  return paths;
}

/** A dependency tuple that has a `path:` option: `{:name, path: "vendor/name", override: true}`. */
const PATH_DEP = /\{\s*:([a-z_][a-zA-Z0-9_]*)\s*,[^{}]*?\bpath:\s*"([^"#{}\\]*)"/g;

/**
 * The folders of the path dependencies that the root mix.exs and the umbrella apps' declare,
 * relative to the project root; notes those the build context cannot hold.
 */
function pathDependencies(project: ProjectDescription, files: ProjectInput['files'], notes: string[]): string[] {
  const umbrella = project.umbrella;
  const appsPath = umbrella?.appsPath;
  const dirs = ['', ...(umbrella ? umbrella.apps.map((app) => `${umbrella.appsPath}/${app}`) : [])];
  const found: string[] = [];
  for (const dir of dirs) {
    const mixfile = files[`${dir === '' ? '' : `${dir}/`}mix.exs`];
    if (mixfile === undefined) continue;
    for (const match of blankComments(mixfile).matchAll(PATH_DEP)) {
      const [, name, relative] = match;
      if (name === undefined || relative === undefined) continue;
      const resolved = resolveInside(dir, relative);
      if (resolved === undefined) {
        notes.push(`The dependency :${name} is at ${relative}, outside the project folder, which is all the image's build can see; move it into the project (such as vendor/${name}) or fetch it from Hex or git.`);
      } else if (resolved !== '' && (appsPath === undefined || (resolved !== appsPath && !resolved.startsWith(`${appsPath}/`)))) {
        found.push(resolved);
      }
    }
  }
  // A folder inside another one is copied with it.
  const unique = [...new Set(found)].sort();
  return unique.filter((path) => !unique.some((other) => path.startsWith(`${other}/`)));
}

/** `relative` resolved against the project folder `dir`, or undefined when it leaves the project. */
function resolveInside(dir: string, relative: string): string | undefined {
  if (relative.startsWith('/') || relative.startsWith('~') || /^[A-Za-z]:/.test(relative)) return undefined;
  const parts: string[] = [];
  for (const part of [...dir.split('/'), ...relative.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) return undefined;
  }
  return parts.join('/');
}

function releaseModulePath(dir: string, app: string): string {
  return `${dir === '' ? '' : `${dir}/`}lib/${app}/release.ex`;
}

/** The apps that may own the Repo, the likeliest first. */
function candidateEctoApps(project: ProjectDescription): { app: string; dir: string }[] {
  if (project.umbrella === undefined) return [{ app: project.app, dir: '' }];
  const { appsPath, apps } = project.umbrella;
  const ordered = [...apps.filter((app) => !app.endsWith('_web')), ...apps.filter((app) => app.endsWith('_web'))];
  return ordered.map((app) => ({ app, dir: `${appsPath}/${app}` }));
}

const ECTO_DEPS = ['ecto_sql', 'postgrex', 'myxql', 'ecto_sqlite3', 'ecto'];

function ectoApp(project: ProjectDescription, files: ProjectInput['files']): EctoApp {
  const candidates = candidateEctoApps(project);
  const withEcto = candidates.find((candidate) => {
    const text = files[`${candidate.dir === '' ? '' : `${candidate.dir}/`}mix.exs`];
    return text !== undefined && summarizeMixfile(text).deps.some((dep) => ECTO_DEPS.includes(dep));
  });
  const chosen = withEcto ?? candidates[0] ?? { app: project.app, dir: '' };
  const mixfile = files[`${chosen.dir === '' ? '' : `${chosen.dir}/`}mix.exs`];
  return { ...chosen, namespace: namespaceOf(mixfile, chosen.app) };
}

const MODULE = /^[A-Z][A-Za-z0-9_]*(?:\.[A-Z][A-Za-z0-9_]*)*$/;

/** The app's namespace, as Phoenix derives it: the application module's, else the camelized app. */
function namespaceOf(mixfile: string | undefined, app: string): string {
  const code = mixfile === undefined ? '' : blankComments(mixfile);
  const fromMod = /\bmod:\s*\{\s*([A-Z][\w.]*)\.Application\s*,/.exec(code)?.[1];
  if (fromMod !== undefined && MODULE.test(fromMod)) return fromMod;
  const fromProject = /\bdefmodule\s+([A-Z][\w.]*)\.MixProject\b/.exec(code)?.[1];
  if (fromProject !== undefined && MODULE.test(fromProject) && !fromProject.endsWith('.Umbrella')) return fromProject;
  return app.split('_').filter((part) => part !== '').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('') || 'App';
}

function findReleaseModule(ecto: EctoApp, files: ProjectInput['files']): ReleaseFacts['existing']['releaseModule'] {
  const path = releaseModulePath(ecto.dir, ecto.app);
  const text = files[path];
  if (text === undefined) return undefined;
  const module = /\bdefmodule\s+([A-Z][\w.]*)\s+do\b/.exec(blankComments(text))?.[1];
  return { path, module: module !== undefined && MODULE.test(module) ? module : undefined };
}

function assetApps(project: ProjectDescription, files: ProjectInput['files'], folders: ReadonlySet<string>): { assets: AssetsApp[]; unbuiltAssets: string[] } {
  const dirs = project.umbrella ? project.umbrella.apps.map((app) => `${project.umbrella?.appsPath ?? 'apps'}/${app}`) : [''];
  const assets: AssetsApp[] = [];
  const unbuiltAssets: string[] = [];
  for (const dir of dirs) {
    const prefix = dir === '' ? '' : `${dir}/`;
    const mixfile = files[`${prefix}mix.exs`];
    const hasAlias = mixfile !== undefined && /"assets\.deploy"\s*:/.test(blankComments(mixfile));
    const hasFolder = folders.has(`${prefix}assets`);
    if (hasAlias) assets.push({ dir, hasFolder });
    else if (hasFolder) unbuiltAssets.push(`${prefix}assets`);
  }
  return { assets, unbuiltAssets };
}

/** The first release of `releases: [name: [...]]` in mix.exs, else the app. */
function releaseName(rootMix: string | undefined, project: ProjectDescription, notes: string[]): string {
  if (rootMix === undefined) return project.app;
  const code = blankComments(rootMix);
  const releases = /\breleases:\s*/.exec(code);
  if (releases === null) return project.app;
  const first = /^\[\s*([a-z_][a-zA-Z0-9_]*):/.exec(code.slice(releases.index + releases[0].length))?.[1];
  if (first === undefined) {
    notes.push(`The releases in mix.exs could not be read, so the release is assumed to be named ${project.app}; if it is not, change the name in the Dockerfile and rel/overlays/bin/*.`);
    return project.app;
  }
  return first;
}

function definesReleases(rootMix: string): boolean {
  return /\breleases:/.test(blankComments(rootMix));
}

/** Adds `releases: [shop: [applications: [...]]]` after `apps_path:` in an umbrella's mix.exs. */
function umbrellaReleaseEdit(rootMix: string, name: string, apps: readonly string[]): TextEdit | undefined {
  const code = blankComments(rootMix);
  const match = /\bapps_path:\s*"[^"]*"(\s*,)?/.exec(code);
  if (match === null) return undefined;
  const lineStart = code.lastIndexOf('\n', match.index) + 1;
  const indent = /^[ \t]*/.exec(code.slice(lineStart))?.[0] ?? '';
  const eol = rootMix.includes('\r\n') ? '\r\n' : '\n';
  const applications = apps.map((app) => `${app}: :permanent`).join(', ');
  const end = match.index + match[0].length;
  const valueEnd = match[1] === undefined ? end : end - match[1].length;
  const replacement = `${rootMix.slice(match.index, valueEnd)},${eol}${indent}releases: [${eol}${indent}  ${name}: [applications: [${applications}]]${eol}${indent}]${match[1] === undefined ? '' : ','}`;
  return makeEdit('mix.exs', rootMix, match.index, end, replacement);
}

/** What a project's own release Dockerfile does with the Erlang cookie and rel/. */
export interface ReleaseDockerfileGaps {
  /** It bakes RELEASE_COOKIE into the image (ENV or ARG). */
  readonly setsCookie: boolean;
  /** It leaves the random releases/COOKIE that mix release writes in the image. */
  readonly keepsCookie: boolean;
  /** It copies rel/ (env.sh.eex and the overlays) before building the release. */
  readonly copiesRel: boolean;
}

export function releaseDockerfileGaps(dockerfile: string): ReleaseDockerfileGaps {
  const code = dockerfile.replace(/^[ \t]*#.*$/gm, '');
  const setsCookie = /\b(?:ENV|ARG)\s+RELEASE_COOKIE\b/.test(code);
  return {
    setsCookie,
    keepsCookie: !setsCookie && !/releases\/COOKIE/.test(code),
    copiesRel: /^[ \t]*COPY\s+(?:--\S+\s+)*rel\s/m.test(code),
  };
}

/** Whether config/runtime.exs names an environment variable (`"PHX_HOST"`) outside its comments. */
export function readsEnvironment(runtimeConfig: string): (variable: string) => boolean {
  const code = blankComments(runtimeConfig);
  return (variable) => code.includes(`"${variable}"`);
}

/** Whether config/runtime.exs binds an endpoint's HTTP server to 127.0.0.1 or ::1, outside its comments. */
export function bindsEndpointToLoopback(runtimeConfig: string): boolean {
  return /\bip:\s*\{\s*(?:127\s*,\s*0\s*,\s*0\s*,\s*1|0\s*,\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*,\s*1)\s*\}/.test(blankComments(runtimeConfig));
}
