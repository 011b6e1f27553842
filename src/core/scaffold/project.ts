import { pollingBackendEdit } from '../fileWatching/projectConfig';
import { blankComments, summarizeMixfile, type MixfileSummary } from '../mixfile';
import { configStatements, keywordValue, listInside, stringLiteral, type ConfigStatement, type TextEdit } from './elixirConfig';
import { folderInsideProject } from './folder';
import { requireAppName } from './names';
import { parseMiseToml, parseReleaseDockerfile, parseToolVersions, type BaseImageInputs } from './versions';
import { ProjectRefusal } from '../projectRefusal';

/** The project's files, by path relative to its root (`/` separators), with only those that exist. */
export interface ProjectInput {
  readonly files: Readonly<Record<string, string>>;
  /** The project folder's name, used when mix.exs names no app. */
  readonly folderName: string;
}

export type Database = 'postgres' | 'mysql' | 'sqlite';

export interface RepoConfig {
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
}

/** What the dev container needs to know about a project. */
export interface ProjectDescription {
  readonly isPhoenix: boolean;
  /** The OTP application that names the container, node and image (an umbrella's name without `_web`). */
  readonly app: string;
  readonly umbrella: { readonly appsPath: string; readonly apps: readonly string[]; readonly webApp: string | undefined } | undefined;
  /** Dependencies of the project and, in an umbrella, of all its apps. */
  readonly deps: readonly string[];
  readonly database: Database | undefined;
  readonly usesEcto: boolean;
  readonly usesLiveReload: boolean;
  readonly http: {
    readonly port: number;
  };
  /** Whether phoenix_live_reload already polls (`config :phoenix_live_reload, backend: :fs_poll`). */
  readonly liveReloadPolls: boolean;
  /** Adds the polling backend to config/dev.exs. */
  readonly liveReloadPollingEdit: TextEdit | undefined;
  readonly repo: RepoConfig | undefined;
  /** Where the base image's versions come from. */
  readonly versions: BaseImageInputs;
  /** A compose file already at the project root, to be adopted later. */
  readonly existingComposeFile: string | undefined;
}

export interface ProjectReading {
  readonly project: ProjectDescription;
  readonly notes: readonly string[];
}

/** The names compose looks for at a project root, in its order of preference. */
export const ROOT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/** Files readProject uses, relative to the project root. */
export const PROJECT_FILES = [
  'mix.exs',
  '.tool-versions',
  '.mise.toml',
  'mise.toml',
  'config/config.exs',
  'config/dev.exs',
  'Dockerfile',
  ...ROOT_COMPOSE_FILES,
] as const;

/** Files readProject uses for each umbrella app, relative to the project root. */
export function umbrellaAppFiles(appsPath: string, app: string): string[] {
  return [`${appsPath}/${app}/mix.exs`, `${appsPath}/${app}/config/dev.exs`, `${appsPath}/${app}/config/config.exs`];
}

const DEFAULT_PORT = 4000;
const DATABASE_ADAPTERS: readonly (readonly [string, Database])[] = [
  ['postgrex', 'postgres'],
  ['myxql', 'mysql'],
  ['ecto_sqlite3', 'sqlite'],
];

/**
 * The umbrella's apps folder that mix.exs's `apps_path:` names, relative to the project root.
 * Throws when it is not a folder inside the project: the scaffolds read and write only there.
 */
export function umbrellaAppsFolder(appsPath: string): string {
  const folder = folderInsideProject(appsPath);
  if (folder === undefined) {
    throw new ProjectRefusal(`mix.exs sets apps_path: ${JSON.stringify(appsPath)}, which is not a folder inside the project, so the scaffold stopped: it reads and writes only inside the project folder. Set apps_path to a folder inside it, such as "apps".`);
  }
  return folder;
}

/**
 * Reads what the dev container needs from the project's files. Gaps become notes; it throws only
 * for a name or folder the generated files cannot safely hold (see umbrellaAppsFolder, requireAppName).
 */
