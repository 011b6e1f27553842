/*
 * ExUnit tests found in a test file's source text, without Elixir: one pass over the text that
 * skips strings, charlists, sigils, heredocs and comments, counts do/fn … end blocks and notes
 * `defmodule`, `describe`, `test` and `doctest` with their lines. Linear in the text's length.
 */

export type DiscoveredKind = 'module' | 'describe' | 'test' | 'doctest';

export interface DiscoveredEntry {
  readonly kind: DiscoveredKind;
  /** A module's or doctested module's name; a describe's or test's name as written (interpolations kept as `#{…}`). */
  readonly name: string;
  /** 1-based. */
  readonly line: number;
  /** The names of the `@tag`s written right before a test (`@tag :skip`, `@tag slow: true`). */
  readonly tags: readonly string[];
  readonly children: readonly DiscoveredEntry[];
}

/** A test file larger than this is not read for tests: no real one comes near it. */
export const MAX_TEST_FILE_LENGTH = 2 * 1024 * 1024;
/** Blocks nested deeper than this are still counted, but entries in them are not kept apart. */
const MAX_OPEN_ENTRIES = 64;
/** Strings inside interpolations nested deeper than this are not read (their braces still are): the recursion stays bounded. */
const MAX_NESTED_INTERPOLATIONS = 16;
/** The most of an `@tag` attribute read for its tags' names. */
const MAX_ATTRIBUTE_LENGTH = 512;

interface OpenEntry {
  readonly entry: MutableEntry;
  /** The block depth inside the entry's `do`. */
  readonly depth: number;
}

interface MutableEntry {
  kind: DiscoveredKind;
  name: string;
  line: number;
  tags: string[];
  children: MutableEntry[];
}

const CLOSING: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>', '/': '/', '|': '|', '"': '"', "'": "'" };

/** The modules of a test file with their describe blocks, tests and doctests. */
export function discoverTests(source: string): DiscoveredEntry[] {
  if (source.length > MAX_TEST_FILE_LENGTH) return [];
  return new Scanner(source).scan();
}

class Scanner {
  private index = 0;
  private line = 1;
  private depth = 0;
  private readonly roots: MutableEntry[] = [];
  private readonly open: OpenEntry[] = [];
  /** An entry seen whose `do` has not come yet, and the tags waiting for the next test. */
  private pending: MutableEntry | undefined;
  private pendingTags: string[] = [];
  /** Where the last `@tag` read for its tags' names ends: an `@` before it is part of that attribute. */
  private tagReadTo = 0;
  /** How many interpolations the index is inside: strings in them are read by recursion. */
  private interpolations = 0;

  constructor(private readonly text: string) {}

  scan(): DiscoveredEntry[] {
    const { text } = this;
    while (this.index < text.length) {
      const char = text[this.index] ?? '';
      if (char === '\n') {
        this.line += 1;
        this.index += 1;
      } else if (char === '#') {
        this.skipComment();
      } else if (char === '"' || char === "'") {
        this.readString();
      } else if (char === '~' && /[a-zA-Z]/.test(text[this.index + 1] ?? '')) {
        this.readSigil();
      } else if (char === '?' && this.index + 1 < text.length && !isWordChar(text[this.index - 1] ?? '')) {
        // A character literal such as ?" or ?#: its character is no quote nor comment.
        this.index += text[this.index + 1] === '\\' ? 3 : 2;
      } else if (char === '@') {
        this.readAttribute();
      } else if (isWordStart(char) && !isWordChar(text[this.index - 1] ?? '')) {
        this.readWord();
      } else {
        this.index += 1;
      }
    }
    return this.roots;
  }

  private readWord(): void {
    const start = this.index;
    while (this.index < this.text.length && isWordChar(this.text[this.index] ?? '')) this.index += 1;
    if (this.text[this.index] === '?' || this.text[this.index] === '!') this.index += 1;
    const word = this.text.slice(start, this.index);
    const before = this.text[start - 1] ?? '';
    // A keyword key (`do:`), an atom (`:do`) or a remote call (`Kernel.test`) is not one of ours.
    const isKey = this.text[this.index] === ':' && this.text[this.index + 1] !== ':';
    if (isKey || before === ':' || before === '.') return;
    switch (word) {
      case 'do':
        this.openBlock();
        return;
      case 'fn':
        this.depth += 1;
        return;
      case 'end':
        this.closeBlock();
        return;
      case 'defmodule':
        this.readModule();
        return;
      case 'describe':
      case 'test':
        this.readNamed(word);
        return;
      case 'doctest':
        this.readDoctest();
        return;
      default:
    }
  }

