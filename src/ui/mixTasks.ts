import * as vscode from 'vscode';
import { summarizeMixfile } from '../core/mixfile';
import { CompilerOutputReader, type CompilerDiagnostic } from '../core/testing/compilerDiagnostics';
import { COMMON_TASKS, ECTO_TASKS, isMixTaskName, mixTaskCommand } from '../core/testing/mixTasks';
import { relativeTo, workspacePathsInLine } from '../core/testing/paths';
import { NO_MIX_MARKER } from '../core/testing/run';
import { placeOf, trustedToRun, type ContainerMix } from './containerMix';
import type { PhoenixProject } from './phoenixProjects';
import { stopRuns, type MixContainer } from '../docker/containerMix';
import { readText } from './workspaceFiles';

export const MIX_TASK_TYPE = 'mix';
/** How often, at most, Problems shows the warnings and errors of a task still running. */
const PROBLEMS_UPDATE_MS = 250;
/** The end of any line: a diagnostic without a column covers its whole line. */
const LINE_END = 2 ** 31 - 1;

interface MixTaskDefinition extends vscode.TaskDefinition {
  readonly task: string;
  readonly args?: readonly string[];
}

/**
 * Tasks of type `mix` that run in the project's dev container: compile, format, deps.get, test,
 * the Ecto tasks when the project uses Ecto, and any task a tasks.json names. Their output shows
 * the container's paths as the workspace's, and the compiler's warnings and errors it holds go to
 * Problems: a run that compiles replaces those of the earlier runs in its workspace folder.
 */
export class MixTaskProvider implements vscode.TaskProvider, vscode.Disposable {
  /** Gone once disposed: a task still running then leaves Problems alone. */
  private problems: vscode.DiagnosticCollection | undefined = vscode.languages.createDiagnosticCollection('mix');
  /** The tasks running: each one's stop, and its run, settled once its container is cleaned up. */
  private readonly running = new Map<AbortController, Promise<unknown>>();

  constructor(private readonly mix: ContainerMix) {}

  /**
   * Stops the tasks still running, whose programs would otherwise outlive the extension (they run
   * in process groups of their own), and waits at most `waitMs` for them to end what they
   * started in the container and remove their one-off containers.
   */
  stopRunning(waitMs: number): Promise<void> {
    return stopRuns(this.running, waitMs);
  }

  dispose(): void {
    void this.stopRunning(0);
    this.problems?.dispose();
    this.problems = undefined;
  }

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

