/** Planning the scaffold's writes so that no existing file is lost, and merging the two files it shares. */

/** A file the scaffold wants to write, relative to the project root. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  /** Unix permissions for a new file (the entrypoint is executable). */
  readonly mode?: number;
  /**
   * How to combine the file with an existing one instead of replacing it: `env` adds missing
   * keys to a .env file, `gitignore` adds the lines no existing pattern covers yet, `lines` adds
   * the lines the file does not have yet.
   */
  readonly merge?: 'env' | 'gitignore' | 'lines';
}

export type WritePlan =
  | { readonly path: string; readonly action: 'create'; readonly content: string; readonly mode?: number }
  | { readonly path: string; readonly action: 'unchanged' }
  /** A merge that keeps every existing line and only adds. */
  | { readonly path: string; readonly action: 'update'; readonly oldContent: string; readonly content: string }
  /** The file exists with other content: the user decides. */
  | { readonly path: string; readonly action: 'conflict'; readonly oldContent: string; readonly content: string; readonly mode?: number };

/** Decides, for each file, whether writing it creates, changes nothing, only adds, or conflicts. */
export function planWrites(files: readonly RenderedFile[], existing: Readonly<Record<string, string | undefined>>): WritePlan[] {
  return files.map((file): WritePlan => {
    const old = existing[file.path];
    if (old === undefined) return { path: file.path, action: 'create', content: file.content, ...(file.mode !== undefined && { mode: file.mode }) };
    if (file.merge !== undefined) {
      const merged = mergeInto(old, file.content, file.merge);
      return merged === old ? { path: file.path, action: 'unchanged' } : { path: file.path, action: 'update', oldContent: old, content: merged };
    }
    // A checkout with CRLF line endings holds the same file.
    if (old.replace(/\r\n/g, '\n') === file.content) return { path: file.path, action: 'unchanged' };
    return { path: file.path, action: 'conflict', oldContent: old, content: file.content, ...(file.mode !== undefined && { mode: file.mode }) };
  });
}

/** `KEY=`; the value after it is trimmed by hand, as `(.*?)\s*$` would rescan a long run of spaces from each of its positions. */
const ENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** The KEY=value pairs of a .env file (quotes removed, comments skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = ENV_LINE.exec(line);
    if (match?.[1] === undefined || line.trimStart().startsWith('#')) continue;
    const value = line.slice(match[0].length).trim();
    // A line break inside the value (a lone CR) makes the line no assignment.
    if (/[\r\u2028\u2029]/.test(value)) continue;
    values[match[1]] = value.replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
  }
  return values;
}

/**
 * Adds the wanted keys that `existingText` lacks or leaves empty, and keeps everything else as
 * it is: values (a cookie is never rotated), other lines and comments.
 */
export function mergeEnvFile(existingText: string, wanted: Readonly<Record<string, string>>): string {
  const eol = existingText.includes('\r\n') ? '\r\n' : '\n';
  const present = parseEnvFile(existingText);
  const lines = existingText.split(/\r?\n/);
  const added: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    if (present[key] === undefined) {
      added.push(`${key}=${value}`);
    } else if (present[key] === '') {
      const index = lines.findIndex((line) => ENV_LINE.exec(line)?.[1] === key && !line.trimStart().startsWith('#'));
      lines[index] = `${key}=${value}`;
    }
  }
  let result = lines.join(eol);
  if (added.length > 0) result = `${result === '' || result.endsWith(eol) ? result : result + eol}${added.join(eol)}${eol}`;
  return result;
}

function mergeInto(existing: string, rendered: string, merge: NonNullable<RenderedFile['merge']>): string {
  switch (merge) {
    case 'env':
      return mergeEnvFile(existing, parseEnvFile(rendered));
    case 'gitignore':
      return mergeGitignore(existing, ruleLines(rendered));
    case 'lines':
      return mergeLines(existing, rendered);
  }
}