  private openBlock(): void {
    this.depth += 1;
    const entry = this.pending;
    this.pending = undefined;
    if (entry === undefined || entry.kind === 'test' || this.open.length >= MAX_OPEN_ENTRIES) return;
    this.open.push({ entry, depth: this.depth });
  }

  private closeBlock(): void {
    while (this.open.length > 0 && (this.open[this.open.length - 1]?.depth ?? 0) >= this.depth) this.open.pop();
    this.depth = Math.max(0, this.depth - 1);
  }

  private add(entry: MutableEntry): void {
    const parent = this.open[this.open.length - 1]?.entry;
    if (parent === undefined) this.roots.push(entry);
    else parent.children.push(entry);
  }

  private readModule(): void {
    const line = this.line;
    this.skipBlanks();
    const match = /^[A-Z][\w.]*/.exec(this.text.slice(this.index, this.index + 512));
    if (match === null) return;
    this.index += match[0].length;
    const entry: MutableEntry = { kind: 'module', name: match[0], line, tags: [], children: [] };
    this.add(entry);
    this.pending = entry;
  }

  private readNamed(kind: 'describe' | 'test'): void {
    const line = this.line;
    this.skipBlanks();
    if (this.text[this.index] === '(') {
      this.index += 1;
      this.skipBlanks();
    }
    const char = this.text[this.index];
    let name: string | undefined;
    if (char === '"' || char === "'") name = this.readString();
    else if (char === '~' && /[a-zA-Z]/.test(this.text[this.index + 1] ?? '')) name = this.readSigil();
    // `test` with no literal name (a variable in a macro, a function named test) is not a test we can place.
    if (name === undefined || this.open.length === 0) return;
    const entry: MutableEntry = { kind, name, line, tags: kind === 'test' ? this.pendingTags : [], children: [] };
    if (kind === 'test') this.pendingTags = [];
    this.add(entry);
    this.pending = entry;
  }

  private readDoctest(): void {
    const line = this.line;
    this.skipBlanks();
    const match = /^[A-Z][\w.]*/.exec(this.text.slice(this.index, this.index + 512));
    if (match === null || this.open.length === 0) return;
    this.index += match[0].length;
    this.add({ kind: 'doctest', name: match[0], line, tags: [], children: [] });
  }

