import { composeDefaultName } from '../composeProject';
import { blankComments } from '../mixfile';
import { DEFAULT_FOLDER, LABELS, RELEASE_FOLDER } from '../contract';
import { devContainerFolder, mergeGitignore, type Advice, type RenderedFile } from '../scaffold';
import { escapeGitignore, hostName, imageName, requireAppName, shellWord } from '../scaffold/names';
import { chooseBaseImage } from '../scaffold/versions';
import { ENV_SH, MIGRATE_SCRIPT, SERVER_SCRIPT, releaseDockerfileHeader, type ReleaseProject } from './project';

export interface ReleaseRenderOptions {
  /** The dev container folder, relative to the project root; `.devcontainer` by default. */
  readonly folder?: string;
  /** The Debian part of the hexpm/elixir tag (`bookworm-20250113-slim`), as for the dev container. */
  readonly debian?: string;
  /** The compose project that runs the release locally (see releaseComposeProjectName), pinned in its .env. */
  readonly composeProject: string;
  /** Random bytes for RELEASE_COOKIE and SECRET_KEY_BASE: at least 96 (e.g. crypto.randomBytes(96)). */
  readonly randomBytes: Uint8Array;
  /** The port on this machine's loopback for the running release; the dev server's port + 1 by default. */
  readonly hostPort?: number;
}

/** How "Run Release Locally" runs what was rendered. */
export interface ReleaseCompose {
  /** The compose file, relative to the project root. */
  readonly file: string;
  readonly service: string;
  readonly project: string;
  /** The release's URL on this machine. */
  readonly url: string;
  /** The node the release starts (`blog@blog-release`), short-named. */
  readonly node: string;
}

export interface RenderedReleaseImage {
  readonly files: RenderedFile[];
  readonly notes: string[];
  readonly advice: Advice[];
  readonly compose: ReleaseCompose;
}

/** The port the release listens on inside its container (runtime.exs reads PORT). */
export const RELEASE_PORT = 4000;
export const RELEASE_SERVICE = 'release';
const RANDOM_BYTES = 96;

/** The compose project that runs a project's release locally, beside the dev container's. */
export function releaseComposeProjectName(folderName: string): string {
  return `${composeDefaultName(folderName)}_release`;
}

const DATABASES = {
  postgres: {
    image: 'postgres:16-alpine',
    environment: [['POSTGRES_USER', 'postgres'], ['POSTGRES_PASSWORD', 'postgres']] as const,
    databaseVariable: 'POSTGRES_DB',
    url: 'ecto://postgres:postgres@db',
    dataPath: '/var/lib/postgresql/data',
    healthcheck: '["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres"]',
  },
  mysql: {
    image: 'mysql:8',
    environment: [['MYSQL_ROOT_PASSWORD', 'mysql']] as const,
    databaseVariable: 'MYSQL_DATABASE',
    url: 'ecto://root:mysql@db',
    dataPath: '/var/lib/mysql',
    healthcheck: '["CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"]',
  },
} as const;

interface Context {
  readonly project: ReleaseProject;
  readonly name: string;
  readonly folder: string;
  /** Where the release compose file and its .env live. */
  readonly composeFolder: string;
  readonly versions: { readonly elixir: string; readonly otp: string; readonly debian: string };
  readonly debianRelease: string | undefined;
  readonly hostPort: number;
  readonly hostname: string;
  readonly node: string;
  /** The module whose migrate/0 bin/migrate calls. */
  readonly releaseModule: string | undefined;
  readonly db: keyof typeof DATABASES | undefined;
}

/**
 * Renders the release image's files for a project: a multi-stage Dockerfile at the root (unless
 * the project has one that builds a release), .dockerignore, rel/ (env.sh.eex, bin/server,
 * bin/migrate), the Ecto release module, and a compose file with its .env to run it locally.
 */
