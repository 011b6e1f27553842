import { mixCommand, type ContainerCommand } from './run';

/*
 * The mix tasks the `mix` task type offers, how each runs in the dev container, and the tasks a
 * project's own `mix help` lists.
 */

export interface MixTaskChoice {
  readonly task: string;
  readonly description: string;
}

/** The tasks offered for every project; ECTO_TASKS are added when it uses Ecto. */
export const COMMON_TASKS: readonly string[] = ['compile', 'format', 'deps.get', 'test'];
export const ECTO_TASKS: readonly string[] = ['ecto.migrate', 'ecto.rollback', 'ecto.reset'];

/** A task name as mix takes it: `phx.routes`, `ecto.gen.migration`, `deps.get`. */
const TASK_NAME = /^[a-z][\w.-]*$/;
/** The most tasks read from `mix help`. */
const MAX_HELP_TASKS = 1000;

export function isMixTaskName(task: string): boolean {
  return TASK_NAME.test(task) && task.length <= 200;
}

/**
 * The command for `mix <task> <args>` in the container. Tasks that fetch or format, and `help`,
 * run as they are; the others (`test` with MIX_ENV=test) after `app.config` and the dev
 * container's configuration (a Repo on localhost reaches the database service), as the
 * entrypoint runs them.
 */
export function mixTaskCommand(task: string, args: readonly string[]): ContainerCommand {
  if (!isMixTaskName(task)) throw new RangeError(`"${task}" is not a mix task name.`);
  const plain = task === 'compile' || task === 'format' || task === 'help' || task.startsWith('deps.') || task.startsWith('local.') || task.startsWith('archive.');
  return mixCommand(plain ? 'plain' : 'configured', [task, ...args]);
}

/**
 * The longest document formatted in the container: half of what is kept of a program's output
 * (MAX_KEPT_OUTPUT), so that the formatted text, which may be longer, comes back whole.
 */
export const MAX_FORMAT_LENGTH = 512 * 1024;

/** `mix format -` for a document's text on stdin, named so that .formatter.exs's inputs and plugins apply. */
export function formatCommand(relativePath: string): ContainerCommand {
  // One argument, so that a path starting with `-` is not read as an option. MIX_QUIET keeps mix's
  // own messages (`Compiling 2 files`, when a formatter plugin is built first) out of stdout,
  // which is the formatted text.
  return mixCommand('plain', ['format', `--stdin-filename=${relativePath}`, '-'], { MIX_QUIET: '1' });
}

/** What a `mix format -` run that succeeded does to the document. */
export type FormatOutcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'formatted'; readonly text: string }
  /** Its output was cut (see MAX_FORMAT_LENGTH): the document is left alone, never replaced by a part of it. */
  | { readonly kind: 'output-cut' };

export function formatOutcome(original: string, run: { readonly stdout: string; readonly stdoutTruncated: boolean }): FormatOutcome {
  if (run.stdoutTruncated) return { kind: 'output-cut' };
  return run.stdout === original ? { kind: 'unchanged' } : { kind: 'formatted', text: run.stdout };
}

/** The tasks `mix help` lists (`mix phx.routes  # Prints all routes`), without the bare `mix` line. */
export function parseMixHelp(output: string): MixTaskChoice[] {
  const tasks: MixTaskChoice[] = [];
  for (const line of output.split('\n')) {
    if (tasks.length >= MAX_HELP_TASKS) break;
    const match = /^mix ([^\s#]+)\s+# ?(.*)$/.exec(line.trimEnd().slice(0, 1000));
    const task = match?.[1];
    if (task === undefined || !isMixTaskName(task)) continue;
    tasks.push({ task, description: match?.[2]?.trim() ?? '' });
  }
  return tasks;
}
