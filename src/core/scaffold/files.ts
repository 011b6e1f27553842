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
  /** A merge that only appends: `content` is `oldContent` and the added lines, as bytes (see ByteString). */
  | { readonly path: string; readonly action: 'update'; readonly oldContent: ByteString; readonly content: ByteString }
  /** The file exists with other content: the user decides. */
  | { readonly path: string; readonly action: 'conflict'; readonly oldContent: ByteString; readonly content: string; readonly mode?: number };

/**
 * A file's bytes as a string of one character per byte (latin1). String operations on it keep
 * every byte as it was, whatever the file's encoding; for ASCII it is the text itself.
 */
export type ByteString = string;

export function byteString(bytes: Uint8Array): ByteString {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The bytes of a ByteString. */
export function stringBytes(bytes: ByteString): Buffer {
  return Buffer.from(bytes, 'latin1');
}

/** Generated text as the bytes a file gets (UTF-8), in ByteString form. */
function utf8Bytes(text: string): ByteString {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const UTF8_BOM = '\u00ef\u00bb\u00bf';

/** The text merges parse: without the byte order mark a Windows editor may have put first. */
function withoutBom(text: ByteString): ByteString {
  return text.startsWith(UTF8_BOM) ? text.slice(UTF8_BOM.length) : text.replace(/^\uFEFF/, '');
}

/**
 * Decides whether writing a file creates it, changes nothing, only appends, or conflicts. `old`
 * is the file that exists, as a ByteString.
 */
export function planWrite(file: RenderedFile, old: ByteString | undefined): WritePlan {
  if (old === undefined) return { path: file.path, action: 'create', content: file.content, ...(file.mode !== undefined && { mode: file.mode }) };
  const generated = utf8Bytes(file.content);
  // A file in another encoding (UTF-16 has NUL bytes) cannot take appended UTF-8 lines.
  if (file.merge !== undefined && !old.includes('\0')) {
    const merged = mergeInto(old, generated, file.merge);
    return merged === old ? { path: file.path, action: 'unchanged' } : { path: file.path, action: 'update', oldContent: old, content: merged };
  }
  // A checkout with CRLF line endings holds the same file.
  if (old.replace(/\r\n/g, '\n') === generated) return { path: file.path, action: 'unchanged' };
  return { path: file.path, action: 'conflict', oldContent: old, content: file.content, ...(file.mode !== undefined && { mode: file.mode }) };
}

/** `KEY=`; the value after it is trimmed by hand, as `(.*?)\s*$` would rescan a long run of spaces from each of its positions. */
const ENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** The KEY=value assignments of a .env file, in order (quotes removed, comments skipped). */
function envAssignments(text: string): { key: string; value: string; line: string }[] {
  const assignments: { key: string; value: string; line: string }[] = [];
  for (const line of withoutBom(text).split(/\r?\n/)) {
    const match = ENV_LINE.exec(line);
    if (match?.[1] === undefined || line.trimStart().startsWith('#')) continue;
    const value = line.slice(match[0].length).trim();
    // A line break inside the value (a lone CR) makes the line no assignment.
    if (/[\r\u2028\u2029]/.test(value)) continue;
    assignments.push({ key: match[1], value: value.replace(/^"(.*)"$|^'(.*)'$/, '$1$2'), line });
  }
  return assignments;
}

/** The KEY=value pairs of a .env file (quotes removed, comments skipped); the last of a key counts, as for compose. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { key, value } of envAssignments(text)) values[key] = value;
  return values;
}

/**
 * Appends the wanted keys that `existingText` lacks or whose last value is empty, and leaves
 * every existing byte as it is. A key whose last line is empty gets the user's last non-empty
 * value again (a cookie is never rotated), else the wanted one: compose reads the last line.
 */
export function mergeEnvFile(existingText: ByteString, wanted: Readonly<Record<string, string>>): ByteString {
  const eol = existingText.includes('\r\n') ? '\r\n' : '\n';
  const assignments = envAssignments(existingText);
  const added: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const own = assignments.filter((assignment) => assignment.key === key);
    if (own.length > 0 && own[own.length - 1]?.value !== '') continue;
    const lastValue = own.filter((assignment) => assignment.value !== '').pop();
    added.push(lastValue === undefined ? `${key}=${value}` : lastValue.line.trim());
  }
  if (added.length === 0) return existingText;
  const separator = existingText === '' || existingText.endsWith('\n') ? '' : eol;
  return `${existingText}${separator}${added.join(eol)}${eol}`;
}

function mergeInto(existing: ByteString, rendered: ByteString, merge: NonNullable<RenderedFile['merge']>): ByteString {
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
export function mergeLines(existing: ByteString, rendered: ByteString): ByteString {
  // The same rule with other spacing is the same rule.
  const normalize = (line: string): string => line.trim().replace(/\s+/g, ' ');
  const present = new Set(withoutBom(existing).split(/\r?\n/).map(normalize));
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
export function mergeGitignore(existingText: ByteString | undefined, lines: readonly string[]): ByteString {
  const existing = existingText ?? '';
  const rules = withoutBom(existing).split(/\r?\n/).flatMap((line) => compileGitignoreLine(line) ?? []);
  const missing = lines.filter((line) => !isIgnored(rules, line.replace(/^\/+/, '').replace(/\\(.)/g, '$1')));
  if (missing.length === 0) return existing;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' ? '' : existing.endsWith(eol) ? eol : eol + eol;
  return `${existing}${separator}${[GITIGNORE_HEADER, ...missing].join(eol)}${eol}`;
}

interface GitignoreRule {
  readonly negated: boolean;
  readonly directoryOnly: boolean;
  readonly pattern: readonly GlobPart[];
}

/**
 * A piece of a gitignore pattern. Patterns are matched by globMatches rather than as regular
 * expressions: a pattern such as `**\/**\/…` or `*a*a*…` makes a backtracking regex take
 * exponential time, and the .gitignore is the project's.
 */
type GlobPart =
  /** One character: a literal, `?` or a `[...]` class. */
  | { readonly kind: 'char'; readonly matches: (char: string) => boolean }
  /** `*`: any characters but `/`. */
  | { readonly kind: 'star' }
  /** `**\/`: any folders, or none. */
  | { readonly kind: 'folders' }
  /** A final `/**`: everything inside. */
  | { readonly kind: 'everything' };

function compileGitignoreLine(line: string): GitignoreRule | undefined {
  let pattern = withoutTrailingSpaces(line);
  if (pattern === '' || pattern.startsWith('#')) return undefined;
  const negated = pattern.startsWith('!');
  if (negated) pattern = pattern.slice(1);
  else if (pattern.startsWith('\\!') || pattern.startsWith('\\#')) pattern = pattern.slice(1);
  const directoryOnly = pattern.endsWith('/');
  if (directoryOnly) pattern = pattern.slice(0, -1);
  // A slash anywhere but at the end anchors the pattern to the .gitignore's folder.
  const parts: GlobPart[] = pattern.includes('/') ? [] : [{ kind: 'folders' }];
  pattern = pattern.replace(/^\//, '');
  const literal = (expected: string): GlobPart => ({ kind: 'char', matches: (char) => char === expected });
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (pattern.startsWith('**/', i) && (i === 0 || pattern[i - 1] === '/')) {
      parts.push({ kind: 'folders' });
      i += 2;
    } else if (pattern.startsWith('**', i) && i + 2 === pattern.length && pattern[i - 1] === '/') {
      parts.push({ kind: 'everything' });
      i += 1;
    } else if (char === '*') {
      parts.push({ kind: 'star' });
    } else if (char === '?') {
      parts.push({ kind: 'char', matches: (candidate) => candidate !== '/' });
    } else if (char === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const inside = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      let members: RegExp;
      try {
        members = new RegExp(`^[${inside}]$`);
      } catch {
        // A class git reads and JavaScript does not, such as the range [z-a]: no rule for these paths.
        return undefined;
      }
      parts.push({ kind: 'char', matches: (candidate) => candidate !== '/' && members.test(candidate) });
      i = end;
    } else if (char === '\\' && i + 1 < pattern.length) {
      parts.push(literal(pattern.charAt(++i)));
    } else {
      parts.push(literal(char));
    }
  }
  return { negated, directoryOnly, pattern: parts };
}

/** The line without trailing whitespace, unless escaped with a backslash (`foo\ ` keeps its space). */
function withoutTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && /\s/.test(line.charAt(end - 1))) end--;
  return end < line.length && line.charAt(end - 1) === '\\' ? line.slice(0, end + 1) : line.slice(0, end);
}

/**
 * Whether a glob matches all of `path`: the set of path offsets each part can end at, part after
 * part, in time proportional to the pattern's length times the path's.
 */
function globMatches(pattern: readonly GlobPart[], path: string): boolean {
  let ends = Array.from({ length: path.length + 1 }, (_, offset) => offset === 0);
  for (const part of pattern) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    // Whether an earlier offset is an end (for `**` parts), or one before a run without `/` (for `*`).
    let before = false;
    for (let offset = 0; offset <= path.length; offset++) {
      const previous = path.charAt(offset - 1);
      const reachedBefore = offset > 0 && ends[offset - 1] === true;
      switch (part.kind) {
        case 'char':
          next[offset] = reachedBefore && part.matches(previous);
          break;
        case 'star':
          before = ends[offset] === true || (before && previous !== '/');
          next[offset] = before;
          break;
        case 'folders':
          before ||= reachedBefore;
          next[offset] = ends[offset] === true || (before && previous === '/');
          break;
        case 'everything':
          before ||= ends[offset] === true;
          next[offset] = before;
          break;
      }
    }
    if (!next.includes(true)) return false;
    ends = next;
  }
  return ends[path.length] === true;
}

/** Git's rule: a path is ignored when it or a folder above it is; the last matching rule wins. */
function isIgnored(rules: readonly GitignoreRule[], path: string): boolean {
  const parts = path.split('/');
  for (let depth = 1; depth <= parts.length; depth++) {
    const candidate = parts.slice(0, depth).join('/');
    const isDirectory = depth < parts.length;
    let ignored = false;
    for (const rule of rules) {
      if ((!rule.directoryOnly || isDirectory) && globMatches(rule.pattern, candidate)) ignored = !rule.negated;
    }
    if (ignored || !isDirectory) return ignored;
  }
  return false;
}
