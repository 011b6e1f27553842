import { join } from 'node:path';
import type { ComposeTarget } from './compose';
import { OVERRIDE_FILE } from './contract';
import { parseEnvFile } from './scaffold/files';

/**
 * A name made valid for compose the way compose v2 does it: only lowercase letters, digits, `_`
 * and `-`, starting with a letter or digit.
 */
export function composeDefaultName(folderName: string): string {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
  return name === '' ? 'phoenix' : name;
}

/**
 * The compose project name for a project's generated dev container. It is the name the Dev
 * Containers tooling gives a compose file kept in `.devcontainer/` (`<folder>_devcontainer`), so
 * both tools see the same containers.
 */
export function composeProjectName(folderName: string): string {
  return `${composeDefaultName(folderName)}_devcontainer`;
}

/**
 * The project name compose gives a compose file at the project root that the dev container adopted:
 * COMPOSE_PROJECT_NAME from the root .env, else the file's top-level `name:`, else the folder's name.
 */
export function adoptedComposeProjectName(rootEnvText: string | undefined, composeFileName: string | undefined, folderName: string): string {
  const fromEnv = rootEnvText === undefined ? undefined : parseEnvFile(rootEnvText)['COMPOSE_PROJECT_NAME']?.trim();
  return composeDefaultName(fromEnv || composeFileName?.trim() || folderName);
}

/**
 * The compose files of a project's dev container: the generated compose file in its folder, or
 * the project's own root compose file with the dev container's override on top (adoption).
 */
export function devContainerTarget(input: {
  readonly root: string;
  readonly devContainerDir: string;
  readonly adopted: boolean;
  readonly projectName: string;
  readonly rootComposeFile?: string;
}): ComposeTarget {
  return input.adopted
    ? {
      projectName: input.projectName,
      projectDirectory: input.root,
      files: [join(input.root, input.rootComposeFile ?? 'docker-compose.yml'), join(input.devContainerDir, OVERRIDE_FILE)],
    }
    : { projectName: input.projectName, projectDirectory: input.devContainerDir, files: [join(input.devContainerDir, 'docker-compose.yml')] };
}
