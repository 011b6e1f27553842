import { folderInsideProject } from '../scaffold/folder';
import { relativeTo } from './paths';

/*
 * The warnings and errors the Elixir compiler prints through mix, read line by line.
 *
 * Elixir 1.14 and 1.15 print the message, then each location two spaces in (1.15 prints its
 * errors the same way, before `** (CompileError) lib/foo.ex: cannot compile module Foo (errors
 * have been logged)`):
 *
 *   warning: variable "x" is unused (if the variable is not meant to be used, prefix it with an underscore)
 *     lib/foo.ex:3: Foo.foo/1
 *
 * and raise a compile error with its location first: `** (CompileError) lib/foo.ex:5: undefined
 * function y/0`, `** (SyntaxError) lib/foo.ex:5:3: syntax error before: ')'`.
 *
 * Elixir 1.16 and later indent the message, show the source line, and give the location after
 * `└─ ` (several such lines when the same warning is found in several places):
 *
 *       warning: variable "x" is unused (if the variable is not meant to be used, prefix it with an underscore)
 *       │
 *     3 │   def foo(x), do: 1
 *       │           ~
 *       │
 *       └─ lib/foo.ex:3:11: Foo.foo/1
 *
 * or, when the file cannot be read, `warning: …` then `└─ lib/foo.ex:3: Foo.foo/1`. Syntax errors
 * are raised as `** (SyntaxError) invalid syntax found on lib/foo.ex:5:3:` followed by such an
 * `error:` block.
 *
 * Paths are relative to the directory mix compiled in: in an umbrella, or for a dependency, the
 * `==> app` line mix prints before an app's output says which one. A run in an umbrella's app
 * prints that line only once it has compiled another app first.
 */

export type CompilerSeverity = 'warning' | 'error';

export interface CompilerDiagnostic {
  readonly severity: CompilerSeverity;
  readonly message: string;
  /** The file relative to the root of the mix project the task ran in, with `/` separators. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based; undefined when Elixir gave the line only. */
  readonly column: number | undefined;
  /** The exception that raised the error (`CompileError`, `SyntaxError`), when one did. */
  readonly exception: string | undefined;
}

export interface CompilerOutputContext {
  /** The mix project's root in the container: absolute paths under it are its files. */
  readonly containerRoot: string;
  /**
   * The app mix runs for: the project's own (`app:` in mix.exs), or in an umbrella, the app whose
   * folder it runs in (undefined at the umbrella's root). Output is its own until a `==> app`
   * line, and again after its own.
   */
  readonly app: string | undefined;
  /** For an umbrella, its `apps_path` and the apps in it: after `==> app`, paths are relative to that app's folder. */
  readonly umbrella: { readonly appsPath: string; readonly apps: readonly string[] } | undefined;
}

/** The most diagnostics one run yields; the rest are not read. */
export const MAX_COMPILER_DIAGNOSTICS = 1000;
/** Longer lines are read up to this length. */
const MAX_LINE_LENGTH = 4096;
const MAX_MESSAGE_LENGTH = 4000;
/** A diagnostic whose location does not come within this many lines is not one. */
const MAX_BLOCK_LINES = 300;