export function renderReleaseImage(project: ReleaseProject, options: ReleaseRenderOptions): RenderedReleaseImage {
  if (options.randomBytes.length < RANDOM_BYTES) {
    throw new RangeError(`renderReleaseImage needs at least ${RANDOM_BYTES} random bytes (32 for RELEASE_COOKIE, 64 for SECRET_KEY_BASE).`);
  }
  const { release } = project;
  requireAppName(project.app, 'The app name');
  requireAppName(release.name, 'The release name');
  const notes: string[] = [];
  const folder = normalizeFolder(options.folder, notes);
  const base = chooseBaseImage(project.versions, options.debian === undefined ? {} : { debian: options.debian });
  // An adopted Dockerfile keeps its own versions: notes about choosing them would not apply.
  if (release.releaseDockerfile === undefined) {
    for (const note of base.notes) {
      if (!/watchman/.test(note)) notes.push(note.replace(/\bthe dev container\b/g, 'the release image').replace(/\bin the container\b/g, 'in the image'));
    }
  }
  const tag = /^hexpm\/elixir:(.+)-erlang-(.+)-debian-(.+)$/.exec(base.image);
  const versions = { elixir: tag?.[1] ?? '', otp: tag?.[2] ?? '', debian: tag?.[3] ?? '' };
  // Room for `-release` in a 63-character hostname.
  const hostname = `${hostName(release.name, 55)}-release`;
  const dbAdapter = project.database;
  const context: Context = {
    project,
    name: release.name,
    folder,
    composeFolder: `${folder}/${RELEASE_FOLDER}`,
    versions,
    debianRelease: base.debianRelease,
    hostPort: validPort(options.hostPort) ?? (project.http.port < 65535 ? project.http.port + 1 : RELEASE_PORT + 1),
    hostname,
    node: `${release.name}@${hostname}`,
    releaseModule: release.ecto && (release.existing.releaseModule ? release.existing.releaseModule.module : `${release.ecto.namespace}.Release`),
    db: dbAdapter === 'postgres' || dbAdapter === 'mysql' ? dbAdapter : undefined,
  };

  const files: RenderedFile[] = [];
  const written: string[] = [];
  if (release.releaseDockerfile === undefined) {
    files.push({ path: 'Dockerfile', content: renderDockerfile(context) });
  } else {
    notes.push(...adoptionNotes(context, release.releaseDockerfile));
  }
  files.push({ path: '.dockerignore', content: renderDockerignore(context), merge: 'lines' });

  if (release.existing.envSh) {
    notes.push(`The project already has ${ENV_SH}, so it was kept; make sure it sets RELEASE_DISTRIBUTION and RELEASE_NODE from the environment, or remote shells cannot find the release's node.`);
  } else {
    files.push({ path: ENV_SH, content: renderEnvSh(context) });
    written.push(ENV_SH);
  }
  if (!release.existing.server) {
    files.push({ path: SERVER_SCRIPT, content: renderServer(context), mode: 0o755 });
    written.push(SERVER_SCRIPT);
  }
  if (release.ecto !== undefined) {
    if (!release.existing.migrate) {
      if (context.releaseModule === undefined) {
        notes.push(`${release.existing.releaseModule?.path ?? 'The release module'} defines no module that could be read, so ${MIGRATE_SCRIPT} was not written; add one that runs "exec ./${context.name} eval YourApp.Release.migrate".`);
      } else {
        files.push({ path: MIGRATE_SCRIPT, content: renderMigrate(context, context.releaseModule), mode: 0o755 });
        written.push(MIGRATE_SCRIPT);
      }
    }
    if (release.existing.releaseModule === undefined) {
      files.push({ path: `${release.ecto.dir === '' ? '' : `${release.ecto.dir}/`}lib/${release.ecto.app}/release.ex`, content: renderReleaseModule(release.ecto.app, `${release.ecto.namespace}.Release`) });
    }
  }

  files.push(
    { path: `${context.composeFolder}/docker-compose.yml`, content: renderCompose(context) },
    { path: `${context.composeFolder}/.env`, content: renderEnv(context, options), mode: 0o600, merge: 'env' },
    { path: '.gitignore', content: mergeGitignore(undefined, [`/${escapeGitignore(context.composeFolder)}/.env`]), merge: 'gitignore' },
  );
  // sh in the container fails on CRLF, which a Windows checkout (core.autocrlf) would produce.
  if (written.length > 0) {
    files.push({ path: '.gitattributes', content: `# Release scripts run in Linux: LF line endings in every checkout\n${written.map((path) => `/${path} text eol=lf`).join('\n')}\n`, merge: 'lines' });
  }

  notes.push(...projectNotes(context));
  const advice: Advice[] = release.umbrellaReleaseEdit
    ? [{ ...release.umbrellaReleaseEdit, reason: `mix release builds nothing in an umbrella whose mix.exs defines no release. Define the release ${context.name} with all the umbrella's apps, as the Dockerfile expects.` }]
    : [];

  return {
    files,
    notes,
    advice,
    compose: {
      file: `${context.composeFolder}/docker-compose.yml`,
      service: RELEASE_SERVICE,
      project: options.composeProject,
      url: `http://localhost:${context.hostPort}`,
      node: context.node,
    },
  };
}

