/*
 * What the generated entrypoint and the extension share about its steps: the entrypoint prints a
 * marker line as each step begins and another when one fails, so that progress can name the step
 * under way and a failure can name what failed, from the container's log alone.
 */
import { RESET_DATABASE_ARGUMENT, STEP_MARKER } from './contract';

/** The entrypoint's steps, in the order they run. */
export const ENTRYPOINT_STEPS = ['dependencies', 'compile', 'database', 'ecto.drop', 'ecto.create', 'ecto.migrate', 'seeds', 'server'] as const;
export type EntrypointStep = (typeof ENTRYPOINT_STEPS)[number];

export { RESET_DATABASE_ARGUMENT, STEP_MARKER };

/** A line the entrypoint prints, parsed: a step that begins, or the step that failed. */
export type StepMarker = { readonly kind: 'begins'; readonly step: EntrypointStep } | { readonly kind: 'failed'; readonly step: EntrypointStep; readonly exitCode: number | undefined };

const STEP_NAMES: ReadonlySet<string> = new Set(ENTRYPOINT_STEPS);
const MAX_MARKER_LENGTH = 200;

/** The marker a log line carries, if any (compose may prefix lines with the service's name). */
export function parseStepMarker(line: string): StepMarker | undefined {
  if (line.length > MAX_MARKER_LENGTH) return undefined;
  const at = line.indexOf(STEP_MARKER);
  if (at < 0) return undefined;
  const words = line.slice(at + STEP_MARKER.length).trim().split(/\s+/);
  const [first, second] = words;
  if (first === 'failed' && second !== undefined && STEP_NAMES.has(second)) {
    const code = /^\(exit (\d{1,3})\)$/.exec(words.slice(2).join(' '));
    return { kind: 'failed', step: second as EntrypointStep, exitCode: code ? Number(code[1]) : undefined };
  }
  if (first !== undefined && STEP_NAMES.has(first)) return { kind: 'begins', step: first as EntrypointStep };
  return undefined;
}

/** Why a step failed, read from the lines the container printed before it stopped. */
export type StepFailure =
  | { readonly step: EntrypointStep; readonly cause: 'dependencies-unreachable'; readonly detail: string | undefined }
  | { readonly step: EntrypointStep; readonly cause: 'compile-error'; readonly file: string | undefined; readonly line: number | undefined; readonly detail: string | undefined }
  | { readonly step: EntrypointStep; readonly cause: 'database-unreachable'; readonly host: string | undefined; readonly port: number | undefined; readonly reason: string | undefined }
  | { readonly step: EntrypointStep; readonly cause: 'database-refused'; readonly reason: string }
  | { readonly step: EntrypointStep; readonly cause: 'migration-failed'; readonly migration: string | undefined; readonly detail: string | undefined }
  | { readonly step: EntrypointStep; readonly cause: 'other'; readonly detail: string | undefined };

/** The steps that connect to the database, whose failure may be the database's. */
const DATABASE_STEPS: ReadonlySet<EntrypointStep> = new Set(['database', 'ecto.drop', 'ecto.create', 'ecto.migrate', 'seeds', 'server']);

/** Lines longer than this are not read for causes (a crafted log must not cost time). */
const MAX_LINE_LENGTH = 2000;

/**
 * The step that failed and why, from the container's last lines: the step a failure marker names,
 * or, once the container has exited, the server (the VM replaced the script, so no marker follows
 * it). Undefined when no marker says so (the entrypoint is not ours, or the lines are cut).
 */
