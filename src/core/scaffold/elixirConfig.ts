/**
 * Just enough of an Elixir reader for config files: finds `config` statements, keyword values
 * and bracketed lists in comment-blanked source (see blankComments), where offsets are offsets
 * in the original text.
 */

/** An exact edit of a project file: replace the only occurrence of `find` with `replace`. */
export interface TextEdit {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
}

export interface ConfigStatement {
  /** The application (`config :my_app, ...`). */
  readonly app: string;
  /** The second argument when it is a module or atom (`MyAppWeb.Endpoint`, `:backend`). */
  readonly key: string | undefined;
  readonly start: number;
  readonly end: number;
}

const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);
const SIGIL_CLOSERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>', '"': '"', "'": "'", '/': '/', '|': '|' };

/**
 * Scans from `from` and returns the offset where the scan stops: at `stop(char, depth)` for a
 * character outside strings and sigils, or at the end. Depth counts open brackets since `from`.
 */
function scan(code: string, from: number, stop: (char: string, depth: number, at: number) => boolean): number {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const char = code.charAt(i);
    if (char === '"') {
      i = skipQuoted(code, i, '"');
      continue;
    }
    // `?x` is a character literal, but `valid?(` ends a function name.
    if (char === '?' && i + 1 < code.length && !/\w/.test(code.charAt(i - 1))) {
      i += code[i + 1] === '\\' ? 2 : 1;
      continue;
    }
    if (char === '~' && /[a-zA-Z]/.test(code.charAt(i + 1))) {
      let j = i + 1;
      while (/[a-zA-Z]/.test(code.charAt(j))) j++;
      const closer = SIGIL_CLOSERS[code.charAt(j)];
      if (closer !== undefined) {
        i = skipQuoted(code, j, closer);
        continue;
      }
    }
    if (stop(char, depth, i)) return i;
    if (OPENERS[char] !== undefined) depth++;
    else if (CLOSERS.has(char)) depth--;
  }
  return code.length;
}

/** The offset of the closing delimiter of a quoted text that opens at `open`. */
function skipQuoted(code: string, open: number, closer: string): number {
  for (let i = open + 1; i < code.length; i++) {
    const char = code.charAt(i);
    if (char === '\\') i++;
    else if (char === closer) return i;
  }
  return code.length;
}

const CONFIG_CALL = /(?<=^|\n)[ \t]*config\s+:([a-z_][a-zA-Z0-9_]*)\s*,\s*(:?[A-Za-z_][\w.]*)?/g;

/**
 * Every `config :app, ...` statement, at any indentation and outside strings. A statement ends
 * at a newline outside its brackets that does not follow a `,`, or where the next one starts.
 * One scan of the file finds every end, so the work stays linear in the file's length.
 */
export function configStatements(code: string): ConfigStatement[] {
  const calls = [...code.matchAll(CONFIG_CALL)].map((match) => {
    const start = match.index + match[0].length - match[0].trimStart().length;
    const key = match[2] !== undefined && /^(:|[A-Z])/.test(match[2]) ? match[2] : undefined;
    return { app: match[1] ?? '', key, start };
  });
  const statements: ConfigStatement[] = [];
  let next = 0;
  let open: { readonly call: (typeof calls)[number]; readonly depth: number } | undefined;
  let last = '';
  const close = (end: number): void => {
    if (open !== undefined) statements.push({ ...open.call, end });
    open = undefined;
  };
  scan(code, 0, (char, depth, at) => {
    // A call the scan never visits is inside a string or sigil, not a statement.
    while (next < calls.length && (calls[next]?.start ?? 0) < at) next++;
    const call = calls[next];
    if (call?.start === at) {
      close(at);
      open = { call, depth };
      next++;
    } else if (char === '\n' && open?.depth === depth && last !== ',') {
      close(at);
    }
    if (!/\s/.test(char)) last = char;
    return false;
  });
  close(code.length);
  return statements;
}