function validPort(port: number | undefined): number | undefined {
  return port !== undefined && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

function normalizeFolder(folder: string | undefined, notes: string[]): string {
  const cleaned = devContainerFolder(folder ?? DEFAULT_FOLDER);
  if (cleaned === undefined) {
    notes.push(`The dev container folder "${folder ?? ''}" is not a folder inside the project, so ${DEFAULT_FOLDER}/${RELEASE_FOLDER} was used for the release's compose file.`);
    return DEFAULT_FOLDER;
  }
  return cleaned;
}

/** A YAML double-quoted scalar whose `$` compose does not interpolate. */
function yamlLiteral(text: string): string {
  return JSON.stringify(text.replace(/\$/g, '$$$$'));
}

/** Debian renamed the ncurses runtime with bookworm; buster and bullseye have libncurses5. */
function ncursesPackage(debianRelease: string | undefined): string {
  return debianRelease === 'buster' || debianRelease === 'bullseye' || debianRelease === 'stretch' ? 'libncurses5' : 'libncurses6';
}

/** The builder's tools, as command:package: installed only when the command is missing. */
const BUILD_TOOLS = ['gcc:build-essential', 'make:build-essential', 'git:git'];

/** Paths a COPY can name as they are; `${MIX_ENV}` is the Dockerfile's own variable. */
const PLAIN_PATH = /^(?:[\w./-]|\$\{MIX_ENV\})+$/;

/**
 * A COPY of project paths; the JSON form when a path has spaces or quotes. Throws for a path that
 * COPY would not take literally: it expands `$` and wildcards even in the JSON form.
 */
function copyInstruction(sources: readonly string[], destination: string): string {
  const paths = [...sources, destination];
  const unsafe = paths.find((path) => /[\u0000-\u001f\u007f$*?[\]\\]/.test(path.replace(/\$\{MIX_ENV\}/g, '')));
  if (unsafe !== undefined) {
    throw new Error(`The project path ${JSON.stringify(unsafe)} has characters that a Dockerfile's COPY does not take literally ($, *, ?, [, ], \\ or control characters), so the scaffold stopped: rename it.`);
  }
  if (paths.every((path) => PLAIN_PATH.test(path))) return `COPY ${paths.join(' ')}`;
  return `COPY [${paths.map((path) => JSON.stringify(path)).join(', ')}]`;
}

/** One COPY per folder, so that `config/providers/x.exs` lands in config/providers/, not config/. */
function copyIntoTheirFolders(paths: readonly string[]): string[] {
  const byFolder = new Map<string, string[]>();
  for (const path of paths) {
    const folder = path.slice(0, path.lastIndexOf('/') + 1);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), path]);
  }
  return [...byFolder].map(([folder, sources]) => copyInstruction(sources, folder));
}