/** Appends the lines of `rendered` (comments included) that `existing` lacks, in their order. */
export function mergeLines(existing: string, rendered: string): string {
  // The same rule with other spacing is the same rule.
  const normalize = (line: string): string => line.trim().replace(/\s+/g, ' ');
  const present = new Set(existing.split(/\r?\n/).map(normalize));
  if (ruleLines(rendered).every((rule) => present.has(normalize(rule)))) return existing;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const missing = rendered.split('\n').filter((line) => line.trim() !== '' && !present.has(normalize(line)));
  const separator = existing === '' ? '' : existing.endsWith(eol) ? eol : eol + eol;
  return `${existing}${separator}${missing.join(eol)}${eol}`;
}

/** The lines of a .gitignore or .gitattributes text that are rules: not blank, not comments. */
function ruleLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

const GITIGNORE_HEADER = '# Dev container secrets (docker compose reads them; never commit them)';

/**
 * Adds each of `lines` (root-relative patterns such as `/.devcontainer/.env`) unless the
 * existing patterns already ignore that path (`.env`, `**\/.env`, `.devcontainer/`...).
 */
export function mergeGitignore(existingText: string | undefined, lines: readonly string[]): string {
  const existing = existingText ?? '';
  const rules = existing.split(/\r?\n/).flatMap((line) => compileGitignoreLine(line) ?? []);
  const missing = lines.filter((line) => !isIgnored(rules, line.replace(/^\/+/, '').replace(/\\(.)/g, '$1')));
  if (missing.length === 0) return existing;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' ? '' : existing.endsWith(eol) ? eol : eol + eol;
  return `${existing}${separator}${[GITIGNORE_HEADER, ...missing].join(eol)}${eol}`;
}

interface GitignoreRule {
  readonly negated: boolean;
  readonly directoryOnly: boolean;
  readonly regex: RegExp;
}

/**
 * Longer lines are left out: no rule that long is about the short paths the scaffold adds, and
 * the regular expression of one past about 32K characters does not even compile.
 */
const MAX_RULE_LENGTH = 4096;

function compileGitignoreLine(line: string): GitignoreRule | undefined {
  if (line.length > MAX_RULE_LENGTH) return undefined;
  let pattern = withoutTrailingSpaces(line);
  if (pattern === '' || pattern.startsWith('#')) return undefined;
  const negated = pattern.startsWith('!');
  if (negated) pattern = pattern.slice(1);
  else if (pattern.startsWith('\\!') || pattern.startsWith('\\#')) pattern = pattern.slice(1);
  const directoryOnly = pattern.endsWith('/');
  if (directoryOnly) pattern = pattern.slice(0, -1);
  // A slash anywhere but at the end anchors the pattern to the .gitignore's folder.
  const anchored = pattern.includes('/');
  pattern = pattern.replace(/^\//, '');
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (pattern.startsWith('**/', i) && (i === 0 || pattern[i - 1] === '/')) {
      body += '(?:.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i) && i + 2 === pattern.length && pattern[i - 1] === '/') {
      body += '.*';
      i += 1;
    } else if (char === '*') {
      // A run of stars is one star; in the regex, each would multiply the ways to split a name.
      if (!body.endsWith('[^/]*')) body += '[^/]*';
    } else if (char === '?') {
      body += '[^/]';
    } else if (char === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const inside = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      body += `[${inside}]`;
      i = end;
    } else if (char === '\\' && i + 1 < pattern.length) {
      body += escapeRegExp(pattern.charAt(++i));
    } else {
      body += escapeRegExp(char);
    }
  }
  return { negated, directoryOnly, regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) };
}

/** The line without trailing whitespace, unless escaped with a backslash (`foo\ ` keeps its space). */
function withoutTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && /\s/.test(line.charAt(end - 1))) end--;
  return end < line.length && line.charAt(end - 1) === '\\' ? line.slice(0, end + 1) : line.slice(0, end);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Git's rule: a path is ignored when it or a folder above it is; the last matching rule wins. */
function isIgnored(rules: readonly GitignoreRule[], path: string): boolean {
  const parts = path.split('/');
  for (let depth = 1; depth <= parts.length; depth++) {
    const candidate = parts.slice(0, depth).join('/');
    const isDirectory = depth < parts.length;
    let ignored = false;
    for (const rule of rules) {
      if ((!rule.directoryOnly || isDirectory) && rule.regex.test(candidate)) ignored = !rule.negated;
    }
    if (ignored || !isDirectory) return ignored;
  }
  return false;
}
