import { DATABASES, DEPENDS_ON_DB, dbServiceLines, databaseHealthcheck, hostnameLines, labelLines, type DatabaseService } from '../generated/compose';
import { fileOf } from '../generated/dockerfile';
import { composeMessageText, yamlLiteral } from '../generated/quoting';
import type { DevContainerContext } from './context';
import { imageName } from './names';
import type { ProjectDescription } from './project';

/** docker-compose.yml: the app service that runs the dev server as a node, and its database. */
export function renderCompose(c: DevContainerContext): string {
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
    ...hostnameLines(c.nodeName, c.hostname),
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
    `      ERLANG_COOKIE: "\${ERLANG_COOKIE:?ERLANG_COOKIE is not set. Run Phoenix: Scaffold Dev Container again, or add ERLANG_COOKIE=<secret> to ${composeMessageText(c.folder)}/.env}"`,
    '      PHX_HOST: localhost',
    ...databaseAddress(c),
    ...labelLines({ role: 'app', app: project.app, nodeName: c.nodeName, nodeMode: c.nodeMode, httpPort: port }),
    ...(c.network ? ['    networks:', '      default:', `        ipv4_address: ${c.network.app}`] : []),
    ...(db ? DEPENDS_ON_DB : []),
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
  return fileOf(lines);
}

/** Where the app finds its database, when the compose files run one. */
export function databaseAddress(c: DevContainerContext): string[] {
  return c.dbService === undefined ? [] : [`      DB_HOST: ${yamlLiteral(c.dbHost)}`, `      DB_PORT: "${DATABASES[c.dbService].port}"`];
}

/** The db service, with the user and password the project's Repo uses in dev. */
function renderDbService(service: DatabaseService, project: ProjectDescription): string[] {
  const repo = project.repo;
  const environment: [string, string][] = [];
  let user: string;
  if (service === 'postgres') {
    user = repo?.username ?? 'postgres';
    const password = repo?.password ?? 'postgres';
    environment.push(['POSTGRES_USER', user]);
    // The image refuses to start without a password unless told to trust local connections.
    environment.push(password === '' ? ['POSTGRES_HOST_AUTH_METHOD', 'trust'] : ['POSTGRES_PASSWORD', password]);
  } else {
    user = repo?.username ?? 'root';
    const password = repo?.password ?? '';
    if (user === 'root') {
      environment.push(password === '' ? ['MYSQL_ALLOW_EMPTY_PASSWORD', 'yes'] : ['MYSQL_ROOT_PASSWORD', password]);
    } else {
      environment.push(['MYSQL_USER', user], ['MYSQL_PASSWORD', password], ['MYSQL_RANDOM_ROOT_PASSWORD', 'yes']);
      if (repo?.database !== undefined) environment.push(['MYSQL_DATABASE', repo.database]);
    }
  }
  return dbServiceLines('Reachable from "app" as db; not published on this machine.', service, environment, databaseHealthcheck(service, user));
}
