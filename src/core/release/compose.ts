import { DEPENDS_ON_DB, databaseHealthcheck, dbServiceLines, hostnameLines, labelLines, pathToRoot, type DatabaseService } from '../generated/compose';
import { fileOf } from '../generated/dockerfile';
import { composeMessageText, yamlLiteral } from '../generated/quoting';
import { imageName } from '../scaffold/names';
import type { ReleaseContext } from './context';
import { LOOPBACK_FORWARD_PORT } from './loopbackForward';

/** The port the release listens on inside its container (runtime.exs reads PORT). */
export const RELEASE_PORT = 4000;
export const RELEASE_SERVICE = 'release';

/** The release's database: fixed credentials, which never leave this machine. */
const CREDENTIALS: Record<DatabaseService, { readonly user: string; readonly environment: readonly (readonly [string, string])[]; readonly databaseVariable: string; readonly url: string }> = {
  postgres: { user: 'postgres', environment: [['POSTGRES_USER', 'postgres'], ['POSTGRES_PASSWORD', 'postgres']], databaseVariable: 'POSTGRES_DB', url: 'ecto://postgres:postgres@db' },
  mysql: { user: 'root', environment: [['MYSQL_ROOT_PASSWORD', 'mysql']], databaseVariable: 'MYSQL_DATABASE', url: 'ecto://root:mysql@db' },
};

/** docker-compose.yml that runs the release on this machine, with a database when it uses one. */
export function renderCompose(c: ReleaseContext): string {
  const { project } = c;
  const fromRoot = pathToRoot(c.composeFolder);
  const envFile = composeMessageText(c.composeFolder);
  const db = c.db === undefined ? undefined : CREDENTIALS[c.db];
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
    "      # The generated bin/server forwards this port from the container's own address to the endpoint",
    '      # when config/runtime.exs binds it to loopback, which the published port cannot reach.',
    `      ${LOOPBACK_FORWARD_PORT}: "${RELEASE_PORT}"`,
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
    ...hostnameLines(c.node, c.hostname),
    ...(migrate ? ['    # Migrate the database, then start the server.', '    command: ["sh", "-c", "/app/bin/migrate && exec /app/bin/server"]'] : []),
    '    ports:',
    "      # On this machine's loopback only.",
    `      - "127.0.0.1:${c.hostPort}:${RELEASE_PORT}"`,
    '    environment:',
    ...environment,
    ...labelLines({ role: 'release', app: project.app, nodeName: c.node, nodeMode: 'sname', httpPort: RELEASE_PORT }),
  ];
  if (db && c.db) {
    lines.push(
      ...DEPENDS_ON_DB,
      ...dbServiceLines(
        `Reachable from "${RELEASE_SERVICE}" as db; not published on this machine, so its password stays local.`,
        c.db,
        [...db.environment, [db.databaseVariable, database]],
        databaseHealthcheck(c.db, db.user),
      ),
      '',
      'volumes:',
      '  db-data:',
    );
  }
  return fileOf(lines);
}
