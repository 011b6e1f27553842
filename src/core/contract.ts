/*
 * What the generated files and the extension's runtime share: the labels it finds services by,
 * the names of the files and folders it looks in, and the entrypoint's markers and arguments.
 * A change here changes both sides at once; projects scaffolded earlier keep the old values.
 */

/** Labels on the app service, so the extension finds it and its node without the cookie. */
export const LABELS = {
  role: 'dev.phoenix.role',
  app: 'dev.phoenix.app',
  nodeName: 'dev.phoenix.node.name',
  nodeMode: 'dev.phoenix.node.mode',
  httpPort: 'dev.phoenix.http.port',
} as const;

/** The dev container folder, relative to the project root, when the setting names none (or no valid one). */
export const DEFAULT_FOLDER = '.devcontainer';

/** The file that adds the dev container's settings to an adopted compose file. */
export const OVERRIDE_FILE = 'docker-compose.override.yml';

/** The release's compose file and .env live in this folder inside the dev container folder. */
export const RELEASE_FOLDER = 'release';

/** The entrypoint's argument that resets the database in a running dev container instead of starting it. */
export const RESET_DATABASE_ARGUMENT = 'reset-database';

/** How every line the entrypoint prints about its steps starts. */
export const STEP_MARKER = 'phoenix-dev-container:';
