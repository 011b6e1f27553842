import { DEFAULT_FOLDER, LABELS, OVERRIDE_FILE, RESET_DATABASE_ARGUMENT, STEP_MARKER } from '../contract';
import { CONFIGURED_SERVER, CONTAINER_CONFIG_SCRIPT } from './containerConfig';
import type { TextEdit } from './elixirConfig';
import { mergeGitignore, type RenderedFile } from './files';
import { devContainerFolder } from './folder';
import { escapeGitignore, hostName, imageName, requireAppName } from './names';
import { networkPlan, parseSubnet } from './network';
import type { ProjectDescription } from './project';
import type { AdoptableService } from './rootCompose';
import { chooseBaseImage, type BaseImageOptions } from './versions';

/** Facts about the machine that runs Docker's client. */
export interface HostFacts {
  /** The user's UID and GID; undefined on Windows, where the container uses 1000. */
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly platform: NodeJS.Platform;
  /** The bind mount is known to drop file change events (e.g. a Windows drive seen from WSL). */
  readonly fileEventsUnreliable?: boolean;
}

export interface RenderOptions extends BaseImageOptions {
  /** Folder for the files, relative to the project root; `.devcontainer` by default. */
  readonly folder?: string;
  readonly host: HostFacts;
  /** The compose project name (see composeProjectName), pinned in .env. */
  readonly composeProject: string;
  /**
   * Adopt the user's own compose file at the project root instead of generating one: it stays as
   * written, and an override file next to the other files adds what the dev container needs.
   */
  readonly adopt?: AdoptedCompose;
  /** Random bytes for a new Erlang cookie, at least 16 (e.g. crypto.randomBytes(32)). */
  readonly randomBytes: Uint8Array;
  /** Keep deps and _build in named volumes instead of the bind mount (faster on macOS). */
  readonly namedVolumes?: boolean;
  /** Put the containers on a fixed subnet; the node then uses a long name with the app's address. */
  readonly fixedSubnet?: { readonly subnet: string };
}

export interface AdoptedCompose {
  /** The compose file, relative to the project root. */
  readonly file: string;
  readonly service: AdoptableService;
  /** Its database service, whose name is then the database host. */
  readonly databaseService: string | undefined;
}

/** An edit of a project file that the scaffold recommends but never applies itself. */
export interface Advice extends TextEdit {
  readonly reason: string;
}

export interface RenderedDevContainer {
  readonly files: RenderedFile[];
  readonly notes: string[];
  readonly advice: Advice[];
}

const DATABASES = {
  postgres: { image: 'postgres:16-alpine', port: 5432, dataPath: '/var/lib/postgresql/data' },
  mysql: { image: 'mysql:8', port: 3306, dataPath: '/var/lib/mysql' },
} as const;

/** Commands the dev workflow uses and the Debian package that provides each. */
const TOOLS: readonly (readonly [string, string])[] = [
  ['git', 'git'],
  ['make', 'build-essential'],
  ['gcc', 'build-essential'],
  ['inotifywait', 'inotify-tools'],
  ['watchman', 'watchman'],
  ['ps', 'procps'],
  ['ip', 'iproute2'],
  ['lsof', 'lsof'],
  ['update-ca-certificates', 'ca-certificates'],
];

interface Context {
  readonly project: ProjectDescription;
  readonly folder: string;
  /** The project root as seen from the folder (`..`). */
  readonly rootFromFolder: string;
  readonly image: string;
  readonly hasWatchman: boolean;
  readonly uid: number;
  readonly gid: number;
  readonly hostname: string;
  readonly nodeName: string;
  readonly nodeMode: 'sname' | 'name';
  readonly network: ReturnType<typeof networkPlan>;
  readonly dbService: keyof typeof DATABASES | undefined;
  readonly namedVolumes: boolean;
  readonly composeProject: string;
  /** Where the project is mounted in the container. */
  readonly workdir: string;
  /** The database service's name: the host the app connects to. */
  readonly dbHost: string;
  readonly adopt: AdoptedCompose | undefined;
}

