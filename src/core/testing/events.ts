import { isRecord } from '../isRecord';
import type { CompilerDiagnostic } from './compilerDiagnostics';
import { toWorkspacePath, type ProjectPaths } from './paths';

/*
 * The events the run's ExUnit formatter prints (see TEST_FORMATTER_SOURCE), one JSON object per
 * line after the run's prefix, and the compile errors that stop a run before its tests end.
 */

export type TestState = 'passed' | 'failed' | 'skipped' | 'excluded' | 'invalid';

export interface StackFrame {
  /** The file as the container sees it, absolute; absent for frames without a location. */
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly text: string;
}

export interface TestFailure {
  readonly message: string;
  /** The assertion's code, when ExUnit gives it. */
  readonly expr: string | undefined;
  /** ExUnit's left and right (inspected), when the assertion compared two values. */
  readonly left: string | undefined;
  readonly right: string | undefined;
  readonly stack: readonly StackFrame[];
}

export interface TestIdentity {
  /** The module as Elixir writes it (`MyApp.FooTest`). */
  readonly module: string;
  /** ExUnit's name: `test <describe> <name>`, or `doctest Mod.fun/1 (1)`. */
  readonly name: string;
  /** The test file as the container sees it, absolute. */
  readonly file: string;
  readonly line: number;
  readonly describe: string | undefined;
  readonly doctest: boolean;
}

export type TestEvent =
  | ({ readonly event: 'test_started' } & TestIdentity)
  | ({ readonly event: 'test_finished'; readonly state: TestState; readonly timeUs: number | undefined; readonly reason: string | undefined; readonly failures: readonly TestFailure[] } & TestIdentity)
  | { readonly event: 'module_failed'; readonly module: string; readonly file: string | undefined; readonly failures: readonly TestFailure[] }
  | { readonly event: 'suite_finished' };

/** A line of a run's output: the text around an event (a test's own output may precede it on the line), and the event. */
export interface ParsedLine {
  readonly output: string;
  readonly event: TestEvent | undefined;
}

const STATES: ReadonlySet<string> = new Set(['passed', 'failed', 'skipped', 'excluded', 'invalid']);
/** The most stack frames kept per failure. */
const MAX_FRAMES = 50;
const MAX_FAILURES = 20;

/** Splits a line of the run's output into the user's text and the formatter's event after `prefix`, if any. */
export function parseOutputLine(line: string, prefix: string): ParsedLine {
  const at = prefix === '' ? -1 : line.indexOf(prefix);
  if (at < 0) return { output: line, event: undefined };
  const event = parseEvent(line.slice(at + prefix.length));
  // An unreadable event (cut short by the line limit) is shown as it came rather than lost.
  return event === undefined ? { output: line, event: undefined } : { output: line.slice(0, at), event };
}

function parseEvent(json: string): TestEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  switch (value['event']) {
    case 'suite_finished':
      return { event: 'suite_finished' };
    case 'module_failed':
      return typeof value['module'] === 'string'
        ? { event: 'module_failed', module: value['module'], file: optionalString(value['file']), failures: failures(value['failures']) }
        : undefined;
    case 'test_started': {
      const identity = testIdentity(value);
      return identity && { event: 'test_started', ...identity };
    }
    case 'test_finished': {
      const identity = testIdentity(value);
      const state = value['state'];
      if (identity === undefined || typeof state !== 'string' || !STATES.has(state)) return undefined;
      return {
        event: 'test_finished',
        ...identity,
        state: state as TestState,
        timeUs: typeof value['time_us'] === 'number' ? value['time_us'] : undefined,
        reason: optionalString(value['reason']),
        failures: failures(value['failures']),
      };
    }
    default:
      return undefined;
  }
}

function testIdentity(value: Record<string, unknown>): TestIdentity | undefined {
  const { module, name, file, line } = value;
  if (typeof module !== 'string' || typeof name !== 'string' || typeof file !== 'string' || typeof line !== 'number') return undefined;
  return { module, name, file, line, describe: optionalString(value['describe']), doctest: value['doctest'] === true };
}

function failures(value: unknown): TestFailure[] {
  if (!Array.isArray(value)) return [];
  return value.slice(0, MAX_FAILURES).filter(isRecord).map((failure) => ({
    message: optionalString(failure['message']) ?? '',
    expr: optionalString(failure['expr']),
    left: optionalString(failure['left']),
    right: optionalString(failure['right']),
    stack: Array.isArray(failure['stack'])
      ? failure['stack'].slice(0, MAX_FRAMES).filter(isRecord).map((frame) => ({
        file: optionalString(frame['file']),
        line: typeof frame['line'] === 'number' ? frame['line'] : undefined,
        text: optionalString(frame['text']) ?? '',
      }))
      : [],
  }));
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A compile error that stopped a test run, at its file in the workspace. */
export interface RunCompileError {
  /** The file on this machine, absolute. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based; undefined when Elixir gave the line only. */
  readonly column: number | undefined;
  readonly message: string;
}

/**
 * The errors among the compiler's diagnostics of a test run (read by a CompilerOutputReader whose
 * project root is `paths`), at their files in the workspace. Warnings are left out: they fail no
 * test, and the mix tasks put them in Problems.
 */
export function runCompileErrors(diagnostics: readonly CompilerDiagnostic[], paths: ProjectPaths): RunCompileError[] {
  const errors: RunCompileError[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity !== 'error') continue;
    const file = toWorkspacePath(paths, `${paths.container}/${diagnostic.file}`);
    if (file === undefined) continue;
    const message = diagnostic.exception === undefined ? diagnostic.message : `${diagnostic.exception}: ${diagnostic.message}`;
    errors.push({ file, line: diagnostic.line, column: diagnostic.column, message });
  }
  return errors;
}
