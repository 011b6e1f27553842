/**
 * The compose project name for a project folder. It is the name the Dev Containers tooling gives
 * a compose file kept in `.devcontainer/` (`<folder>_devcontainer`), so both tools see the same
 * containers. Compose accepts only lowercase letters, digits, `_` and `-`, starting with a letter
 * or digit, so everything else is dropped.
 */
export function composeProjectName(folderName: string): string {
  const base = normalize(folderName);
  return `${base === '' ? 'phoenix' : base}_devcontainer`;
}

function normalize(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}