function renderDockerfile(c: Context): string {
  const { release } = c.project;
  const umbrella = c.project.umbrella;
  const mixFiles = release.hasMixLock ? 'mix.exs mix.lock' : 'mix.exs';
  const appMixfiles = umbrella ? umbrella.apps.map((app) => copyInstruction([`${umbrella.appsPath}/${app}/mix.exs`], `${umbrella.appsPath}/${app}/`)) : [];
  const config = release.compileConfig.map((path) => (path === 'config/prod.exs' ? 'config/${MIX_ENV}.exs' : path));
  const sources: string[] = [];
  if (umbrella) {
    sources.push(copyInstruction([umbrella.appsPath], umbrella.appsPath));
  }
  if (release.hasPriv) sources.push('COPY priv priv');
  if (release.hasLib) sources.push('COPY lib lib');
  // After mix compile, as phx.gen.release does: the assets build reads what compiling writes
  // (such as the colocated hooks of phoenix-colocated).
  const assets: string[] = [];
  for (const app of release.assets) {
    const prefix = app.dir === '' ? '' : `${app.dir}/`;
    if (app.hasFolder && umbrella === undefined) assets.push(copyInstruction([`${prefix}assets`], `${prefix}assets`), '');
    assets.push(`# Build, minify and digest the assets${app.dir === '' ? '' : ` of ${app.dir}`}.`, app.dir === '' ? 'RUN mix assets.deploy' : `RUN cd ${shellWord(app.dir)} && mix assets.deploy`, '');
  }

  const lines = [
    releaseDockerfileHeader(c.project.app),
    '# alone into a slim Debian image, as "mix phx.gen.release --docker" does. From the project root:',
    `#   docker build -t ${imageName(c.name, 'release')} .`,
    '#',
    '# The versions match the dev container\'s; keep them in step with .tool-versions when you change them.',
    '#   - https://hub.docker.com/r/hexpm/elixir/tags - the builder image',
    '#   - https://hub.docker.com/_/debian/tags - the runner image',
    `ARG ELIXIR_VERSION=${c.versions.elixir}`,
    `ARG OTP_VERSION=${c.versions.otp}`,
    `ARG DEBIAN_VERSION=${c.versions.debian}`,
    '',
    'ARG BUILDER_IMAGE="hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}"',
    'ARG RUNNER_IMAGE="debian:${DEBIAN_VERSION}"',
    '',
    'FROM ${BUILDER_IMAGE} AS builder',
    '',
    '# Compilers for dependencies with native code and git for git dependencies, as command:package.',
    '# A package is installed only when its command is missing, and a failed install (building',
    '# without network access) only warns: a project without such dependencies needs none of them.',
    'RUN set -eu; \\',
    '    missing=""; \\',
    `    for tool in ${BUILD_TOOLS.join(' ')}; do \\`,
    '      command -v "${tool%%:*}" >/dev/null 2>&1 && continue; \\',
    '      case " $missing " in *" ${tool#*:} "*) ;; *) missing="$missing ${tool#*:}" ;; esac; \\',
    '    done; \\',
    '    if [ -n "$missing" ]; then \\',
    '      if apt-get update -y && DEBIAN_FRONTEND=noninteractive apt-get install -y $missing; then \\',
    '        apt-get clean; rm -f /var/lib/apt/lists/*_*; \\',
    '      else \\',
    '        echo "warning: could not install$missing; continuing without them." >&2; \\',
    '      fi; \\',
    '    fi',
    '',
    'WORKDIR /app',
    '',
    '# Hex and rebar3, only when absent. Without network access a failed install only warns: a',
    '# project whose dependencies are all path dependencies needs neither, and mix deps.get says',
    '# so when a dependency does.',
    'RUN set -eu; \\',
    '    if ! mix hex.info >/dev/null 2>&1; then \\',
    '      mix local.hex --force || echo "warning: could not install Hex; continuing without it." >&2; \\',
    '    fi; \\',
    '    if [ -z "$(find "${MIX_HOME:-$HOME/.mix}" -name rebar3 -type f 2>/dev/null)" ]; then \\',
    '      mix local.rebar --force || echo "warning: could not install rebar3; continuing without it." >&2; \\',
    '    fi',
    '',
    'ENV MIX_ENV="prod"',
    '',
    '# Dependencies first: these layers are rebuilt only when the mix files change.',
    `COPY ${mixFiles} ./`,
    ...appMixfiles,
    ...(release.pathDeps.length > 0 ? ['# Path dependencies, which mix deps.get needs in place.', ...release.pathDeps.map((path) => copyInstruction([path], path))] : []),
    'RUN mix deps.get --only $MIX_ENV',
    'RUN mkdir config',
    '',
    ...(config.length > 0
      ? [
          '# Compile-time configuration before the dependencies are compiled, so that a change in it',
          '# recompiles them.',
          ...copyIntoTheirFolders(config),
        ]
      : []),
    'RUN mix deps.compile',
    '',
    ...sources.flatMap((line) => [line, '']),
    'RUN mix compile',
    '',
    ...assets,
    ...(release.hasRuntimeConfig ? ['# config/runtime.exs is read when the release boots: changing it recompiles nothing.', 'COPY config/runtime.exs config/', ''] : []),
    '# rel/ holds env.sh.eex and the overlays that become bin/server and bin/migrate.',
    'COPY rel rel',
    '',
    '# mix release writes a random Erlang cookie to releases/COOKIE. It is deleted so that no cookie',
    '# ships in the image: each container gets its cookie from RELEASE_COOKIE at run time.',
    `RUN mix release && rm -f "_build/$MIX_ENV/rel/${c.name}/releases/COOKIE"`,
    '',
    '# The final image holds the release and what it needs to run, nothing else.',
    'FROM ${RUNNER_IMAGE}',
    '',
    '# What the release needs at run time. Only the packages the image lacks are installed, so an',
    '# image that has them all builds without network access.',
    'RUN set -eu; \\',
    '    missing=""; \\',
    `    for package in libstdc++6 openssl ${ncursesPackage(c.debianRelease)} locales ca-certificates; do \\`,
    '      dpkg-query -W -f=\'${db:Status-Abbrev}\' "$package" 2>/dev/null | grep -q \'^ii\' || missing="$missing $package"; \\',
    '    done; \\',
    '    if [ -n "$missing" ]; then \\',
    '      if ! { apt-get update -y && DEBIAN_FRONTEND=noninteractive apt-get install -y $missing; }; then \\',
    '        echo "error: the release needs$missing, which could not be installed (no network access?)." >&2; \\',
    '        exit 1; \\',
    '      fi; \\',
    '      apt-get clean; rm -f /var/lib/apt/lists/*_*; \\',
    '    fi',
    '',
    '# Set the locale, unless the image already has it',
    'RUN if ! locale -a 2>/dev/null | grep -qix \'en_US\\.utf-\\?8\'; then \\',
    '      sed -i \'/en_US.UTF-8/s/^# //g\' /etc/locale.gen && locale-gen; \\',
    '    fi',
    '',
    'ENV LANG=en_US.UTF-8',
    'ENV LANGUAGE=en_US:en',
    'ENV LC_ALL=en_US.UTF-8',
    '',
    'WORKDIR "/app"',
    'RUN chown nobody /app',
    '',
    'ENV MIX_ENV="prod"',
    '',
    '# Only the release, owned by the unprivileged user that runs it.',
    `COPY --from=builder --chown=nobody:root /app/_build/\${MIX_ENV}/rel/${c.name} ./`,
    '',
    'USER nobody',
    '',
    '# Without an init process as PID 1 (docker run --init, or init: true in compose), add one such',
    '# as tini to reap zombie processes.',
    'CMD ["/app/bin/server"]',
  ];
  return `${lines.join('\n')}\n`;
}