export function classifyStepFailure(lines: readonly string[], containerExited: boolean): StepFailure | undefined {
  let markerAt = -1;
  let step: EntrypointStep | undefined;
  for (let i = lines.length - 1; i >= 0; i--) {
    const marker = parseStepMarker(lines[i] ?? '');
    if (marker === undefined) continue;
    if (marker.kind === 'failed' || (containerExited && marker.step === 'server')) {
      markerAt = i;
      step = marker.step;
    }
    break;
  }
  if (step === undefined) return undefined;
  // A failure marker ends what its step printed, from the marker that began it; the server's own
  // lines follow its marker. An earlier step's output says nothing of this step's failure.
  let stepLines = lines.slice(markerAt + 1);
  if (step !== 'server') {
    let began = markerAt - 1;
    while (began >= 0 && parseStepMarker(lines[began] ?? '')?.kind !== 'begins') began--;
    stepLines = lines.slice(began + 1, markerAt);
  }
  const before = stepLines.filter((line) => line.length <= MAX_LINE_LENGTH);
  const printed = before.filter((line) => parseStepMarker(line) === undefined && line.trim() !== '');
  // The exception Elixir printed says what went wrong; the stacktrace after it only where.
  const last = ([...printed].reverse().find((line) => /^\s*\*\* \(/.test(line)) ?? printed.at(-1))?.trim();
  const text = before.join('\n');

  const talksToDatabase = DATABASE_STEPS.has(step);
  // Refused at connection time only: Postgres says FATAL there (a missing role in a migration is an ERROR).
  const refused = /FATAL [^\n]{0,80}?(password authentication failed for user "[^"\n]{0,200}"|role "[^"\n]{0,200}" does not exist|no pg_hba\.conf entry[^\n]{0,200})|(Access denied for user [^\n]{0,200})/.exec(text);
  if (refused && talksToDatabase) {
    return { step, cause: 'database-refused', reason: refused[1] ?? refused[2] ?? refused[0] };
  }
  const tcp = /tcp connect \(([^:()\s]{1,255}):(\d{1,5})\): ([^\n]{1,200})/.exec(text);
  const waited = /The database at ([^:\s]{1,255}):(\d{1,5}) does not accept connections \(([^)\n]{1,200})\)/.exec(text);
  const unreachable = waited ?? tcp;
  if (unreachable && talksToDatabase) {
    return { step, cause: 'database-unreachable', host: unreachable[1], port: Number(unreachable[2]), reason: unreachable[3]?.trim() };
  }
  if (step === 'database') return { step, cause: 'database-unreachable', host: undefined, port: undefined, reason: last };
  if (step === 'dependencies') return { step, cause: 'dependencies-unreachable', detail: last };
  if (step === 'compile') {
    return { step, cause: 'compile-error', ...(compileErrorLocation(before) ?? { file: undefined, line: undefined }), detail: last };
  }
  if (step === 'ecto.migrate') {
    const running = before.map((line) => /== Running (\d+) ([\w.]+)\.(?:change|up)\/0 forward/.exec(line)).filter((match) => match !== null).at(-1);
    return { step, cause: 'migration-failed', migration: running ? `${running[1]} ${running[2]}` : undefined, detail: last };
  }
  return { step, cause: 'other', detail: last };
}

/**
 * Where a compile error is, in the forms Elixir prints: `== Compilation error in file lib/x.ex ==`,
 * `** (CompileError) lib/x.ex:12: ...`, or `error: ...` followed by `└─ lib/x.ex:12:5` (warnings
 * print their location the same way, after `warning: ...`).
 */
function compileErrorLocation(lines: readonly string[]): { file: string | undefined; line: number | undefined } | undefined {
  let file: string | undefined;
  let found = false;
  let inError = false;
  for (const text of lines) {
    const header = /== Compilation error in file (\S{1,500}) ==/.exec(text);
    if (header) {
      file = header[1];
      found = true;
      continue;
    }
    if (/^\s*error:/.test(text)) inError = true;
    else if (/^\s*warning:/.test(text)) inError = false;
    const location = /\*\* \((?:CompileError|SyntaxError|TokenMissingError|MismatchedDelimiterError|KeyError|UndefinedFunctionError)\) (\S{1,500}?\.exs?):(\d{1,7})/.exec(text)
      ?? (inError ? /^\s*[└│]\S*\s+(\S{1,500}?\.exs?):(\d{1,7})/.exec(text) : null);
    if (location) return { file: location[1], line: Number(location[2]) };
  }
  return found ? { file, line: undefined } : undefined;
}

/**
 * The command that resets the database in a running dev container: the container's own
 * entrypoint (`sh <path>/entrypoint.sh`, as the generated compose file runs it) with the reset
 * argument. Undefined for a container whose command is another.
 */
export function resetDatabaseArgv(containerCommand: readonly string[]): string[] | undefined {
  const [shell, script, ...rest] = containerCommand;
  if (shell !== 'sh' || script === undefined || !script.endsWith('/entrypoint.sh') || rest.length > 0) return undefined;
  return ['sh', script, RESET_DATABASE_ARGUMENT];
}