export function readProject(input: ProjectInput): ProjectReading {
  const { files, notes } = withinSizeLimit(input.files);
  const rootMix = files['mix.exs'];
  const root = rootMix === undefined ? undefined : summarizeMixfile(rootMix);
  if (rootMix === undefined) notes.push('The folder has no mix.exs; open the root folder of a Mix project to scaffold its dev container.');
  else if (root?.app === undefined && root?.umbrellaAppsPath === undefined) {
    notes.push('mix.exs could not be read (no app: or apps_path: found), so defaults were used; check the generated files against your project.');
  }

  const umbrella = root?.umbrellaAppsPath === undefined ? undefined : readUmbrella(files, umbrellaAppsFolder(root.umbrellaAppsPath));
  const mixfiles: MixfileSummary[] = [...(root ? [root] : []), ...(umbrella?.summaries ?? [])];
  const webSummary = umbrella ? umbrella.summaries.find((summary) => summary.app === umbrella.webApp) : root;
  const deps = [...new Set(mixfiles.flatMap((summary) => summary.deps))];

  const isPhoenix = deps.includes('phoenix');
  if (rootMix !== undefined && !isPhoenix) {
    notes.push(umbrella
      ? `No app under ${umbrella.appsPath}/ depends on Phoenix; confirm that you want a Phoenix dev container for this umbrella anyway.`
      : 'mix.exs does not depend on Phoenix; confirm that you want a Phoenix dev container for this project anyway.');
  }
  if (umbrella && umbrella.phoenixApps.length > 1) {
    notes.push(`Several umbrella apps depend on Phoenix (${umbrella.phoenixApps.join(', ')}); the dev container serves ${umbrella.webApp ?? ''}'s endpoint port, so publish the others in docker-compose.yml yourself.`);
  }

  const app = appName(root, umbrella?.webApp, input.folderName, notes);
  const adapters = DATABASE_ADAPTERS.filter(([dep]) => deps.includes(dep));
  const database = adapters[0]?.[1];
  if (adapters.length > 1) {
    notes.push(`The project uses several database adapters (${adapters.map(([dep]) => dep).join(', ')}); the dev container runs only ${database ?? ''}, so add the others to docker-compose.yml yourself.`);
  }
  const usesEcto = database !== undefined || deps.some((dep) => dep === 'ecto_sql' || dep === 'ecto' || dep === 'phoenix_ecto');
  if (usesEcto && database === undefined) {
    notes.push('The project uses Ecto with a database adapter other than Postgres, MySQL or SQLite; add its database service to docker-compose.yml yourself.');
  }

  const configs = configFiles(files, umbrella);
  const endpointApp = umbrella?.webApp ?? root?.app;
  const http = readHttp(configs, endpointApp, notes);
  const liveReload = readLiveReload(configs);

  return {
    project: {
      isPhoenix,
      app,
      umbrella: umbrella && { appsPath: umbrella.appsPath, apps: umbrella.apps, webApp: umbrella.webApp },
      deps,
      database,
      usesEcto,
      usesLiveReload: deps.includes('phoenix_live_reload'),
      http,
      ...liveReload,
      repo: usesEcto ? readRepo(configs) : undefined,
      versions: {
        elixirRequirement: webSummary?.elixirRequirement ?? mixfiles.find((summary) => summary.elixirRequirement)?.elixirRequirement,
        pinned: readPins(files),
        release: files['Dockerfile'] === undefined ? undefined : parseReleaseDockerfile(files['Dockerfile']),
      },
      existingComposeFile: ROOT_COMPOSE_FILES.find((path) => files[path] !== undefined),
    },
    notes,
  };
}

interface Umbrella {
  readonly appsPath: string;
  readonly apps: string[];
  readonly summaries: MixfileSummary[];
  readonly phoenixApps: string[];
  readonly webApp: string | undefined;
}

function readUmbrella(files: ProjectInput['files'], appsPath: string): Umbrella {
  const prefix = `${appsPath}/`;
  const apps: string[] = [];
  const summaries: MixfileSummary[] = [];
  for (const [path, text] of Object.entries(files)) {
    const app = path.startsWith(prefix) && path.endsWith('/mix.exs') ? path.slice(prefix.length, -'/mix.exs'.length) : undefined;
    if (app === undefined || app.includes('/')) continue;
    // Its folder name is written into the Dockerfile and the release module like an app name.
    apps.push(requireAppName(app, `The umbrella app folder under ${appsPath}/ named`));
    // An app's mix.exs that names no app still counts under its folder name.
    const summary = summarizeMixfile(text);
    summaries.push({ ...summary, app: summary.app ?? app });
  }
  apps.sort();
  summaries.sort((a, b) => ((a.app ?? '') < (b.app ?? '') ? -1 : 1));
  const phoenixApps = summaries.filter((summary) => summary.dependsOnPhoenix).map((summary) => summary.app ?? '');
  return {
    appsPath: prefix.slice(0, -1),
    apps,
    summaries,
    phoenixApps,
    webApp: phoenixApps.find((app) => app.endsWith('_web')) ?? phoenixApps[0],
  };
}

function appName(root: MixfileSummary | undefined, webApp: string | undefined, folderName: string, notes: string[]): string {
  if (root?.app !== undefined) return root.app;
  if (webApp !== undefined) return webApp.replace(/_web$/, '') || webApp;
  const fromFolder = folderName
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^(?=\d)/, 'app_');
  const name = fromFolder === '' ? 'phoenix_app' : fromFolder;
  if (root?.umbrellaAppsPath === undefined) {
    notes.push(`The app name was taken from the folder name ("${name}"); check the names in the generated files.`);
  }
  return name;
}

interface ConfigFile {
  readonly path: string;
  readonly text: string;
  readonly code: string;
  readonly statements: readonly ConfigStatement[];
}