function renderDockerignore(c: Context): string {
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
  return `${lines.join('\n')}\n`;
}

function renderEnvSh(c: Context): string {
  // The file is an EEx template, where `<%%` is a literal `<%`.
  const envFile = `${c.composeFolder}/.env`.replace(/<%/g, '<%%');
  return `#!/bin/sh
# Sourced by the release's scripts (bin/server, bin/${c.name} start, remote, rpc, eval...) before
# they start the VM. The node's name and the Erlang cookie come from the environment at run time.

# The Erlang cookie is never baked into the image: the Dockerfile deletes the random
# releases/COOKIE that mix release writes. Give every container of the release the same secret in
# RELEASE_COOKIE; "Run Release Locally" reads it from the git-ignored ${envFile}.
if [ -z "\${RELEASE_COOKIE:-}" ] && [ ! -s "$RELEASE_ROOT/releases/COOKIE" ]; then
  case "\${RELEASE_DISTRIBUTION:-sname}:$RELEASE_COMMAND" in
    none:*) ;;
    *:start | *:start_iex | *:daemon | *:daemon_iex | *:remote | *:rpc | *:restart | *:stop | *:pid)
      echo "RELEASE_COOKIE is not set: give the container a long random secret in RELEASE_COOKIE, the same for every node that connects to it (or set RELEASE_DISTRIBUTION=none to run without distribution)." >&2
      exit 1
      ;;
  esac
  # The other commands (eval, which bin/migrate runs, and version) start no distribution: a
  # throwaway cookie keeps the script from reading the missing file.
  RELEASE_COOKIE="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \\n')"
  export RELEASE_COOKIE
fi

# sname (the default): a short name, reachable from containers that resolve this hostname.
# name: a long name; without a host part, the container's IPv4 address is added to RELEASE_NODE.
export RELEASE_DISTRIBUTION="\${RELEASE_DISTRIBUTION:-sname}"
export RELEASE_NODE="\${RELEASE_NODE:-<%= @release.name %>}"

if [ "$RELEASE_DISTRIBUTION" = name ]; then
  case "$RELEASE_NODE" in
    *@*) ;;
    *)
      release_host=""
      for release_address in $(hostname -i 2>/dev/null || getent hosts "$(uname -n)"); do
        case "$release_address" in
          *[!0-9.]*) ;;
          *.*.*.*) release_host="$release_address"; break ;;
        esac
      done
      if [ -z "$release_host" ]; then
        echo "RELEASE_DISTRIBUTION is name, but this container's IPv4 address could not be found: set RELEASE_NODE to name@host." >&2
        exit 1
      fi
      export RELEASE_NODE="$RELEASE_NODE@$release_host"
      ;;
  esac
fi
`;
}

