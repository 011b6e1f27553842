/**
 * The compose project name compose itself derives from a folder (and so the Dev Containers
 * tooling, for a compose file at the project root): only lowercase letters, digits, `_` and `-`,
 * starting with a letter or digit.
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
