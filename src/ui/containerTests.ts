import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CompilerOutputReader, type CompilerDiagnostic } from '../core/testing/compilerDiagnostics';
import { parseOutputLine, runCompileErrors } from '../core/testing/events';
import { workspacePathsInLine, type ProjectPaths } from '../core/testing/paths';
import { NO_MIX_MARKER, testBatches, testCommand } from '../core/testing/run';
import { stopRuns, type MixContainer } from '../docker/containerMix';
import { mixProjectDir, placeOf, trustedToRun, type ContainerMix, type MixProject } from './containerMix';
import type { PhoenixProject } from './phoenixProjects';
import { TestItemTree } from './testItemTree';
import { TestRunResults, type TestRunSink } from './testRunResults';

export type { TestRunSink } from './testRunResults';

/** One project's part of a test run: where it runs, how paths map, and where its results go. */
interface ProjectRun {
  readonly run: TestRunSink;
  readonly results: TestRunResults;
  readonly mixProject: MixProject;
  readonly container: MixContainer;
  /** The mix project's paths (an umbrella app's), and the project root's, which the compiler names files from. */
  readonly paths: ProjectPaths;
  readonly projectPaths: ProjectPaths;
  /** Whether the runs go through the dev container's configuration (see testsNeedContainerConfig). */
  readonly configured: boolean;
  readonly signal: AbortSignal;
}

/**
 * The Testing view's ExUnit tests: found in each mix project's test files (read, never run),
 * and run inside the project's dev container with the results on the workspace's files.
 */
export class ContainerTests implements vscode.Disposable {
  private readonly controller: vscode.TestController;
  private readonly tree: TestItemTree;
  private readonly disposables: { dispose(): unknown }[] = [];
  /** One per run going on: disposing stops them (their processes would outlive the window). */
  /** The runs going on: each one's stop, and its work, settled once it has cleaned up in its container. */
  private readonly runs = new Map<AbortController, Promise<void>>();