function renderServer(c: Context): string {
  return `#!/bin/sh
set -eu

cd -P -- "$(dirname -- "$0")"
PHX_SERVER=true exec ${shellWord(`./${c.name}`)} start
`;
}

function renderMigrate(c: Context, module: string): string {
  return `#!/bin/sh
set -eu

cd -P -- "$(dirname -- "$0")"
exec ${shellWord(`./${c.name}`)} eval ${shellWord(`${module}.migrate`)}
`;
}

function renderReleaseModule(app: string, module: string): string {
  return `defmodule ${module} do
  @moduledoc """
  Used for executing DB release tasks when run in production without Mix
  installed.
  """
  @app :${app}

  def migrate do
    load_app()

    for repo <- repos() do
      {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))
    end
  end

  def rollback(repo, version) do
    load_app()
    {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :down, to: version))
  end

  defp repos do
    Application.fetch_env!(@app, :ecto_repos)
  end

  defp load_app do
    # Many platforms require SSL when connecting to the database
    Application.ensure_all_started(:ssl)
    Application.ensure_loaded(@app)
  end
end
`;
}

function renderCompose(c: Context): string {
  const { project } = c;
  const fromRoot = c.composeFolder.split('/').map(() => '..').join('/');
  const envFile = c.composeFolder.replace(/[}"$\\]/g, '');
  const db = c.db === undefined ? undefined : DATABASES[c.db];
  const database = `${c.name}_prod`;
  const migrate = project.release.ecto !== undefined && (project.release.existing.migrate || c.releaseModule !== undefined);
  const environment: string[] = [
    `      PORT: "${RELEASE_PORT}"`,
    '      PHX_HOST: localhost',
    '      PHX_SERVER: "true"',
    `      SECRET_KEY_BASE: "\${SECRET_KEY_BASE:?SECRET_KEY_BASE is not set. Run Phoenix: Scaffold Release Image again, or add SECRET_KEY_BASE=<64 random characters> to ${envFile}/.env}"`,
    `      RELEASE_COOKIE: "\${RELEASE_COOKIE:?RELEASE_COOKIE is not set. Run Phoenix: Scaffold Release Image again, or add RELEASE_COOKIE=<secret> to ${envFile}/.env}"`,
    '      RELEASE_DISTRIBUTION: sname',
    `      RELEASE_NODE: ${yamlLiteral(c.name)}`,
  ];
  if (db) environment.push(`      DATABASE_URL: ${yamlLiteral(`${db.url}/${database}`)}`);
  else if (project.database === 'sqlite') environment.push(`      DATABASE_PATH: ${yamlLiteral(`/app/${c.name}.db`)}`);

  const lines = [
    `# Runs the production release of ${project.app} on this machine ("Phoenix: Run Release Locally"),`,
    '# built from the Dockerfile at the project root. ${VARIABLES} come from .env in this folder,',
    '# which is git-ignored. To run it without VS Code, from the project root:',
    `#   docker compose -f ${c.composeFolder}/docker-compose.yml up --build`,
    'services:',
    `  ${RELEASE_SERVICE}:`,
    '    build:',
    `      context: ${yamlLiteral(fromRoot)}`,
    '      dockerfile: Dockerfile',
    `    image: ${imageName(c.name, 'release')}`,
    '    # A small init as PID 1 forwards stop signals and reaps zombie processes.',
    '    init: true',
    `    # A fixed hostname keeps the node name stable: ${c.node}.`,
    `    hostname: ${yamlLiteral(c.hostname)}`,
    ...(migrate ? ['    # Migrate the database, then start the server.', '    command: ["sh", "-c", "/app/bin/migrate && exec /app/bin/server"]'] : []),
    '    ports:',
    "      # On this machine's loopback only.",
    `      - "127.0.0.1:${c.hostPort}:${RELEASE_PORT}"`,
    '    environment:',
    ...environment,
    '    labels:',
    '      # How the Phoenix extension finds this service and its node without reading the cookie.',
    `      ${LABELS.role}: release`,
    `      ${LABELS.app}: ${yamlLiteral(project.app)}`,
    `      ${LABELS.nodeName}: ${yamlLiteral(c.node)}`,
    `      ${LABELS.nodeMode}: sname`,
    `      ${LABELS.httpPort}: "${RELEASE_PORT}"`,
  ];
  if (db && c.db) {
    lines.push(
      '    depends_on:',
      '      db:',
      '        condition: service_healthy',
      '',
      `  # Reachable from "${RELEASE_SERVICE}" as db; not published on this machine, so its password stays local.`,
      '  db:',
      `    image: ${db.image}`,
      '    environment:',
      ...db.environment.map(([key, value]) => `      ${key}: ${yamlLiteral(value)}`),
      `      ${db.databaseVariable}: ${yamlLiteral(database)}`,
      '    healthcheck:',
      `      test: ${db.healthcheck}`,
      '      interval: 2s',
      '      timeout: 5s',
      '      retries: 30',
      '    volumes:',
      `      - db-data:${db.dataPath}`,
      '    labels:',
      `      ${LABELS.role}: db`,
      '',
      'volumes:',
      '  db-data:',
    );
  }
  return `${lines.join('\n')}\n`;
}

function renderEnv(c: Context, options: ReleaseRenderOptions): string {
  const bytes = options.randomBytes;
  const cookie = Array.from(bytes.subarray(0, 32), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const secret = Buffer.from(bytes.subarray(32, RANDOM_BYTES)).toString('base64url');
  return [
    `# Read by docker compose to run the release of ${c.project.app} locally. Keep it out of version`,
    '# control: whoever has RELEASE_COOKIE can run any code in the release\'s node, and',
    '# SECRET_KEY_BASE signs its sessions and cookies.',
    // Its own compose project: the dev container's .env pins another name, and the two share no
    // containers or volumes.
    `COMPOSE_PROJECT_NAME=${options.composeProject}`,
    `RELEASE_COOKIE=${cookie}`,
    `SECRET_KEY_BASE=${secret}`,
    '',
  ].join('\n');
}

function adoptionNotes(c: Context, dockerfile: string): string[] {
  const notes = ['The project\'s Dockerfile already builds a release, so it was kept as it is; only the pieces it lacks were added (.dockerignore rules, rel/ files, the compose file to run it locally).'];
  const code = dockerfile.replace(/^\s*#.*$/gm, '');
  if (/\b(?:ENV|ARG)\s+RELEASE_COOKIE\b/.test(code)) {
    notes.push('The Dockerfile sets RELEASE_COOKIE, which bakes the Erlang cookie into the image; remove it and give the cookie to the container at run time instead.');
  } else if (!/releases\/COOKIE/.test(code)) {
    notes.push(`The Dockerfile keeps the random releases/COOKIE that mix release writes into the image; to ship no cookie, end its "RUN mix release" with: && rm -f "_build/$MIX_ENV/rel/${c.name}/releases/COOKIE"`);
  }
  if (!/^\s*COPY\s+(?:--\S+\s+)*rel\s/m.test(code)) {
    notes.push(`The Dockerfile does not copy rel/ before "mix release", so ${ENV_SH} and the overlays (bin/server, bin/migrate) are not in the release; add "COPY rel rel" before it.`);
  }
  return notes;
}

function projectNotes(c: Context): string[] {
  const { project } = c;
  const { release } = project;
  const notes: string[] = [];
  for (const folder of release.unbuiltAssets) {
    notes.push(`${folder} has no "assets.deploy" alias in its mix.exs, so the image builds no assets; add the alias (as Phoenix generates it) or the build steps to the Dockerfile.`);
  }
  if (!release.hasMixLock && project.deps.length > 0) {
    notes.push('The project has no mix.lock, so the image resolves its dependencies anew on each build; commit mix.lock for repeatable builds.');
  }
  if (release.ecto !== undefined && project.database === undefined) {
    notes.push(`Run Release Locally starts no database for this Ecto adapter; add one to ${c.composeFolder}/docker-compose.yml and pass its URL to the release.`);
  }
  if (project.database === 'sqlite') {
    notes.push(`Run Release Locally keeps the SQLite database in the container (DATABASE_PATH=/app/${c.name}.db): it is lost when the container is removed.`);
  }
  if (release.existing.releaseModule !== undefined && release.existing.releaseModule.module !== undefined && !release.existing.migrate) {
    notes.push(`The project already has ${release.existing.releaseModule.path}, so it was kept; ${MIGRATE_SCRIPT} calls its ${release.existing.releaseModule.module}.migrate.`);
  }
  const runtime = release.runtimeConfigText;
  if (runtime === undefined) {
    notes.push('The project has no config/runtime.exs, so the release reads nothing from the environment when it boots (PHX_SERVER, PHX_HOST, PORT, SECRET_KEY_BASE, DATABASE_URL); add one as Phoenix generates it.');
    return notes;
  }
  const code = blankComments(runtime);
  const missing = (variable: string): boolean => !code.includes(`"${variable}"`);
  if (missing('PHX_SERVER')) notes.push('bin/server sets PHX_SERVER=true, but config/runtime.exs does not read it, so the endpoint may not serve: add `if System.get_env("PHX_SERVER") do config :app, YourAppWeb.Endpoint, server: true end` to it.');
  if (project.isPhoenix && missing('SECRET_KEY_BASE')) notes.push('config/runtime.exs does not read SECRET_KEY_BASE, which the compose file passes; read it there for the prod endpoint.');
  if (project.isPhoenix && missing('PHX_HOST')) notes.push('config/runtime.exs does not read PHX_HOST, so the URLs the release generates keep their compiled host.');
  if (c.db !== undefined && missing('DATABASE_URL')) notes.push('config/runtime.exs does not read DATABASE_URL, which the compose file passes; configure the Repo from it in prod.');
  if (project.database === 'sqlite' && missing('DATABASE_PATH')) notes.push('config/runtime.exs does not read DATABASE_PATH, which the compose file passes; configure the Repo\'s database from it in prod.');
  return notes;
}