  /** `@tag :skip`, `@tag slow: true, timeout: 10`: the names, for the next test. */
  private readAttribute(): void {
    const inRead = this.index < this.tagReadTo;
    this.index += 1;
    if (inRead) return;
    const match = /^(tag|moduletag|describetag)\b[ \t(]*/.exec(this.text.slice(this.index, this.index + 32));
    if (match === null) return;
    this.index += match[0].length;
    if (match[1] !== 'tag') return;
    this.tagReadTo = this.attributeEnd();
    const rest = this.text.slice(this.index, this.tagReadTo);
    const atom = /^:(\w+[?!]?)/.exec(rest);
    if (atom?.[1] !== undefined) {
      this.pendingTags.push(atom[1]);
      return;
    }
    for (const key of rest.matchAll(/(?:^|[,\s])(\w+[?!]?):\s/g)) if (key[1] !== undefined) this.pendingTags.push(key[1]);
  }

  /**
   * Where the attribute at the index ends for reading its tags: at the end of its line, an `@`
   * that begins another attribute (after a blank, before a letter; not `"a@b"`) or
   * MAX_ATTRIBUTE_LENGTH on. Attributes never share what is read of them (an `@` inside what was
   * read is not read again), so a line of many `@tag`s is read once.
   */
  private attributeEnd(): number {
    const limit = Math.min(this.text.length, this.index + MAX_ATTRIBUTE_LENGTH);
    let end = this.index;
    while (end < limit && this.text[end] !== '\n' && !this.beginsAttribute(end)) end += 1;
    return end;
  }

  private beginsAttribute(at: number): boolean {
    return this.text[at] === '@' && /[ \t]/.test(this.text[at - 1] ?? '') && /[a-z]/.test(this.text[at + 1] ?? '');
  }

  private skipBlanks(): void {
    while (this.text[this.index] === ' ' || this.text[this.index] === '\t') this.index += 1;
  }

  private skipComment(): void {
    const end = this.text.indexOf('\n', this.index);
    this.index = end === -1 ? this.text.length : end;
  }

  /** A string, charlist or quoted atom at the index; returns its content (escapes resolved, interpolations as written). */
  private readString(): string {
    const quote = this.text[this.index] ?? '"';
    if (this.text.startsWith(quote.repeat(3), this.index)) return this.readHeredoc(quote);
    this.index += 1;
    return this.readUntil(quote, undefined, true);
  }

  /** A sigil at the index (`~s(…)`, `~r/…/i`, `~S"""…"""`): its content. */
  private readSigil(): string {
    const interpolates = /[a-z]/.test(this.text[this.index + 1] ?? '');
    this.index += 2;
    // Elixir 1.15 allows multi-letter uppercase sigils.
    while (/[A-Z]/.test(this.text[this.index] ?? '')) this.index += 1;
    const open = this.text[this.index] ?? '';
    const close = CLOSING[open];
    if (close === undefined) return '';
    let content: string;
    if ((open === '"' || open === "'") && this.text.startsWith(open.repeat(3), this.index)) {
      content = this.readHeredoc(open);
    } else {
      this.index += 1;
      content = this.readUntil(close, open === close ? undefined : open, interpolates);
    }
    while (/[a-zA-Z]/.test(this.text[this.index] ?? '')) this.index += 1;
    return content;
  }

  private readHeredoc(quote: string): string {
    this.index += 3;
    const start = this.index;
    const closing = new RegExp(`\\n[ \\t]*${quote === '"' ? '"' : "'"}{3}`, 'g');
    closing.lastIndex = this.index;
    // The closing quotes only count at the start of a line; interpolations cannot hide them.
    const found = closing.exec(this.text);
    const end = found === null ? this.text.length : found.index + found[0].length;
    this.countLines(start, end);
    this.index = end;
    return this.text.slice(start, found === null ? end : found.index);
  }

  /**
   * Reads up to the unescaped `close` (nesting `open` when the delimiters differ, as `(` and `)`
   * do), skipping interpolations; returns the content with `\"`-style escapes resolved.
   */
  private readUntil(close: string, open: string | undefined, interpolates: boolean): string {
    const { text } = this;
    let content = '';
    let nesting = 0;
    while (this.index < text.length) {
      const char = text[this.index] ?? '';
      if (char === '\\') {
        const next = text[this.index + 1] ?? '';
        if (next === '\n') this.line += 1;
        content += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        this.index += 2;
      } else if (char === close && nesting === 0) {
        this.index += 1;
        return content;
      } else if (interpolates && char === '#' && text[this.index + 1] === '{') {
        const start = this.index;
        this.skipInterpolation();
        content += text.slice(start, this.index);
      } else {
        if (char === '\n') this.line += 1;
        if (open !== undefined && char === open) nesting += 1;
        if (open !== undefined && char === close) nesting -= 1;
        content += char;
        this.index += 1;
      }
    }
    return content;
  }

  /** From `#{` to its `}`, over the strings and braces inside (only braces counted past MAX_NESTED_INTERPOLATIONS). */
  private skipInterpolation(): void {
    this.index += 2;
    this.interpolations += 1;
    let braces = 1;
    while (this.index < this.text.length && braces > 0) {
      const char = this.text[this.index] ?? '';
      const nested = this.interpolations <= MAX_NESTED_INTERPOLATIONS;
      if (nested && (char === '"' || char === "'")) {
        this.readString();
      } else if (nested && char === '~' && /[a-zA-Z]/.test(this.text[this.index + 1] ?? '')) {
        this.readSigil();
      } else {
        if (char === '{') braces += 1;
        if (char === '}') braces -= 1;
        if (char === '\n') this.line += 1;
        this.index += 1;
      }
    }
    this.interpolations -= 1;
  }

  private countLines(start: number, end: number): void {
    for (let i = start; i < end; i += 1) if (this.text.charCodeAt(i) === 10) this.line += 1;
  }
}

function isWordStart(char: string): boolean {
  return /[a-z_]/.test(char);
}

function isWordChar(char: string): boolean {
  return /[\w]/.test(char);
}
