export const DEFAULT_FOLDER = '.devcontainer';

/**
 * The dev container folder a `phoenix.devContainerFolder` setting names, relative to the project
 * root with `/` separators (`./tools\dev/` is `tools/dev`); undefined when it is not a folder
 * inside the project (absolute, `..`, empty). The scaffolds then write to DEFAULT_FOLDER, and the
 * extension looks there.
 */
export function devContainerFolder(setting: string): string | undefined {
  const cleaned = setting.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const parts = cleaned.split('/');
  if (cleaned === '' || /[\u0000-\u001f]/.test(cleaned) || cleaned.startsWith('/') || /^[A-Za-z]:/.test(cleaned) || parts.some((part) => part === '..' || part === '.' || part === '')) {
    return undefined;
  }
  return cleaned;
}
