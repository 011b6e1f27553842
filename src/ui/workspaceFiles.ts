import * as vscode from 'vscode';

/** Project files larger than this are not read: no config file is, and a repository could hold anything. */
const MAX_TEXT_BYTES = 4 * 1024 * 1024;

/**
 * A file's text, or undefined when it does not exist, cannot be read, or is not a regular file
 * under MAX_TEXT_BYTES (a link to /dev/zero or a FIFO would never end).
 */
export function readText(uri: vscode.Uri): Promise<string | undefined> {
  return readTextUpTo(uri, MAX_TEXT_BYTES, () => undefined);
}

/**
 * A file's text, as readText gives it, unless it is larger than `maxBytes`: then undefined, and
 * `tooLarge` gets its size. For files read without a command, so that a stray huge file is
 * never loaded, let alone parsed.
 */
export async function readTextUpTo(uri: vscode.Uri, maxBytes: number, tooLarge: (bytes: number) => void): Promise<string | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.File) === 0) return undefined;
    if (stat.size > maxBytes) {
      tooLarge(stat.size);
      return undefined;
    }
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** The names of the folders directly inside `uri`; none when it is missing. */
export async function subfolders(uri: vscode.Uri): Promise<string[]> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(uri);
    return entries.filter(([, type]) => type === vscode.FileType.Directory).map(([name]) => name);
  } catch {
    return [];
  }
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}
