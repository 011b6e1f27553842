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
 * run as they are; `test` runs with MIX_ENV=test; the others after `app.config` and the dev
 * container's configuration (a Repo on localhost reaches the database service), as the
 * entrypoint runs them.
 */
export function mixTaskCommand(task: string, args: readonly string[]): ContainerCommand {
  if (!isMixTaskName(task)) throw new RangeError(`"${task}" is not a mix task name.`);
  if (task === 'test') return mixCommand('configured', [task, ...args], { MIX_ENV: 'test' });
  const plain = task === 'compile' || task === 'format' || task === 'help' || task.startsWith('deps.') || task.startsWith('local.') || task.startsWith('archive.');
  return mixCommand(plain ? 'plain' : 'configured', [task, ...args]);
}

/** `mix format -` for a document's text on stdin, named so that .formatter.exs's inputs and plugins apply. */
export function formatCommand(relativePath: string): ContainerCommand {
  return mixCommand('plain', ['format', '--stdin-filename', relativePath, '-']);
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
