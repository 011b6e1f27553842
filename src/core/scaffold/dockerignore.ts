/** The dev image's build context is the dev container folder, which holds the .env files. */
export const DEV_DOCKERIGNORE = `# The dev image copies nothing from this folder, its build context: the secrets in the .env files
# here (the Erlang cookie, the release's) are never sent to the Docker engine.
**/.env
**/.env.*
`;
