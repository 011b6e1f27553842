import { DEFAULT_FOLDER } from '../contract';


/**
 * A folder inside the project, relative to its root with `/` separators (`./tools\dev/` is
 * `tools/dev`); undefined when the path is not one (absolute, `..`, empty, control characters).
 */
export function folderInsideProject(path: string): string | undefined {
  const cleaned = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const parts = cleaned.split('/');
  if (cleaned === '' || /[\u0000-\u001f\u007f]/.test(cleaned) || cleaned.startsWith('/') || /^[A-Za-z]:/.test(cleaned) || parts.some((part) => part === '..' || part === '.' || part === '')) {
    return undefined;
  }
  return cleaned;
}

/**
 * The dev container folder a `phoenix.devContainerFolder` setting names (see folderInsideProject);
 * undefined when it is not a folder inside the project. The scaffolds then write to
 * DEFAULT_FOLDER, and the extension looks there.
 */
export function devContainerFolder(setting: string): string | undefined {
  return folderInsideProject(setting);
}

/**
 * The dev container folder a setting names, or DEFAULT_FOLDER when it names none inside the
 * project; then a note says so and ends with `fallback` (what was used instead, what to do).
 */
export function normalizeFolder(setting: string | undefined, notes: string[], fallback: string): string {
  const cleaned = devContainerFolder(setting ?? DEFAULT_FOLDER);
  if (cleaned === undefined) {
    notes.push(`The dev container folder "${setting ?? ''}" is not a folder inside the project, so ${fallback}`);
    return DEFAULT_FOLDER;
  }
  return cleaned;
}