  /** The task for `definition` in `folder`; `original` is the definition tasks.json gave; `container`, where it runs when already chosen. */
  task(folder: vscode.WorkspaceFolder, definition: MixTaskDefinition, original: vscode.TaskDefinition = definition, container?: MixContainer): vscode.Task {
    const args = definition.args ?? [];
    const task = new vscode.Task(
      original,
      folder,
      [definition.task, ...args].join(' '),
      MIX_TASK_TYPE,
      new vscode.CustomExecution(() => Promise.resolve(new MixTaskTerminal(this.mix, () => this.problems, this.running, folder, definition.task, args, container))),
      // None: the terminal reads the output itself. An empty list still keeps VS Code from asking for one.
      [],
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

  constructor(
    private readonly mix: ContainerMix,
    private readonly problems: () => vscode.DiagnosticCollection | undefined,
    private readonly running: Map<AbortController, Promise<unknown>>,
    private readonly folder: vscode.WorkspaceFolder,
    private readonly taskName: string,
    private readonly args: readonly string[],
    private readonly chosenContainer: MixContainer | undefined,
  ) {}

  open(): void {
    const run = this.run().then(
      (code) => { this.closed.fire(code); },
      (error: unknown) => {
        this.line(error instanceof Error ? error.message : String(error));
        this.closed.fire(1);
      },
    ).finally(() => { this.running.delete(this.stop); });
    this.running.set(this.stop, run);
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
    if (project === undefined) {
      this.line(vscode.l10n.t('{0} is not a Phoenix project with a dev container.', this.folder.name));
      return 1;
    }
    const container = (await this.chosenWhileItServes(project)) ?? await this.mix.container(project, true);
    if (container === undefined) {
      this.line(vscode.l10n.t('The dev container of {0} is not running: start it, then run the task again.', project.folder.name));
      return 1;
    }
    const paths = { container: container.root, workspace: project.folder.uri.fsPath };
    const compiler = new CompilerOutputReader(await this.mix.compilerOutputContext(this.mix.rootOf(project), container.root));
    const problems = new RunProblems(this.problems, this.folder);
    if (container.kind === 'one-off') this.line(vscode.l10n.t('The dev container is not running: the task runs in {0}.', placeOf(container)));
    this.line(`> mix ${[this.taskName, ...this.args].join(' ')}`);
    try {
      const result = await this.mix.run(container, this.mix.rootOf(project), mixTaskCommand(this.taskName, this.args), {
        signal: this.stop.signal,
        onLine: (line) => {
          this.line(workspacePathsInLine(paths, line));
          problems.add(compiler.push(line), compiler.compiledProject);
        },
      });
      if (result.output.includes(NO_MIX_MARKER)) this.line(vscode.l10n.t('The dev container of {0} has no mix: its image needs Elixir.', project.folder.name));
      return result.code ?? 1;
    } catch (error) {
      if (this.stop.signal.aborted) return 130;
      throw error;
    } finally {
      problems.add(compiler.end(), compiler.compiledProject);
      problems.show();
    }
  }

  /** The container Run Mix Task chose, while it is still the project's running one (Rerun Last Task may come after a restart); a one-off always serves. */
  private async chosenWhileItServes(project: PhoenixProject): Promise<MixContainer | undefined> {
    const chosen = this.chosenContainer;
    if (chosen === undefined || chosen.kind === 'one-off') return chosen;
    return (await this.mix.container(project, false))?.id === chosen.id ? chosen : undefined;
  }

  private line(text: string): void {
    this.written.fire(`${text}\r\n`);
  }
}

/**
 * The compiler's warnings and errors of one task run in a workspace folder, in Problems, shown as
 * they come while the collection lasts (the extension may be deactivated while the task runs).
 * A run replaces the folder's earlier ones only once it compiled something (mix printed
 * `Compiling N files` for the project, or the run reported diagnostics): a task that compiles
 * nothing (`deps.get`, `phx.routes`, a `compile` with nothing stale) says nothing about the
 * warnings still there, so they stay.
 */
class RunProblems {
  private readonly byFile = new Map<string, { readonly uri: vscode.Uri; readonly diagnostics: vscode.Diagnostic[] }>();
  private readonly changed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private replaced = false;

  constructor(private readonly collection: () => vscode.DiagnosticCollection | undefined, private readonly folder: vscode.WorkspaceFolder) {}

  /** Adds `found`; `compiled` says whether the run has compiled the project's files yet. */
  add(found: readonly CompilerDiagnostic[], compiled: boolean): void {
    if (!this.replaced && (compiled || found.length > 0)) this.removeEarlier();
    for (const diagnostic of found) {
      const uri = vscode.Uri.joinPath(this.folder.uri, ...diagnostic.file.split('/'));
      const key = uri.toString();
      const file = this.byFile.get(key) ?? { uri, diagnostics: [] };
      file.diagnostics.push(toDiagnostic(diagnostic));
      this.byFile.set(key, file);
      this.changed.add(key);
    }
    if (this.changed.size > 0) this.timer ??= setTimeout(() => { this.show(); }, PROBLEMS_UPDATE_MS);
  }

  private removeEarlier(): void {
    this.replaced = true;
    const problems = this.collection();
    const earlier: vscode.Uri[] = [];
    problems?.forEach((uri) => { if (inFolder(uri, this.folder.uri)) earlier.push(uri); });
    for (const uri of earlier) problems?.delete(uri);
  }

  /** Shows what changed since it last did. */
  show(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const problems = this.collection();
    for (const key of this.changed) {
      const file = this.byFile.get(key);
      if (file !== undefined) problems?.set(file.uri, [...file.diagnostics]);
    }
    this.changed.clear();
  }
}

function inFolder(uri: vscode.Uri, folder: vscode.Uri): boolean {
  return uri.scheme === folder.scheme && uri.authority === folder.authority && relativeTo(folder.path, uri.path) !== undefined;
}

function toDiagnostic(found: CompilerDiagnostic): vscode.Diagnostic {
  const line = found.line - 1;
  // Without a column, the whole line; with one, the editor marks the word there.
  const range = found.column === undefined ? new vscode.Range(line, 0, line, LINE_END) : new vscode.Range(line, found.column - 1, line, found.column - 1);
  const diagnostic = new vscode.Diagnostic(range, found.message, found.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'mix';
  if (found.exception !== undefined) diagnostic.code = found.exception;
  return diagnostic;
}