/** The span of the value of `key:` at the top level of [from, to), e.g. `[ip: ..., port: 4000]`. */
export function keywordValue(code: string, from: number, to: number, key: string): { start: number; end: number } | undefined {
  const pattern = new RegExp(`(?<![\\w:])${key}:\\s*`, 'y');
  let start: number | undefined;
  // Only keys at depth 0 of the searched range count: `url: [port: 443]` holds no top-level port.
  scan(code, from, (char, depth, at) => {
    if (at >= to) return true;
    if (depth !== 0 || char !== key.charAt(0)) return false;
    pattern.lastIndex = at;
    const match = pattern.exec(code);
    if (match !== null) start = at + match[0].length;
    return match !== null;
  });
  if (start === undefined || start > to) return undefined;
  const valueStart = start;
  const end = scan(code, valueStart, (char, depth, at) => at >= to || (depth === 0 && (char === ',' || CLOSERS.has(char))));
  return { start: valueStart, end: trimEnd(code, valueStart, Math.min(end, to)) };
}

function trimEnd(code: string, start: number, end: number): number {
  let result = end;
  while (result > start && /\s/.test(code.charAt(result - 1))) result--;
  return result;
}

/** The inside of the bracketed list that starts at `open` (which holds `[`), as [start, end). */
export function listInside(code: string, open: number): { start: number; end: number } {
  const close = scan(code, open, (char, depth) => CLOSERS.has(char) && depth === 1);
  return { start: open + 1, end: close };
}

/** The items of the bracketed list that starts at `open`, each as [start, end) without surrounding spaces. */
export function listItems(code: string, open: number): { start: number; end: number }[] {
  const inside = listInside(code, open);
  const items: { start: number; end: number }[] = [];
  let start = inside.start;
  for (;;) {
    const end = scan(code, start, (char, depth, at) => at >= inside.end || (depth === 0 && char === ','));
    const stop = Math.min(end, inside.end);
    let from = start;
    while (from < stop && /\s/.test(code.charAt(from))) from++;
    if (from < stop) items.push({ start: from, end: trimEnd(code, from, stop) });
    if (stop >= inside.end) return items;
    start = stop + 1;
  }
}

/** The text of a string literal value (`"localhost"`), or undefined for any other expression. */
export function stringLiteral(text: string): string | undefined {
  const match = /^"((?:[^"\\#]|\\.)*)"$/.exec(text.trim());
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

/** Lines of context makeEdit adds at most: past that the edit stays ambiguous, and applying it says so. */
const MAX_CONTEXT_LINES = 20;

/**
 * Replaces [start, end) of `original` by `replacement`, as an edit whose `find` occurs exactly
 * once in the file: when the span alone is ambiguous, whole lines before it are added until it
 * is not (up to MAX_CONTEXT_LINES).
 */
export function makeEdit(file: string, original: string, start: number, end: number, replacement: string): TextEdit {
  let from = start;
  let find = original.slice(from, end);
  for (let added = 0; added < MAX_CONTEXT_LINES && from > 0 && !occursOnce(original, find); added++) {
    // The start of the line before the one `from` is in (from - 1 may be that line's newline).
    from = from >= 2 ? original.lastIndexOf('\n', from - 2) + 1 : 0;
    find = original.slice(from, end);
  }
  return { file, find, replace: original.slice(from, start) + replacement };
}

/**
 * Whether `part` occurs exactly once in `text`, by Knuth-Morris-Pratt: linear in their lengths,
 * where indexOf takes time proportional to their product on repetitive text.
 */
function occursOnce(text: string, part: string): boolean {
  if (part === '') return text === '';
  // fallback[i]: the length of the longest proper prefix of part[0..i] that is also its suffix.
  const fallback = new Int32Array(part.length);
  for (let i = 1, k = 0; i < part.length; i++) {
    while (k > 0 && part.charCodeAt(i) !== part.charCodeAt(k)) k = fallback[k - 1] ?? 0;
    if (part.charCodeAt(i) === part.charCodeAt(k)) k++;
    fallback[i] = k;
  }
  let found = 0;
  for (let i = 0, k = 0; i < text.length; i++) {
    while (k > 0 && text.charCodeAt(i) !== part.charCodeAt(k)) k = fallback[k - 1] ?? 0;
    if (text.charCodeAt(i) === part.charCodeAt(k)) k++;
    if (k === part.length) {
      if (++found > 1) return false;
      k = fallback[k - 1] ?? 0;
    }
  }
  return found === 1;
}