/** Config files in the order they are searched: the root's (umbrellas keep theirs there), then each app's. */
function configFiles(files: ProjectInput['files'], umbrella: Umbrella | undefined): ConfigFile[] {
  const paths = ['config/dev.exs', 'config/config.exs'];
  for (const app of umbrella?.apps ?? []) paths.push(`${umbrella?.appsPath ?? ''}/${app}/config/dev.exs`, `${umbrella?.appsPath ?? ''}/${app}/config/config.exs`);
  return paths.flatMap((path) => {
    const text = files[path];
    if (text === undefined) return [];
    const code = blankComments(text);
    return [{ path, text, code, statements: configStatements(code) }];
  });
}

function readHttp(configs: readonly ConfigFile[], endpointApp: string | undefined, notes: string[]): ProjectDescription['http'] {
  const devConfigs = configs.filter((config) => config.path.endsWith('dev.exs'));
  for (const config of devConfigs) {
    for (const statement of config.statements) {
      if (!statement.key?.endsWith('Endpoint') || (endpointApp !== undefined && statement.app !== endpointApp)) continue;
      const http = keywordValue(config.code, statement.start, statement.end, 'http');
      if (http === undefined || config.code[http.start] !== '[') continue;
      const inside = listInside(config.code, http.start);
      const portValue = keywordValue(config.code, inside.start, inside.end, 'port');
      const portText = portValue && config.code.slice(portValue.start, portValue.end);
      const port = Number(/\b(\d{2,5})\b/.exec(portText ?? '')?.[1] ?? Number.NaN);
      if (portText !== undefined && !(port > 0 && port < 65536)) {
        notes.push(`The endpoint port in ${config.path} is computed at run time, so ${DEFAULT_PORT} was assumed; change the port in the dev container's docker-compose.yml if it differs.`);
      }
      return { port: port > 0 && port < 65536 ? port : DEFAULT_PORT };
    }
  }
  if (devConfigs.length === 0) notes.push(`The project has no config/dev.exs, so the dev server port was assumed to be ${DEFAULT_PORT}; change it in the dev container's docker-compose.yml if it differs.`);
  return { port: DEFAULT_PORT };
}

function readLiveReload(configs: readonly ConfigFile[]): Pick<ProjectDescription, 'liveReloadPolls' | 'liveReloadPollingEdit'> {
  const polls = configs.some((config) =>
    config.statements.some((statement) => {
      if (statement.app !== 'phoenix_live_reload') return false;
      const backend = keywordValue(config.code, statement.start, statement.end, 'backend');
      return backend !== undefined && config.code.slice(backend.start, backend.end) === ':fs_poll';
    }),
  );
  const dev = configs.find((config) => config.path === 'config/dev.exs') ?? configs.find((config) => config.path.endsWith('dev.exs'));
  if (polls || dev === undefined) return { liveReloadPolls: polls, liveReloadPollingEdit: undefined };
  return { liveReloadPolls: false, liveReloadPollingEdit: pollingBackendEdit(dev) };
}

function readRepo(configs: readonly ConfigFile[]): RepoConfig | undefined {
  for (const config of configs.filter((file) => file.path.endsWith('dev.exs'))) {
    for (const statement of config.statements) {
      if (!statement.key?.endsWith('Repo')) continue;
      const value = (key: string): string | undefined => {
        const span = keywordValue(config.code, statement.start, statement.end, key);
        return span && stringLiteral(config.code.slice(span.start, span.end));
      };
      return { username: value('username'), password: value('password'), database: value('database') };
    }
  }
  return undefined;
}

function readPins(files: ProjectInput['files']): BaseImageInputs['pinned'] {
  const toolVersions = files['.tool-versions'];
  if (toolVersions !== undefined) {
    const pins = parseToolVersions(toolVersions);
    if (pins.elixir !== undefined || pins.erlang !== undefined) return { ...pins, source: '.tool-versions' };
  }
  for (const source of ['.mise.toml', 'mise.toml']) {
    const text = files[source];
    const pins = text === undefined ? undefined : parseMiseToml(text);
    if (pins && (pins.elixir !== undefined || pins.erlang !== undefined)) return { ...pins, source };
  }
  return undefined;
}

/** The longest project file that is read (UTF-16 units): far beyond any real mix.exs, config or version file. */
export const MAX_PROJECT_FILE_LENGTH = 1024 * 1024;

/** The files with each one longer than MAX_PROJECT_FILE_LENGTH read as empty, and a note for each of those. */
export function withinSizeLimit(files: ProjectInput['files']): { files: Record<string, string>; notes: string[] } {
  const notes: string[] = [];
  const limited: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) {
    const tooLong = text.length > MAX_PROJECT_FILE_LENGTH;
    if (tooLong) notes.push(`${path} is larger than ${MAX_PROJECT_FILE_LENGTH / (1024 * 1024)} MB, so it was not read; check the generated files against what it sets.`);
    limited[path] = tooLong ? '' : text;
  }
  return { files: limited, notes };
}
