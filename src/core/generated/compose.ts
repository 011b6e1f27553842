import { LABELS } from '../contract';
import { yamlLiteral } from './quoting';

/** The database services the compose files can run, by Ecto adapter. */
export const DATABASES = {
  postgres: { image: 'postgres:16-alpine', port: 5432, dataPath: '/var/lib/postgresql/data' },
  mysql: { image: 'mysql:8', port: 3306, dataPath: '/var/lib/mysql' },
} as const;
export type DatabaseService = keyof typeof DATABASES;

/** What the labels say of a service that runs a node. */
export interface NodeLabels {
  readonly role: 'app' | 'release';
  readonly app: string;
  readonly nodeName: string;
  readonly nodeMode: 'sname' | 'name';
  readonly httpPort: number;
}

/** The path from a folder back to the project root (`..` for `.devcontainer`). */
export function pathToRoot(folder: string): string {
  return folder.split('/').map(() => '..').join('/');
}

/** A fixed hostname, which keeps the name of the node in the service stable. */
export function hostnameLines(nodeName: string, hostname: string): string[] {
  return [`    # A fixed hostname keeps the node name stable: ${nodeName}.`, `    hostname: ${yamlLiteral(hostname)}`];
}

/** A service's labels (indented for a service of `services:`). */
export function labelLines(labels: NodeLabels): string[] {
  return [
    '    labels:',
    '      # How the Phoenix extension finds this service and its node without reading the cookie.',
    `      ${LABELS.role}: ${labels.role}`,
    `      ${LABELS.app}: ${yamlLiteral(labels.app)}`,
    `      ${LABELS.nodeName}: ${yamlLiteral(labels.nodeName)}`,
    `      ${LABELS.nodeMode}: ${labels.nodeMode}`,
    `      ${LABELS.httpPort}: "${labels.httpPort}"`,
  ];
}

/** A service waits for the db service's healthcheck before it starts. */
export const DEPENDS_ON_DB = ['    depends_on:', '      db:', '        condition: service_healthy'];

/** A check that the database accepts connections over TCP, as `user`. */
export function databaseHealthcheck(service: DatabaseService, user: string): string {
  // Over TCP: during initialisation the servers answer on their socket before they listen on the network.
  return service === 'postgres'
    ? `["CMD", "pg_isready", "-h", "127.0.0.1", "-U", ${yamlLiteral(user)}]`
    : '["CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"]';
}

/** The db service, after a blank line and `comment`; its data lives in the db-data volume. */
export function dbServiceLines(comment: string, service: DatabaseService, environment: readonly (readonly [string, string])[], healthcheck: string): string[] {
  const { image, dataPath } = DATABASES[service];
  return [
    '',
    `  # ${comment}`,
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