  /** `id` is the controller's, unique in the window. */
  constructor(private readonly mix: ContainerMix, log: vscode.LogOutputChannel, id = 'phoenix.exunit') {
    this.controller = vscode.tests.createTestController(id, vscode.l10n.t('ExUnit in the Dev Container'));
    this.tree = new TestItemTree(this.controller, mix, log);
    this.disposables.push(this.controller);
    this.controller.resolveHandler = async (item) => {
      if (item === undefined) await this.refresh();
    };
    this.controller.refreshHandler = () => this.refresh();
    this.controller.createRunProfile(vscode.l10n.t('Run in the Dev Container'), vscode.TestRunProfileKind.Run, (request, token) => this.runTests(request, token, this.controller.createTestRun(request)), true);
    const watcher = vscode.workspace.createFileSystemWatcher('**/test/**/*_test.exs');
    const fileChanged = (uri: vscode.Uri): void => { void this.tree.updateFile(uri); };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(fileChanged),
      watcher.onDidChange(fileChanged),
      watcher.onDidDelete((uri) => { this.tree.removeFile(uri); }),
      mix.projects.onDidChange(() => { void this.refresh(); }),
    );
  }

  /** Finds every mix project's test files again; resolves once the tree shows them. */
  refresh(): Promise<void> {
    return this.tree.refresh();
  }

  /** The tree's items, for tests of the extension: every item with its children. */
  get items(): vscode.TestItemCollection {
    return this.controller.items;
  }

  /** Runs the request's tests (all when it names none; those it excludes get no result) in the dev containers, reporting to `run`, which it ends. */
  async runTests(request: vscode.TestRunRequest, token: vscode.CancellationToken, run: TestRunSink): Promise<void> {
    if (!trustedToRun()) {
      run.end();
      return;
    }
    const excluded = new Set((request.exclude ?? []).map((item) => item.id));
    const requested = request.include ?? [...this.controller.items].map(([, item]) => item);
    const byProject = new Map<MixProject, vscode.TestItem[]>();
    for (const item of requested) {
      const data = this.tree.dataOf(item);
      if (data === undefined) continue;
      byProject.set(data.mixProject, [...(byProject.get(data.mixProject) ?? []), item]);
    }
    const stop = new AbortController();
    const cancelled = token.onCancellationRequested(() => { stop.abort(); });
    // Found (or asked about) once per dev container project, however many umbrella apps run.
    const containers = new Map<PhoenixProject, Promise<MixContainer | undefined>>();
    const containerOf = (project: PhoenixProject): Promise<MixContainer | undefined> => {
      const found = containers.get(project) ?? this.mix.container(project, true);
      containers.set(project, found);
      return found;
    };
    const work = (async () => {
      for (const [mixProject, items] of byProject) {
        if (stop.signal.aborted) break;
        const results = new TestRunResults(run, this.tree, mixProject, { asked: items, excluded });
        await this.runInProject(run, results, mixProject, stop.signal, containerOf);
      }
    })();
    this.runs.set(stop, work);
    try {
      await work;
    } finally {
      this.runs.delete(stop);
      cancelled.dispose();
      run.end();
    }
  }

  private async runInProject(run: TestRunSink, results: TestRunResults, mixProject: MixProject, signal: AbortSignal, containerOf: (project: PhoenixProject) => Promise<MixContainer | undefined>): Promise<void> {
    let container;
    try {
      container = await containerOf(mixProject.project);
    } catch (error) {
      results.errorAll(new vscode.TestMessage(error instanceof Error ? error.message : String(error)));
      return;
    }
    if (container === undefined) {
      results.errorAll(new vscode.TestMessage(vscode.l10n.t('The dev container of {0} is not running: start it, then run the tests again.', mixProject.project.folder.name)));
      return;
    }
    const paths: ProjectPaths = {
      container: mixProjectDir(container, mixProject),
      workspace: mixProject.dir.fsPath,
    };
    // The compiler names files relative to the project's root, an umbrella's too.
    const projectPaths: ProjectPaths = { container: container.root, workspace: mixProject.project.folder.uri.fsPath };
    const configured = await this.mix.testsNeedContainerConfig(mixProject);
    const projectRun: ProjectRun = { run, results, mixProject, container, paths, projectPaths, configured, signal };
    for (const batch of testBatches(this.locations(results.asked))) {
      if ((await this.runBatch(projectRun, batch)) === 'stop') return;
    }
    results.endDoctestLines();
  }

  /** One `mix test` of a run, for `locations`; 'stop' when the run must end (cancelled, or the container has no mix). */
  private async runBatch({ run, results, mixProject, container, paths, projectPaths, configured, signal }: ProjectRun, locations: readonly string[]): Promise<'next' | 'stop'> {
    const compiler = new CompilerOutputReader(await this.mix.compilerOutputContext(mixProject, container.root));
    const diagnostics: CompilerDiagnostic[] = [];
    const suite = { finished: false };
    const prefix = `\u0001phoenix-test-${randomBytes(8).toString('hex')}:`;
    const onLine = (line: string): void => {
      const parsed = parseOutputLine(line, prefix);
      if (parsed.event?.event === 'suite_finished') suite.finished = true;
      if (parsed.event !== undefined) results.apply(paths, parsed.event);
      if (parsed.event !== undefined && parsed.output === '') return;
      run.appendOutput(`${workspacePathsInLine(paths, parsed.output)}\r\n`);
      diagnostics.push(...compiler.push(parsed.output));
    };
    run.appendOutput(`${vscode.l10n.t('mix test {0} in {1}', locations.join(' '), placeOf(container))}\r\n`);
    let result;
    try {
      result = await this.mix.run(container, mixProject, testCommand(locations, prefix, configured), { signal, onLine });
    } catch (error) {
      if (signal.aborted) return 'stop';
      throw error;
    }
    if (result.output.includes(NO_MIX_MARKER)) {
      results.errorUnreported(new vscode.TestMessage(vscode.l10n.t('The dev container of {0} has no mix: its image needs Elixir to run the tests.', mixProject.project.folder.name)));
      return 'stop';
    }
    diagnostics.push(...compiler.end());
    // A compile error stops the run before its suite finishes; after a finished suite, error blocks are the tests' own output.
    const compileErrors = suite.finished ? [] : runCompileErrors(diagnostics, projectPaths);
    results.reportCompileErrors(compileErrors);
    // A finished suite exits non-zero for any failed test: only a VM that stopped before the end leaves tests unreported.
    if (compileErrors.length === 0 && !suite.finished && result.code !== 0) results.reportExitCode(result.code);
    return 'next';
  }

  /** What `mix test` takes to select the items: nothing for a whole project, else their files, with the line for an entry in one. */
  private locations(items: readonly vscode.TestItem[]): string[] {
    if (items.some((item) => this.tree.dataOf(item)?.kind === 'project')) return [];
    return items.flatMap((item) => this.tree.location(item) ?? []);
  }

  /** Stops the runs going on and waits at most `waitMs` for them to end their programs in the container and remove their one-off containers. */
  stopRunning(waitMs: number): Promise<void> {
    return stopRuns(this.runs, waitMs);
  }

  dispose(): void {
    void this.stopRunning(0);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
