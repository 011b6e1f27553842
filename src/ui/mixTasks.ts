import * as vscode from 'vscode';
import { summarizeMixfile } from '../core/mixfile';
import { COMMON_TASKS, ECTO_TASKS, isMixTaskName, mixTaskCommand } from '../core/testing/mixTasks';
import { workspacePathsInLine } from '../core/testing/paths';
import { NO_MIX_MARKER } from '../core/testing/run';
import { placeOf, trustedToRun, type ContainerMix } from './containerMix';
import { readText } from './workspaceFiles';

export const MIX_TASK_TYPE = 'mix';
/** The problem matchers package.json contributes: Elixir's warnings and its compile errors. */
export const MIX_PROBLEM_MATCHERS = ['$mix', '$mix-error'];

interface MixTaskDefinition extends vscode.TaskDefinition {
  readonly task: string;
  readonly args?: readonly string[];
}

/**
 * Tasks of type `mix` that run in the project's dev container: compile, format, deps.get, test,
 * the Ecto tasks when the project uses Ecto, and any task a tasks.json names. Their output has
 * the container's paths as the workspace's, so the problem matchers find the files.
 */
export class MixTaskProvider implements vscode.TaskProvider {
  constructor(private readonly mix: ContainerMix) {}

  async provideTasks(): Promise<vscode.Task[]> {
    const tasks: vscode.Task[] = [];
    for (const project of (await this.mix.projects.scanned()).filter((p) => p.environment.runsMix)) {
      const mixfile = await readText(vscode.Uri.joinPath(project.folder.uri, 'mix.exs'));
      const usesEcto = mixfile !== undefined && summarizeMixfile(mixfile).deps.some((dep) => dep === 'ecto_sql' || dep === 'ecto');
      for (const task of [...COMMON_TASKS, ...(usesEcto ? ECTO_TASKS : [])]) tasks.push(this.task(project.folder, { type: MIX_TASK_TYPE, task }));
    }
    return tasks;
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const definition = task.definition as Partial<MixTaskDefinition>;
    if (typeof definition.task !== 'string' || !isMixTaskName(definition.task)) return undefined;
    const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    if (folder === undefined) return undefined;
    const args = Array.isArray(definition.args) ? definition.args.filter((arg): arg is string => typeof arg === 'string') : [];
    // The definition must stay the one tasks.json holds, so VS Code matches the two.
    return this.task(folder, { ...definition, type: MIX_TASK_TYPE, task: definition.task, args }, task.definition);
  }

  /** The task for `definition` in `folder`; `original` is the definition tasks.json gave. */
  task(folder: vscode.WorkspaceFolder, definition: MixTaskDefinition, original: vscode.TaskDefinition = definition): vscode.Task {
    const args = definition.args ?? [];
    const task = new vscode.Task(
      original,
      folder,
      [definition.task, ...args].join(' '),
      MIX_TASK_TYPE,
      new vscode.CustomExecution(() => Promise.resolve(new MixTaskTerminal(this.mix, folder, definition.task, args))),
      MIX_PROBLEM_MATCHERS,
    );
    if (definition.task === 'compile') task.group = vscode.TaskGroup.Build;
    if (definition.task === 'test') task.group = vscode.TaskGroup.Test;
    return task;
  }
}

/** A task's terminal: runs the mix task in the container and shows its output, Ctrl+C stopping it. */
class MixTaskTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.written.event;
  readonly onDidClose = this.closed.event;
  private readonly stop = new AbortController();

  constructor(private readonly mix: ContainerMix, private readonly folder: vscode.WorkspaceFolder, private readonly taskName: string, private readonly args: readonly string[]) {}

  open(): void {
    void this.run().then(
      (code) => { this.closed.fire(code); },
      (error: unknown) => {
        this.line(error instanceof Error ? error.message : String(error));
        this.closed.fire(1);
      },
    );
  }

  handleInput(data: string): void {
    if (data.includes('\u0003')) this.stop.abort();
  }

  close(): void {
    this.stop.abort();
    this.written.dispose();
    this.closed.dispose();
  }

  private async run(): Promise<number> {
    if (!trustedToRun()) {
      this.line(vscode.l10n.t('This workspace is not trusted: mix tasks run its code, so they run only once it is.'));
      return 1;
    }
    const project = (await this.mix.projects.scanned()).find((p) => p.environment.runsMix && p.folder === this.folder);
    const mixProject = (await this.mix.mixProjects()).find((candidate) => candidate.project === project && candidate.relative === '');
    if (project === undefined || mixProject === undefined) {
      this.line(vscode.l10n.t('{0} is not a Phoenix project with a dev container.', this.folder.name));
      return 1;
    }
    const container = await this.mix.container(project, true);
    if (container === undefined) {
      this.line(vscode.l10n.t('The dev container of {0} is not running: start it, then run the task again.', project.folder.name));
      return 1;
    }
    const paths = { container: container.root, workspace: project.folder.uri.fsPath };
    if (container.kind === 'one-off') this.line(vscode.l10n.t('The dev container is not running: the task runs in {0}.', placeOf(container)));
    this.line(`> mix ${[this.taskName, ...this.args].join(' ')}`);
    try {
      const result = await this.mix.run(container, mixProject, mixTaskCommand(this.taskName, this.args), {
        signal: this.stop.signal,
        onLine: (line) => { this.line(workspacePathsInLine(paths, line)); },
      });
      if (result.output.includes(NO_MIX_MARKER)) this.line(vscode.l10n.t('The dev container of {0} has no mix: its image needs Elixir.', project.folder.name));
      return result.code ?? 1;
    } catch (error) {
      if (this.stop.signal.aborted) return 130;
      throw error;
    }
  }

  private line(text: string): void {
    this.written.fire(`${text}\r\n`);
  }
}