/** Renders the dev container's files for a project, with notes and recommended edits. */
export function renderDevContainer(project: ProjectDescription, options: RenderOptions): RenderedDevContainer {
  if (options.randomBytes.length < 16) throw new RangeError('renderDevContainer needs at least 16 random bytes for the Erlang cookie.');
  requireAppName(project.app, 'The app name');
  const notes: string[] = [];
  const folder = normalizeFolder(options.folder, notes);
  const base = chooseBaseImage(project.versions, options);
  notes.push(...base.notes);

  const hostname = hostName(project.app);
  const subnet = options.fixedSubnet && parseSubnet(options.fixedSubnet.subnet);
  const network = subnet && networkPlan(subnet);
  if (options.fixedSubnet && network === undefined) {
    notes.push(`The subnet "${options.fixedSubnet.subnet}" is not an IPv4 subnet of at least 8 addresses (such as 172.40.0.0/24), so the containers use Docker's default network; correct the setting to use a fixed subnet.`);
  }
  const dbService = (project.database === 'postgres' || project.database === 'mysql') && (options.adopt === undefined || options.adopt.databaseService !== undefined)
    ? project.database
    : undefined;
  const context: Context = {
    project,
    folder,
    rootFromFolder: folder.split('/').map(() => '..').join('/'),
    image: base.image,
    hasWatchman: base.hasWatchman,
    uid: options.host.uid ?? 1000,
    gid: options.host.gid ?? 1000,
    hostname,
    nodeName: `${project.app}@${network?.app ?? hostname}`,
    nodeMode: network ? 'name' : 'sname',
    network,
    dbService,
    namedVolumes: options.namedVolumes ?? false,
    composeProject: options.composeProject,
    workdir: options.adopt?.service.projectMount ?? '/app',
    dbHost: options.adopt?.databaseService ?? 'db',
    adopt: options.adopt,
  };

  if (options.adopt !== undefined && network !== undefined) {
    notes.push(`The fixed subnet is not applied to your own ${options.adopt.file}; define the network there if you need one.`);
  }
  if (project.existingComposeFile !== undefined && options.adopt === undefined) {
    notes.push(`The project already has ${project.existingComposeFile}; the dev container uses its own ${folder}/docker-compose.yml, so copy any services you need from one to the other.`);
  }
  if (project.repo !== undefined && dbService !== undefined && (project.repo.username === undefined || project.repo.password === undefined)) {
    notes.push(`The database user or password in config/dev.exs is not a plain string, so the ${dbService} service uses the defaults; make the db service's environment in ${folder}/docker-compose.yml match your Repo configuration.`);
  }

  const files: RenderedFile[] = [
    ...(context.adopt === undefined
      ? [
          { path: `${folder}/Dockerfile`, content: renderDockerfile(context) },
          { path: `${folder}/entrypoint.sh`, content: renderEntrypoint(context), mode: 0o755 },
          { path: `${folder}/docker-compose.yml`, content: renderCompose(context) },
          { path: `${folder}/.dockerignore`, content: DEV_DOCKERIGNORE, merge: 'lines' as const },
        ]
      : [
          { path: `${folder}/entrypoint.sh`, content: renderEntrypoint(context), mode: 0o755 },
          { path: `${folder}/${OVERRIDE_FILE}`, content: renderOverride(context, context.adopt) },
        ]),
    { path: `${folder}/devcontainer.json`, content: renderDevcontainerJson(context) },
    { path: `${folder}/.env`, content: renderEnv(context, options.randomBytes), mode: 0o600, merge: 'env' },
    { path: '.gitignore', content: mergeGitignore(undefined, [`/${escapeGitignore(folder)}/.env`]), merge: 'gitignore' },
  ];
  // sh in the container fails on CRLF, which a Windows checkout (core.autocrlf) would produce.
  if (/^[\w./-]+$/.test(folder)) {
    files.push({ path: '.gitattributes', content: `# Dev container scripts run in Linux: LF line endings in every checkout\n/${folder}/*.sh text eol=lf\n`, merge: 'lines' });
  } else {
    notes.push(`On Windows, keep ${folder}/entrypoint.sh with LF line endings (a .gitattributes rule "*.sh text eol=lf" does it): sh in the container cannot run it with CRLF.`);
  }
  return { files, notes, advice: advise(context, options.host) };
}