/** The files Elixir and Erlang compile: a location names one of them (`nofile`, `iex` and stack frames do not). */
const SOURCE_FILE = /\.(?:ex|exs|eex|heex|leex|erl|hrl|xrl|yrl)$/;
/** `lib/foo.ex`, `lib/foo.ex:3`, `lib/foo.ex:3:11`, each maybe followed by `: Foo.foo/1` or a message. */
const LOCATION = /^([^\s:]+)(?::(\d{1,9}))?(?::(\d{1,9}))?(?::(?: (.*))?)?$/;
const DIAGNOSTIC_START = /^( *)(warning|error): ?(.*)$/;
const EXCEPTION = /^\*\* \(([A-Za-z][\w.]*)\) (.*)$/;
const APP_HEADER = /^==> (\S+)$/;
const COMPILATION_ERROR = /^== Compilation error in file (\S+) ==$/;
/** Mix's line before it compiles a project's (or a dependency's) files: `Compiling 3 files (.ex)`. */
const COMPILING = /^Compiling \d+ files? \(/;
const ANSI = /\u001b\[[0-9;]*m/g;

interface Location {
  readonly file: string;
  readonly line: number;
  readonly column: number | undefined;
}

/** A `warning:` or `error:` being read. */
interface Block {
  readonly severity: CompilerSeverity;
  /** Where `warning:` starts on its line: the message's further lines are indented as much. */
  readonly indent: number;
  readonly exception: string | undefined;
  readonly message: string[];
  messageLength: number;
  lines: number;
  blankLines: number;
  /** The source lines (`│`) have begun: no more message. */
  snippet: boolean;
  /** Its location line came (even one outside the project): what follows is more locations or the next output. */
  located: boolean;
  readonly locations: Location[];
}

/** An exception that gave no location on its line. */
interface PendingException {
  readonly kind: string;
  readonly message: string[];
  messageLength: number;
  /** Where `invalid syntax found on …:` said it is, for Elixir 1.16's exceptions whose `error:` block follows. */
  readonly announced: Location | undefined;
  /** Whether its location is still to be read from its stack frames (otherwise the `error:` block follows). */
  readonly fromFrames: boolean;
  /** The file being compiled when it was raised, if mix said. */
  readonly failedFile: string | undefined;
  lines: number;
  /** Its stack frames have begun: no more message. */
  frames: boolean;
}

/**
 * Reads the compiler's diagnostics from mix's output, one line at a time: `push` returns those
 * each line completes, `end` the last one.
 */
export class CompilerOutputReader {
  private readonly appsFolder: string | undefined;
  /** The folder of the app whose output this is, relative to the project root; undefined for a dependency's. */
  private appFolder: string | undefined;
  private block: Block | undefined;
  private exception: PendingException | undefined;
  /** The file of the last `== Compilation error in file … ==`. */
  private failedFile: string | undefined;
  private count = 0;
  /** Whether mix said it compiled files of the project itself (not only of its dependencies). */
  compiledProject = false;

  constructor(private readonly context: CompilerOutputContext) {
    this.appsFolder = context.umbrella === undefined ? undefined : folderInsideProject(context.umbrella.appsPath);
    this.appFolder = context.umbrella === undefined || context.app === undefined ? '' : this.umbrellaAppFolder(context.app);
  }

  push(rawLine: string): CompilerDiagnostic[] {
    const found: CompilerDiagnostic[] = [];
    const line = (rawLine.length > MAX_LINE_LENGTH ? rawLine.slice(0, MAX_LINE_LENGTH) : rawLine).replace(ANSI, '').trimEnd();
    if (this.block !== undefined && this.continueBlock(line, found)) return found;
    if (this.exception !== undefined && this.continueException(line, found)) return found;
    this.start(line, found);
    return found;
  }

  end(): CompilerDiagnostic[] {
    const found: CompilerDiagnostic[] = [];
    if (this.block?.located === true) this.finishBlock(found);
    this.block = undefined;
    if (this.exception !== undefined) this.finishException(found);
    return found;
  }

  private start(line: string, found: CompilerDiagnostic[]): void {
    const header = APP_HEADER.exec(line);
    if (header !== null) {
      this.enterApp(header[1] ?? '');
      return;
    }
    if (COMPILING.test(line)) {
      if (this.appFolder !== undefined) this.compiledProject = true;
      return;
    }
    const failed = COMPILATION_ERROR.exec(line);
    if (failed !== null) {
      this.failedFile = this.resolve(failed[1] ?? '');
      return;
    }
    const exception = EXCEPTION.exec(line);
    if (exception !== null) {
      this.startException(exception[1] ?? '', exception[2] ?? '', found);
      return;
    }
    const start = DIAGNOSTIC_START.exec(line);
    if (start !== null) this.startBlock(start, undefined);
  }

  private enterApp(name: string): void {
    const { umbrella, app } = this.context;
    this.failedFile = undefined;
    if (umbrella !== undefined) this.appFolder = this.umbrellaAppFolder(name);
    else if (app === undefined || app === name) this.appFolder = '';
    // A dependency's own output: its paths are in its folder, wherever that is.
    else this.appFolder = undefined;
  }

  /** The folder of one of the umbrella's apps; undefined for a name that is none of them (a dependency). */
  private umbrellaAppFolder(name: string): string | undefined {
    return this.appsFolder !== undefined && this.context.umbrella?.apps.includes(name) === true ? `${this.appsFolder}/${name}` : undefined;
  }

  private startBlock(start: RegExpExecArray, exception: string | undefined): void {
    const first = start[3] ?? '';
    this.block = {
      severity: start[2] === 'error' ? 'error' : 'warning',
      indent: start[1]?.length ?? 0,
      exception,
      message: [first],
      messageLength: first.length,
      lines: 1,
      blankLines: 0,
      snippet: false,
      located: false,
      locations: [],
    };
  }

  /** Reads `line` as part of the block being read; false when it is not, and the block is done. */
  private continueBlock(line: string, found: CompilerDiagnostic[]): boolean {
    const block = this.block;
    if (block === undefined) return false;
    const text = line.trimStart();
    const indent = line.length - text.length;
    block.lines += 1;
    if (text.startsWith('└─ ')) {
      this.addLocation(block, text.slice('└─ '.length));
      return true;
    }
    // Elixir 1.14 and 1.15: each location two spaces in, after a message that starts its line; a
    // stack frame of Elixir's own or a dependency's, `(elixir 1.15.7) lib/…`, is neither.
    if (block.indent === 0 && indent === 2 && !block.snippet && text.startsWith('(')) return true;
    if (block.indent === 0 && indent === 2 && !block.snippet && this.addLocation(block, text)) return true;
    if (block.located) {
      if (text.startsWith('hint:')) {
        appendMessage(block, text);
        return true;
      }
      this.finishBlock(found);
      return false;
    }
    if (block.lines > MAX_BLOCK_LINES || startsOutput(line) || (text === '' && ++block.blankLines >= 2)) {
      this.block = undefined;
      return false;
    }
    if (text !== '') block.blankLines = 0;
    if (text.startsWith('│') || /^\d+ │/.test(text) || text === '...') block.snippet = true;
    if (!block.snippet) appendMessage(block, line.slice(Math.min(indent, block.indent)));
    return true;
  }

  /** Reads a location line of the block; false when `text` is not one. */
  private addLocation(block: Block, text: string): boolean {
    const parsed = LOCATION.exec(text);
    const path = parsed?.[1];
    if (parsed === null || path === undefined || !SOURCE_FILE.test(path)) return false;
    block.located = true;
    const file = this.resolve(path);
    if (file !== undefined && block.locations.length < MAX_COMPILER_DIAGNOSTICS) block.locations.push({ file, line: lineNumber(parsed[2]), column: columnNumber(parsed[3]) });
    return true;
  }

  private finishBlock(found: CompilerDiagnostic[]): void {
    const block = this.block;
    this.block = undefined;
    if (block === undefined) return;
    const message = joinMessage(block.message);
    for (const location of block.locations) this.add(found, { severity: block.severity, message, ...location, exception: block.exception });
  }

  private startException(kind: string, rest: string, found: CompilerDiagnostic[]): void {
    const failedFile = this.failedFile;
    this.failedFile = undefined;
    // Elixir 1.15 and later logged the errors themselves first.
    if (rest.endsWith('(errors have been logged)')) return;
    // Elixir 1.14 and 1.15: the location, then the message.
    const leading = LOCATION.exec(rest);
    const path = leading?.[1];
    if (leading !== null && path !== undefined && SOURCE_FILE.test(path)) {
      const file = this.resolve(path);
      if (file !== undefined) this.add(found, { severity: 'error', message: joinMessage([leading[4] ?? kind]), file, line: lineNumber(leading[2]), column: columnNumber(leading[3]), exception: kind });
      return;
    }
    // Elixir 1.16 and later: `invalid syntax found on lib/foo.ex:5:3:`, then the `error:` block.
    const on = rest.lastIndexOf(' on ');
    const announced = on >= 0 && rest.endsWith(':') ? LOCATION.exec(rest.slice(on + ' on '.length, -1)) : null;
    const announcedPath = announced?.[1];
    if (announced !== null && announcedPath !== undefined && SOURCE_FILE.test(announcedPath)) {
      const file = this.resolve(announcedPath);
      const location = file === undefined ? undefined : { file, line: lineNumber(announced[2]), column: columnNumber(announced[3]) };
      this.exception = pendingException(kind, rest.slice(0, on), { announced: location, fromFrames: false, failedFile });
      return;
    }
    // Raised while compiling, without a location (an ArgumentError in a module body): its stack frames give one.
    this.exception = pendingException(kind, rest, { announced: undefined, fromFrames: true, failedFile });
  }

  /** Reads `line` for the pending exception; false when it is not about it, and the exception is done. */
  private continueException(line: string, found: CompilerDiagnostic[]): boolean {
    const exception = this.exception;
    if (exception === undefined) return false;
    if (!exception.fromFrames) {
      this.exception = undefined;
      const start = DIAGNOSTIC_START.exec(line);
      // The `error:` block says it all, with the exception's name.
      if (start !== null) {
        this.startBlock(start, exception.kind);
        return true;
      }
      if (exception.announced !== undefined) this.add(found, { severity: 'error', message: joinMessage(exception.message), ...exception.announced, exception: exception.kind });
      return false;
    }
    // Its message's further lines, then its stack frames four spaces in: `(elixir 1.16.0) lib/kernel/…`
    // is Elixir's own, `lib/foo.ex:3: (module)` the project's.
    exception.lines += 1;
    const text = line.trimStart();
    const indent = line.length - text.length;
    if (exception.lines > MAX_BLOCK_LINES || (text !== '' && indent === 0) || (text === '' && exception.frames)) {
      this.finishException(found);
      return false;
    }
    if (indent < 4 || text === '') {
      if (!exception.frames) appendMessage(exception, text);
      return true;
    }
    exception.frames = true;
    const frame = text.startsWith('(') ? null : LOCATION.exec(text);
    const path = frame?.[1];
    if (frame === null || path === undefined || frame[2] === undefined || !SOURCE_FILE.test(path)) return true;
    const file = this.resolve(path);
    if (file === undefined) return true;
    this.exception = undefined;
    this.add(found, { severity: 'error', message: joinMessage(exception.message), file, line: lineNumber(frame[2]), column: undefined, exception: exception.kind });
    return true;
  }

  /** An exception without a location in the project's frames: at the top of the file being compiled, if any. */
  private finishException(found: CompilerDiagnostic[]): void {
    const exception = this.exception;
    this.exception = undefined;
    if (exception === undefined) return;
    const location = exception.announced ?? (exception.failedFile === undefined ? undefined : { file: exception.failedFile, line: 1, column: undefined });
    if (location !== undefined) this.add(found, { severity: 'error', message: joinMessage(exception.message), ...location, exception: exception.kind });
  }

  /** The printed path relative to the project root; undefined for a file outside it or a dependency's. */
  private resolve(path: string): string | undefined {
    if (path.startsWith('/')) {
      const relative = relativeTo(this.context.containerRoot, path);
      return relative === undefined || relative === '' ? undefined : folderInsideProject(relative);
    }
    const relative = folderInsideProject(path);
    if (relative === undefined || this.appFolder === undefined) return undefined;
    return this.appFolder === '' ? relative : `${this.appFolder}/${relative}`;
  }

  private add(found: CompilerDiagnostic[], diagnostic: CompilerDiagnostic): void {
    if (this.count >= MAX_COMPILER_DIAGNOSTICS) return;
    this.count += 1;
    found.push(diagnostic);
  }
}

/** A line that begins other output than a message's next line. */
function startsOutput(line: string): boolean {
  return DIAGNOSTIC_START.test(line) || line.startsWith('** (') || line.startsWith('==');
}

function appendMessage(to: { readonly message: string[]; messageLength: number }, text: string): void {
  if (to.messageLength > MAX_MESSAGE_LENGTH) return;
  to.message.push(text);
  to.messageLength += text.length + 1;
}

function pendingException(kind: string, message: string, where: Pick<PendingException, 'announced' | 'fromFrames' | 'failedFile'>): PendingException {
  return { kind, message: [message], messageLength: message.length, ...where, lines: 1, frames: false };
}

/** The message's lines, without leading and trailing blank lines or runs of them, at most MAX_MESSAGE_LENGTH long. */
function joinMessage(lines: readonly string[]): string {
  const kept: string[] = [];
  for (const line of lines) {
    if (line.trim() === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(line.trim() === '' ? '' : line);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  const message = kept.join('\n');
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

/** A line as printed; Elixir prints line 0 for the file as a whole. */
function lineNumber(digits: string | undefined): number {
  return digits === undefined ? 1 : Math.max(1, Number(digits));
}

function columnNumber(digits: string | undefined): number | undefined {
  return digits === undefined || Number(digits) === 0 ? undefined : Number(digits);
}