/** The dev image's build context is the dev container folder, which holds the .env files. */
const DEV_DOCKERIGNORE = `# The dev image copies nothing from this folder, its build context: the secrets in the .env files
# here (the Erlang cookie, the release's) are never sent to the Docker engine.
**/.env
**/.env.*
`;

function normalizeFolder(folder: string | undefined, notes: string[]): string {
  const cleaned = devContainerFolder(folder ?? DEFAULT_FOLDER);
  if (cleaned === undefined) {
    notes.push(`The dev container folder "${folder ?? ''}" is not a folder inside the project, so ${DEFAULT_FOLDER} was used; set it to a relative path such as ${DEFAULT_FOLDER}.`);
    return DEFAULT_FOLDER;
  }
  return cleaned;
}

/** Text for inside a double-quoted shell string. */
function shellDoubleQuoted(text: string): string {
  return text.replace(/["\\$`]/g, '\\$&');
}

/** A YAML double-quoted scalar whose `$` compose does not interpolate. */
function yamlLiteral(text: string): string {
  return JSON.stringify(text.replace(/\$/g, '$$$$'));
}

function renderDockerfile(c: Context): string {
  const tools = TOOLS.filter(([command]) => command !== 'watchman' || c.hasWatchman).map(([command, pkg]) => `${command}:${pkg}`);
  const toolLines: string[] = [];
  for (let i = 0; i < tools.length; i += 4) toolLines.push(tools.slice(i, i + 4).join(' '));
  const namedVolumeDirs = c.namedVolumes ? ' /app/deps /app/_build' : '';
  return `# Development image for ${c.project.app}. docker-compose.yml in this folder builds it and
# bind-mounts the project at /app: nothing of the project is copied into the image.
FROM ${c.image}

# Hex and rebar3 go to MIX_HOME and HEX_HOME, outside any home folder, so every user shares them.
ENV LANG=C.UTF-8 \\
    MIX_HOME=/opt/mix \\
    HEX_HOME=/opt/hex

# Development tools, as command:package. A package is installed only when its command is
# missing, and a failed install (building offline) only warns: the image may have them all.
RUN set -eu; \\
    missing=""; \\
    for tool in ${toolLines.join(' \\\n                ')}; do \\
      command -v "\${tool%%:*}" >/dev/null 2>&1 && continue; \\
      case " $missing " in *" \${tool#*:} "*) ;; *) missing="$missing \${tool#*:}" ;; esac; \\
    done; \\
    if [ -n "$missing" ]; then \\
      echo "Installing:$missing"; \\
      if apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; then \\
        rm -rf /var/lib/apt/lists/*; \\
      else \\
        echo "warning: could not install$missing; continuing without them." >&2; \\
      fi; \\
    fi

# Hex and rebar3, only when absent. Offline the build goes on, and the entrypoint tries again
# when it has to fetch dependencies.
RUN set -eu; \\
    mkdir -p "$MIX_HOME" "$HEX_HOME"; \\
    if ! mix hex.info >/dev/null 2>&1; then \\
      mix local.hex --force || echo "warning: could not install Hex; continuing without it." >&2; \\
    fi; \\
    if [ -z "$(find "$MIX_HOME" -name rebar3 -type f)" ]; then \\
      mix local.rebar --force || echo "warning: could not install rebar3; continuing without it." >&2; \\
    fi

# docker-compose.yml passes your UID and GID (from .env) so that the files the container writes
# in the project belong to you on the host. Declared here, after the slow steps, so that another
# UID reuses their cached layers.
ARG USER_UID=1000
ARG USER_GID=1000

# The user "phoenix" gets your UID and GID: a group that already has the GID is reused, and a
# user that already has the UID is renamed. UID 0 means you run as root on the host; the
# container then runs as root too, so the bind-mounted project stays writable on both sides.
RUN set -eu; \\
    if [ "$USER_UID" != 0 ]; then \\
      group="$(getent group "$USER_GID" | cut -d: -f1)"; \\
      if [ -z "$group" ]; then groupadd --gid "$USER_GID" phoenix; group=phoenix; fi; \\
      user="$(getent passwd "$USER_UID" | cut -d: -f1)"; \\
      if [ -z "$user" ]; then \\
        useradd --no-log-init --uid "$USER_UID" --gid "$group" --home-dir /home/phoenix --create-home --shell /bin/bash phoenix; \\
      elif [ "$user" != phoenix ]; then \\
        usermod --login phoenix --gid "$group" --home /home/phoenix "$user"; \\
      fi; \\
      mkdir -p /home/phoenix; \\
      chown "$USER_UID:$USER_GID" /home/phoenix; \\
    fi; \\
    mkdir -p /app${namedVolumeDirs}; \\
    chown "$USER_UID:$USER_GID" /app${namedVolumeDirs}; \\
    chown -R "$USER_UID:$USER_GID" "$MIX_HOME" "$HEX_HOME"

WORKDIR /app
USER \${USER_UID}:\${USER_GID}
`;
}

function renderEntrypoint(c: Context): string {
  const db = c.dbService === undefined ? undefined : DATABASES[c.dbService];
  const folder = shellDoubleQuoted(c.folder);
  const scaffold = `run \\"Phoenix: Scaffold Dev Container\\" again or set it in ${folder}/.env`;
  const ecto = c.project.usesEcto
    ? `${db === undefined ? '' : `
# Wait until the database accepts connections, for at most DB_WAIT_SECONDS (60 by default).
if [ -n "\${DB_HOST:-}" ]; then
  begin database
  echo "Waiting for the database at \${DB_HOST}:\${DB_PORT:-${db.port}}..."
  elixir -e '
    host = String.to_charlist(System.fetch_env!("DB_HOST"))
    port = String.to_integer(System.get_env("DB_PORT", "${db.port}"))
    deadline = System.monotonic_time(:second) + String.to_integer(System.get_env("DB_WAIT_SECONDS", "60"))

    wait = fn wait ->
      case :gen_tcp.connect(host, port, [], 1000) do
        {:ok, socket} ->
          :gen_tcp.close(socket)

        {:error, reason} ->
          if System.monotonic_time(:second) >= deadline do
            IO.puts(:stderr, "The database at #{host}:#{port} does not accept connections (#{:inet.format_error(reason)}); check it with: docker compose logs ${c.dbHost.replace(/[^\w.-]/g, '')}")
            System.halt(1)
          end

          Process.sleep(1000)
          wait.(wait)
      end
    end

    wait.(wait)
  '
fi
`}
begin ecto.create
configured_mix ecto.create
begin ecto.migrate
configured_mix ecto.migrate
`
    : '';
  return `#!/bin/sh
# Starts ${c.project.app}'s Phoenix dev server as a distributed Erlang node, so that a remote IEx
# shell can attach to it. The dev container's compose file runs it with sh from the bind-mounted project.
set -eu

# Each step says when it begins, and a failed one says so, so that the Phoenix extension can show
# the step under way and name the one that failed.
step=start
begin() {
  step="$1"
  echo "${STEP_MARKER} $1"
}
trap 'status=$?; [ "$status" -eq 0 ] || echo "${STEP_MARKER} failed $step (exit $status)" >&2' EXIT

if [ -z "\${ERLANG_COOKIE:-}" ]; then
  echo "ERLANG_COOKIE is empty: ${scaffold}, then recreate the container." >&2
  exit 1
fi
if [ -z "\${NODE_NAME:-}" ]; then
  echo "NODE_NAME is empty: set it in ${folder}/${c.adopt === undefined ? 'docker-compose.yml' : OVERRIDE_FILE}, then recreate the container." >&2
  exit 1
fi

${CONTAINER_CONFIG_SCRIPT}${c.project.usesEcto ? renderResetDatabase(c) : ''}
# Fetch dependencies only when Mix reports some missing or out of date, so that a project whose
# dependencies are all present (or all path dependencies) starts without network access.
begin dependencies
if ! mix deps.loadpaths --no-compile >/dev/null 2>&1; then
  # Hex and rebar3 are missing when the image was built offline: try again now.
  mix local.hex --force --if-missing || echo "warning: could not install Hex." >&2
  mix local.rebar --force --if-missing || echo "warning: could not install rebar3." >&2
  mix deps.get
fi

begin compile
mix compile
${ecto}
# A host part with a dot (an IP address) needs a long node name.
case "$NODE_NAME" in
  *@*.*) name_option=--name ;;
  *) name_option=--sname ;;
esac

# The cookie goes to a file only this user can read, where Erlang looks for it, rather than onto
# the command line, which every user of the host can read in the process list.
# A user without a writable home (no passwd entry) gets a private one for the cookie.
if [ ! -w "\${HOME:-/nonexistent}" ]; then
  HOME="$(mktemp -d)"
  export HOME
fi
rm -f "$HOME/.erlang.cookie"
(umask 077 && printf '%s' "$ERLANG_COOKIE" > "$HOME/.erlang.cookie")
# The node reads the file: its environment, which its child processes inherit, need not hold it too.
unset ERLANG_COOKIE

# exec: the BEAM replaces this shell, so it receives the container's stop signal.
begin server
${CONFIGURED_SERVER}`;
}

/** The entrypoint's reset mode, run by "Phoenix: Reset Database" in the running container. */
function renderResetDatabase(c: Context): string {
  // Postgres refuses to drop a database the running app is connected to, unless forced (13 and later).
  const drop = c.dbService === 'postgres' ? 'ecto.drop --force-drop' : 'ecto.drop';
  return `
# "Phoenix: Reset Database" runs this script with ${RESET_DATABASE_ARGUMENT} in the running dev
# container: the database is dropped, created and migrated again, then seeded when there are seeds.
if [ "\${1:-}" = ${RESET_DATABASE_ARGUMENT} ]; then
  begin ecto.drop
  configured_mix ${drop}
  begin ecto.create
  configured_mix ecto.create
  begin ecto.migrate
  configured_mix ecto.migrate
  if [ -f priv/repo/seeds.exs ]; then
    begin seeds
    configured_mix run priv/repo/seeds.exs
  fi
  exit 0
fi
`;
}

function renderCompose(c: Context): string {
  const { project } = c;
  const port = project.http.port;
  const db = c.dbService === undefined ? undefined : DATABASES[c.dbService];
  const lines = [
    `# Dev container for ${project.app}: "app" runs the Phoenix dev server as a distributed Erlang`,
    '# node. ${VARIABLES} come from .env in this folder. To run it without VS Code:',
    `#   docker compose -f ${c.folder}/docker-compose.yml up --build`,
    'services:',
    '  app:',
    '    build:',
    '      # The Dockerfile copies nothing from the project, so this folder is all the context it needs.',
    '      context: .',
    '      dockerfile: Dockerfile',
    '      args:',
    '        USER_UID: ${UID:-1000}',
    '        USER_GID: ${GID:-1000}',
    '    # A fixed name: "up" reuses the image until you rebuild it.',
    `    image: ${imageName(project.app, 'devcontainer')}`,
    '    # A small init as PID 1 forwards stop signals and reaps processes such as epmd.',
    '    init: true',
    `    # A fixed hostname keeps the node name stable: ${c.nodeName}.`,
    `    hostname: ${yamlLiteral(c.hostname)}`,
    '    working_dir: /app',
    '    # Run with sh, so the script needs no executable bit (a Windows checkout loses it).',
    `    command: ["sh", ${yamlLiteral(`/app/${c.folder}/entrypoint.sh`)}]`,
    '    volumes:',
    `      - ${yamlLiteral(`${c.rootFromFolder}:/app`)}`,
    ...(c.namedVolumes ? ['      # Dependencies and build output stay in volumes: faster than the bind mount.', '      - deps:/app/deps', '      - build:/app/_build'] : []),
    '    ports:',
    "      # On this machine's loopback only.",
    `      - "127.0.0.1:${port}:${port}"`,
    '    environment:',
    '      MIX_ENV: dev',
    `      NODE_NAME: ${yamlLiteral(c.nodeName)}`,
    `      ERLANG_COOKIE: "\${ERLANG_COOKIE:?ERLANG_COOKIE is not set. Run Phoenix: Scaffold Dev Container again, or add ERLANG_COOKIE=<secret> to ${c.folder.replace(/[}"$\\]/g, '')}/.env}"`,
    '      PHX_HOST: localhost',
    ...(db ? [`      DB_HOST: ${yamlLiteral(c.dbHost)}`, `      DB_PORT: "${db.port}"`] : []),
    '    labels:',
    '      # How the Phoenix extension finds this service and its node without reading the cookie.',
    `      ${LABELS.role}: app`,
    `      ${LABELS.app}: ${yamlLiteral(project.app)}`,
    `      ${LABELS.nodeName}: ${yamlLiteral(c.nodeName)}`,
    `      ${LABELS.nodeMode}: ${c.nodeMode}`,
    `      ${LABELS.httpPort}: "${port}"`,
    ...(c.network ? ['    networks:', '      default:', `        ipv4_address: ${c.network.app}`] : []),
    ...(db ? ['    depends_on:', '      db:', '        condition: service_healthy'] : []),
    ...(c.dbService ? renderDbService(c.dbService, project) : []),
  ];
  const volumes = [...(db ? ['db-data'] : []), ...(c.namedVolumes ? ['deps', 'build'] : [])];
  if (volumes.length > 0) lines.push('', 'volumes:', ...volumes.map((name) => `  ${name}:`));
  if (c.network) {
    lines.push(
      '',
      'networks:',
      '  default:',
      '    ipam:',
      '      config:',
      `        - subnet: ${c.network.subnet}`,
      `          gateway: ${c.network.gateway}`,
      '          # Containers without a fixed address get one from here, never the app\'s.',
      `          ip_range: ${c.network.dynamicRange}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The adopted service's additions, merged by compose over the user's file (left as written). */
function renderOverride(c: Context, adopt: AdoptedCompose): string {
  const { project } = c;
  const db = c.dbService === undefined ? undefined : DATABASES[c.dbService];
  const lines = [
    `# Makes the "${adopt.service.name}" service of ${adopt.file} (left as you wrote it) the dev container of`,
    `# ${project.app}: a named, cookie-protected Erlang node. Compose merges this file over ${adopt.file};`,
    '# relative paths in it start at the project root. To run it without VS Code, from the project root:',
    `#   docker compose -f ${adopt.file} -f ${c.folder}/${OVERRIDE_FILE} up`,
    'services:',
    `  ${yamlLiteral(adopt.service.name)}:`,
    `    # A fixed hostname keeps the node name stable: ${c.nodeName}.`,
    `    hostname: ${yamlLiteral(c.hostname)}`,
    ...(adopt.service.hasWorkingDir ? [] : [`    working_dir: ${yamlLiteral(c.workdir)}`]),
    '    # A small init as PID 1 forwards stop signals and reaps processes such as epmd.',
    '    init: true',
    `    command: ["sh", ${yamlLiteral(`${c.workdir}/${c.folder}/entrypoint.sh`)}]`,
    '    # The cookie comes from the git-ignored .env, straight into the container.',
    '    env_file:',
    `      - ${yamlLiteral(`${c.folder}/.env`)}`,
    '    environment:',
    `      NODE_NAME: ${yamlLiteral(c.nodeName)}`,
    ...(db ? [`      DB_HOST: ${yamlLiteral(c.dbHost)}`, `      DB_PORT: "${db.port}"`] : []),
    '    labels:',
    '      # How the Phoenix extension finds this service and its node without reading the cookie.',
    `      ${LABELS.role}: app`,
    `      ${LABELS.app}: ${yamlLiteral(project.app)}`,
    `      ${LABELS.nodeName}: ${yamlLiteral(c.nodeName)}`,
    `      ${LABELS.nodeMode}: ${c.nodeMode}`,
    `      ${LABELS.httpPort}: "${project.http.port}"`,
  ];
  return `${lines.join('\n')}\n`;
}

function renderDbService(service: keyof typeof DATABASES, project: ProjectDescription): string[] {
  const { image, dataPath } = DATABASES[service];
  const repo = project.repo;
  const environment: [string, string][] = [];
  let healthcheck: string;
  if (service === 'postgres') {
    const user = repo?.username ?? 'postgres';
    const password = repo?.password ?? 'postgres';
    environment.push(['POSTGRES_USER', user]);
    // The image refuses to start without a password unless told to trust local connections.
    environment.push(password === '' ? ['POSTGRES_HOST_AUTH_METHOD', 'trust'] : ['POSTGRES_PASSWORD', password]);
    // Over TCP: during initialisation Postgres answers on its socket before it listens on the network.
    healthcheck = `["CMD", "pg_isready", "-h", "127.0.0.1", "-U", ${yamlLiteral(user)}]`;
  } else {
    const user = repo?.username ?? 'root';
    const password = repo?.password ?? '';
    if (user === 'root') {
      environment.push(password === '' ? ['MYSQL_ALLOW_EMPTY_PASSWORD', 'yes'] : ['MYSQL_ROOT_PASSWORD', password]);
    } else {
      environment.push(['MYSQL_USER', user], ['MYSQL_PASSWORD', password], ['MYSQL_RANDOM_ROOT_PASSWORD', 'yes']);
      if (repo?.database !== undefined) environment.push(['MYSQL_DATABASE', repo.database]);
    }
    // Over TCP: during initialization the server listens only on its socket.
    healthcheck = '["CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"]';
  }
  return [
    '',
    '  # Reachable from "app" as db; not published on this machine.',
    '  db:',
    `    image: ${image}`,
    '    environment:',
    ...environment.map(([key, value]) => `      ${key}: ${yamlLiteral(value)}`),
    '    healthcheck:',
    `      test: ${healthcheck}`,
    '      interval: 2s',
    '      timeout: 5s',
    '      retries: 30',
    '    volumes:',
    `      - db-data:${dataPath}`,
    '    labels:',
    `      ${LABELS.role}: db`,
  ];
}

function renderDevcontainerJson(c: Context): string {
  const config = {
    name: c.project.app,
    dockerComposeFile: c.adopt === undefined ? 'docker-compose.yml' : [`${c.rootFromFolder}/${c.adopt.file}`, OVERRIDE_FILE],
    service: c.adopt?.service.name ?? 'app',
    workspaceFolder: c.workdir,
    forwardPorts: [c.project.http.port],
    // The adopted image has its own users; the generated one has "phoenix" (root for UID 0).
    ...(c.adopt === undefined && { remoteUser: c.uid === 0 ? 'root' : 'phoenix' }),
    shutdownAction: 'stopCompose',
    customizations: { vscode: { extensions: ['JakeBecker.elixir-ls', 'phoenixframework.phoenix'] } },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function renderEnv(c: Context, randomBytes: Uint8Array): string {
  const cookie = Array.from(randomBytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return [
    '# Read by docker compose for the dev container. Keep it out of version control:',
    '# whoever has ERLANG_COOKIE can run any code in the dev server\'s node.',
    // Names the compose project whichever way compose is started, so that two projects never share
    // containers or volumes (compose would otherwise name it after this folder). An adopted compose
    // file keeps the name compose gives it at the project root, where this file is not read.
    ...(c.adopt === undefined ? [`COMPOSE_PROJECT_NAME=${c.composeProject}`] : []),
    `UID=${c.uid}`,
    `GID=${c.gid}`,
    `ERLANG_COOKIE=${cookie}`,
    '',
  ].join('\n');
}

/*
 * The endpoint's loopback address and the Repo's localhost need no edit: the entrypoint adjusts
 * them inside the container only (see containerConfig.ts).
 */
function advise(c: Context, host: HostFacts): Advice[] {
  const { project } = c;
  const advice: Advice[] = [];
  const eventsUnreliable = host.platform === 'darwin' || host.platform === 'win32' || host.fileEventsUnreliable === true;
  if (project.usesLiveReload && !project.liveReloadPolls && project.liveReloadPollingEdit && eventsUnreliable) {
    advice.push({
      ...project.liveReloadPollingEdit,
      reason: 'File change events from this machine may not reach the container through the bind mount, so live reload would miss your edits. Let phoenix_live_reload poll the files instead.',
    });
  }
  return advice;
}
