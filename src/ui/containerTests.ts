import * as vscode from 'vscode';
import { discoverTests, MAX_TEST_FILE_LENGTH, type DiscoveredEntry } from '../core/testing/discovery';
import { CompilerOutputReader, type CompilerDiagnostic } from '../core/testing/compilerDiagnostics';
import { parseOutputLine, runCompileErrors, type RunCompileError, type TestEvent, type TestFailure } from '../core/testing/events';
import { relativeTo, toWorkspacePath, workspacePathsInLine, type ProjectPaths } from '../core/testing/paths';
import { NO_MIX_MARKER, testCommand } from '../core/testing/run';
import type { MixContainer } from '../docker/containerMix';
import { placeOf, trustedToRun, type ContainerMix, type MixProject } from './containerMix';
import type { PhoenixProject } from './phoenixProjects';
import { readTextUpTo } from './workspaceFiles';

type ItemKind = 'project' | 'file' | 'module' | 'describe' | 'test' | 'doctest' | 'dynamic';

interface ItemData {
  readonly kind: ItemKind;
  readonly mixProject: MixProject;
  /** The test file (none for a project). */
  readonly file: vscode.Uri | undefined;
  /** The line `mix test file:line` selects it by (1-based), for entries in a file. */
  readonly line: number | undefined;
}

/** The most test files one mix project shows. */
const MAX_TEST_FILES = 5000;
const TEST_FILES = 'test/**/*_test.exs';

/**
 * The Testing view's ExUnit tests: found in each mix project's test files (read, never run),
 * and run inside the project's dev container with the results on the workspace's files.
 */
export class ContainerTests implements vscode.Disposable {
  private readonly controller: vscode.TestController;
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  private readonly disposables: { dispose(): unknown }[] = [];
  private refreshing: Promise<void> = Promise.resolve();

  /** `id` is the controller's, unique in the window. */
  constructor(private readonly mix: ContainerMix, private readonly log: vscode.LogOutputChannel, id = 'phoenix.exunit') {
    this.controller = vscode.tests.createTestController(id, vscode.l10n.t('ExUnit in the Dev Container'));
    this.disposables.push(this.controller);
    this.controller.resolveHandler = async (item) => {
      if (item === undefined) await this.refresh();
    };
    this.controller.refreshHandler = () => this.refresh();
    this.controller.createRunProfile(vscode.l10n.t('Run in the Dev Container'), vscode.TestRunProfileKind.Run, (request, token) => this.runTests(request, token, this.controller.createTestRun(request)), true);
    const watcher = vscode.workspace.createFileSystemWatcher('**/test/**/*_test.exs');
    const fileChanged = (uri: vscode.Uri): void => { void this.updateFile(uri); };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(fileChanged),
      watcher.onDidChange(fileChanged),
      watcher.onDidDelete((uri) => { this.removeFile(uri); }),
      mix.projects.onDidChange(() => { void this.refresh(); }),
    );
  }

  /** Finds every mix project's test files again; resolves once the tree shows them. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.discover(), () => this.discover());
    return this.refreshing;
  }

  /** The tree's items, for tests of the extension: every item with its children. */
  get items(): vscode.TestItemCollection {
    return this.controller.items;
  }

  private async discover(): Promise<void> {
    const roots: vscode.TestItem[] = [];
    for (const mixProject of await this.mix.mixProjects()) {
      const root = this.controller.createTestItem(`project:${mixProject.dir.toString()}`, mixProject.name, mixProject.dir);
      this.data.set(root, { kind: 'project', mixProject, file: undefined, line: undefined });
      const files = await vscode.workspace.findFiles(new vscode.RelativePattern(mixProject.dir, TEST_FILES), new vscode.RelativePattern(mixProject.dir, '{deps,_build,node_modules}/**'), MAX_TEST_FILES);
      files.sort((a, b) => a.path.localeCompare(b.path));
      for (const uri of files) {
        const item = await this.fileItem(mixProject, uri);
        if (item !== undefined) root.children.add(item);
      }
      roots.push(root);
    }
    this.controller.items.replace(roots);
  }

  private async fileItem(mixProject: MixProject, uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    const relative = relativeTo(mixProject.dir.path, uri.path);
    if (relative === undefined) return undefined;
    const item = this.controller.createTestItem(`file:${uri.toString()}`, relative, uri);
    this.data.set(item, { kind: 'file', mixProject, file: uri, line: undefined });
    const source = await readTextUpTo(uri, MAX_TEST_FILE_LENGTH, (bytes) => {
      this.log.warn(`${uri.fsPath} was not read for tests: it is ${Math.ceil(bytes / 1024)} KB.`);
    });
    if (source !== undefined) item.children.replace(this.entryItems(mixProject, uri, discoverTests(source)));
    return item;
  }

  private entryItems(mixProject: MixProject, file: vscode.Uri, entries: readonly DiscoveredEntry[]): vscode.TestItem[] {
    return entries.map((entry) => {
      const item = this.controller.createTestItem(`${file.toString()}#${entry.kind}:${entry.line}:${entry.name}`, entry.kind === 'doctest' ? `doctest ${entry.name}` : entry.name, file);
      item.range = new vscode.Range(entry.line - 1, 0, entry.line - 1, 0);
      if (entry.tags.length > 0) item.description = entry.tags.map((tag) => `@${tag}`).join(' ');
      this.data.set(item, { kind: entry.kind, mixProject, file, line: entry.kind === 'module' ? undefined : entry.line });
      item.children.replace(this.entryItems(mixProject, file, entry.children));
      return item;
    });
  }

  private async updateFile(uri: vscode.Uri): Promise<void> {
    if (/[\\/](deps|_build|node_modules)[\\/]/.test(uri.fsPath)) return;
    await this.refreshing;
    for (const [, root] of this.controller.items) {
      const mixProject = this.data.get(root)?.mixProject;
      if (mixProject === undefined || relativeTo(mixProject.dir.path, uri.path)?.startsWith('test/') !== true) continue;
      const item = await this.fileItem(mixProject, uri);
      if (item !== undefined) root.children.add(item);
      return;
    }
  }

  private removeFile(uri: vscode.Uri): void {
    for (const [, root] of this.controller.items) root.children.delete(`file:${uri.toString()}`);
  }

  /** Runs the request's tests (all when it names none) in the dev containers, reporting to `run`, which it ends. */
  async runTests(request: vscode.TestRunRequest, token: vscode.CancellationToken, run: TestRunSink): Promise<void> {
    if (!trustedToRun()) {
      run.end();
      return;
    }
    const requested = request.include ?? [...this.controller.items].map(([, item]) => item);
    const byProject = new Map<MixProject, vscode.TestItem[]>();
    for (const item of requested) {
      const data = this.data.get(item);
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
    try {
      for (const [mixProject, items] of byProject) {
        if (token.isCancellationRequested) break;
        await this.runInProject(run, mixProject, items, stop.signal, containerOf);
      }
    } finally {
      cancelled.dispose();
      run.end();
    }
  }

  private async runInProject(run: TestRunSink, mixProject: MixProject, items: readonly vscode.TestItem[], signal: AbortSignal, containerOf: (project: PhoenixProject) => Promise<MixContainer | undefined>): Promise<void> {
    const leaves = items.flatMap((item) => leavesOf(item));
    for (const leaf of leaves) run.enqueued(leaf);
    let container;
    try {
      container = await containerOf(mixProject.project);
    } catch (error) {
      const message = new vscode.TestMessage(error instanceof Error ? error.message : String(error));
      for (const leaf of leaves) run.errored(leaf, message);
      return;
    }
    if (container === undefined) {
      const message = new vscode.TestMessage(vscode.l10n.t('The dev container of {0} is not running: start it, then run the tests again.', mixProject.project.folder.name));
      for (const leaf of leaves) run.errored(leaf, message);
      return;
    }
    const locations = items.some((item) => this.data.get(item)?.kind === 'project') ? [] : items.flatMap((item) => this.location(item));
    const paths: ProjectPaths = {
      container: mixProject.relative === '' ? container.root : `${container.root}/${mixProject.relative}`,
      workspace: mixProject.dir.fsPath,
    };
    // The compiler names files relative to the project's root, an umbrella's too.
    const projectPaths: ProjectPaths = { container: container.root, workspace: mixProject.project.folder.uri.fsPath };
    const compiler = new CompilerOutputReader(await this.mix.compilerOutputContext(mixProject, container.root));
    const diagnostics: CompilerDiagnostic[] = [];
    const suite = { finished: false };
    const { randomBytes } = await import('node:crypto');
    const prefix = `\u0001phoenix-test-${randomBytes(8).toString('hex')}:`;
    const explicitly = new Set(items);
    const seen = new Set<vscode.TestItem>();
    const claims = new Map<vscode.TestItem, string>();
    const outcomes = new Map<vscode.TestItem, 'passed' | 'failed' | 'skipped'>();
    const onLine = (line: string): void => {
      const parsed = parseOutputLine(line, prefix);
      if (parsed.event?.event === 'suite_finished') suite.finished = true;
      if (parsed.event !== undefined) this.applyEvent(run, paths, mixProject, parsed.event, { asked: explicitly, seen, claims, outcomes });
      if (parsed.event !== undefined && parsed.output === '') return;
      run.appendOutput(`${workspacePathsInLine(paths, parsed.output)}\r\n`);
      diagnostics.push(...compiler.push(parsed.output));
    };
    run.appendOutput(`${vscode.l10n.t('mix test {0} in {1}', locations.join(' '), placeOf(container))}\r\n`);
    let result;
    try {
      result = await this.mix.run(container, mixProject, testCommand(locations, prefix, await this.mix.testsNeedContainerConfig(mixProject)), { signal, onLine });
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    this.reportDoctestLines(run, leaves, outcomes, seen);
    const unfinished = leaves.filter((leaf) => !seen.has(leaf));
    if (result.output.includes(NO_MIX_MARKER)) {
      const message = new vscode.TestMessage(vscode.l10n.t('The dev container of {0} has no mix: its image needs Elixir to run the tests.', mixProject.project.folder.name));
      for (const leaf of unfinished) run.errored(leaf, message);
      return;
    }
    diagnostics.push(...compiler.end());
    // A compile error stops the run before its suite finishes; after a finished suite, error blocks are the tests' own output.
    const compileErrors = suite.finished ? [] : runCompileErrors(diagnostics, projectPaths);
    this.reportCompileErrors(run, mixProject, compileErrors, { seen, unfinished });
    if (compileErrors.length === 0 && result.code !== 0 && seen.size === 0) {
      const message = new vscode.TestMessage(vscode.l10n.t('mix test ended with exit code {0} before running any test: see the test output.', String(result.code)));
      for (const leaf of unfinished) run.errored(leaf, message);
    }
  }

  /**
   * Each compile error on the tests of its file that did not run (on the file's item when it shows
   * none), and an error in another file (in lib/, a test support file) on the mix project's item.
   */
  private reportCompileErrors(run: TestRunSink, mixProject: MixProject, errors: readonly RunCompileError[], tests: { readonly seen: Set<vscode.TestItem>; readonly unfinished: readonly vscode.TestItem[] }): void {
    const { seen, unfinished } = tests;
    const byItem = new Map<vscode.TestItem, vscode.TestMessage[]>();
    const root = this.controller.items.get(`project:${mixProject.dir.toString()}`);
    for (const error of errors) {
      const file = vscode.Uri.file(error.file);
      const message = new vscode.TestMessage(error.message);
      message.location = new vscode.Location(file, new vscode.Position(error.line - 1, error.column === undefined ? 0 : error.column - 1));
      const fileItem = this.findFileItem(file);
      const notRun = fileItem === undefined ? [] : leavesOf(fileItem).filter((leaf) => !seen.has(leaf));
      // The project's item is gone only when its project went during the run.
      const items = fileItem === undefined ? (root === undefined ? unfinished : [root]) : (notRun.length > 0 ? notRun : [fileItem]);
      for (const item of items) byItem.set(item, [...(byItem.get(item) ?? []), message]);
    }
    for (const [item, messages] of byItem) {
      seen.add(item);
      run.errored(item, messages);
    }
  }

  /**
   * A `doctest` line reports nothing itself: its doctests report one by one, as items under it. The
   * line ends as they did (failed when one failed), rather than left as enqueued.
   */
  private reportDoctestLines(run: TestRunSink, leaves: readonly vscode.TestItem[], outcomes: ReadonlyMap<vscode.TestItem, string>, seen: Set<vscode.TestItem>): void {
    for (const leaf of leaves) {
      if (seen.has(leaf) || this.data.get(leaf)?.kind !== 'doctest') continue;
      const ended = [...leaf.children].map(([, child]) => outcomes.get(child)).filter((outcome) => outcome !== undefined);
      if (ended.length === 0) continue;
      seen.add(leaf);
      const failed = ended.filter((outcome) => outcome === 'failed').length;
      if (failed > 0) run.failed(leaf, new vscode.TestMessage(vscode.l10n.t('{0} of {1} doctests failed.', String(failed), String(ended.length))));
      else if (ended.includes('passed')) run.passed(leaf);
      else run.skipped(leaf);
    }
  }

  /** What `mix test` takes to select an item: its file, with the line for an entry in it. */
  private location(item: vscode.TestItem): string[] {
    const data = this.data.get(item);
    if (data?.file === undefined) return [];
    const relative = relativeTo(data.mixProject.dir.path, data.file.path);
    if (relative === undefined) return [];
    return [data.line === undefined ? relative : `${relative}:${data.line}`];
  }

  private applyEvent(run: TestRunSink, paths: ProjectPaths, mixProject: MixProject, event: TestEvent, state: RunState): void {
    const { seen } = state;
    if (event.event === 'suite_finished') return;
    if (event.event === 'module_failed') {
      const file = event.file === undefined ? undefined : toWorkspacePath(paths, event.file);
      const fileItem = file === undefined ? undefined : this.findFileItem(vscode.Uri.file(file));
      const messages = event.failures.map((failure) => this.message(paths, failure, undefined));
      for (const leaf of fileItem === undefined ? [] : leavesOf(fileItem)) {
        seen.add(leaf);
        run.errored(leaf, messages);
      }
      return;
    }
    const file = toWorkspacePath(paths, event.file);
    const item = file === undefined ? undefined : this.itemFor(mixProject, vscode.Uri.file(file), event.line, event.name, state.claims);
    if (item === undefined) return;
    if (event.event === 'test_started') {
      run.started(item);
      return;
    }
    seen.add(item);
    const durationMs = event.timeUs === undefined ? undefined : event.timeUs / 1000;
    switch (event.state) {
      case 'passed':
        state.outcomes.set(item, 'passed');
        run.passed(item, durationMs);
        return;
      case 'failed':
        state.outcomes.set(item, 'failed');
        run.failed(item, event.failures.map((failure) => this.message(paths, failure, item)), durationMs);
        return;
      case 'invalid':
        state.outcomes.set(item, 'failed');
        run.errored(item, new vscode.TestMessage(event.reason ?? 'invalid'), durationMs);
        return;
      case 'skipped':
        state.outcomes.set(item, 'skipped');
        run.skipped(item);
        return;
      case 'excluded':
        // The tests a line filter left out keep their last result; one asked for by itself is shown skipped.
        if (this.askedFor(item, state.asked)) run.skipped(item);
        else seen.delete(item);
        return;
    }
  }

  /** Whether a run asked for the test itself, or for a module or describe block that holds it. */
  private askedFor(item: vscode.TestItem, asked: ReadonlySet<vscode.TestItem>): boolean {
    for (let current: vscode.TestItem | undefined = item; current !== undefined; current = current.parent) {
      if (!asked.has(current)) continue;
      const kind = this.data.get(current)?.kind;
      return current === item || kind === 'module' || kind === 'describe';
    }
    return false;
  }

  private message(paths: ProjectPaths, failure: TestFailure, item: vscode.TestItem | undefined): vscode.TestMessage {
    const text = [failure.message, ...(failure.expr === undefined ? [] : [`code: ${failure.expr}`])].join('\n');
    const message = failure.left !== undefined && failure.right !== undefined
      ? vscode.TestMessage.diff(text, failure.right, failure.left)
      : new vscode.TestMessage(text);
    const frames = failure.stack.map((frame) => {
      const file = frame.file === undefined ? undefined : toWorkspacePath(paths, frame.file);
      const uri = file === undefined ? undefined : vscode.Uri.file(file);
      return new vscode.TestMessageStackFrame(frame.text, uri, uri === undefined || frame.line === undefined ? undefined : new vscode.Position(frame.line - 1, 0));
    });
    message.stackTrace = frames;
    // The failing line: the first frame in the test's own file, else the test itself.
    const own = frames.find((frame) => frame.uri !== undefined && frame.position !== undefined && frame.uri.fsPath === item?.uri?.fsPath);
    if (own?.uri !== undefined && own.position !== undefined) message.location = new vscode.Location(own.uri, own.position);
    else if (item?.uri !== undefined && item.range !== undefined) message.location = new vscode.Location(item.uri, item.range);
    return message;
  }

  private findFileItem(file: vscode.Uri): vscode.TestItem | undefined {
    for (const [, root] of this.controller.items) {
      const item = root.children.get(`file:${file.toString()}`);
      if (item !== undefined) return item;
    }
    return undefined;
  }

  /**
   * The item of a test that ran: the test at its line in its file (the first name a run reports
   * there claims it: a test defined in a loop reports others), else a new item under that entry
   * (each doctest of a `doctest` line) or under the file.
   */
  private itemFor(mixProject: MixProject, file: vscode.Uri, line: number, name: string, claims: Map<vscode.TestItem, string>): vscode.TestItem | undefined {
    const fileItem = this.findFileItem(file);
    if (fileItem === undefined) return undefined;
    const atLine = findAtLine(fileItem, line, (item) => {
      const kind = this.data.get(item)?.kind;
      return kind === 'test' || kind === 'doctest';
    });
    const parent = atLine ?? fileItem;
    if (atLine !== undefined && this.data.get(atLine)?.kind === 'test' && (claims.get(atLine) ?? name) === name) {
      claims.set(atLine, name);
      return atLine;
    }
    const id = `${parent.id}/${name}`;
    const existing = parent.children.get(id);
    if (existing !== undefined) return existing;
    const item = this.controller.createTestItem(id, name.replace(/^(test|doctest) /, ''), file);
    item.range = new vscode.Range(line - 1, 0, line - 1, 0);
    this.data.set(item, { kind: 'dynamic', mixProject, file, line });
    parent.children.add(item);
    return item;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** What a test run reports to: VS Code's TestRun. */
export type TestRunSink = Pick<vscode.TestRun, 'enqueued' | 'started' | 'passed' | 'failed' | 'errored' | 'skipped' | 'appendOutput' | 'end'>;

interface RunState {
  /** How each test that reported ended, for the `doctest` lines whose doctests report one by one. */
  readonly outcomes: Map<vscode.TestItem, 'passed' | 'failed' | 'skipped'>;
  /** The items the run asked for. */
  readonly asked: ReadonlySet<vscode.TestItem>;
  /** The items a result was reported for. */
  readonly seen: Set<vscode.TestItem>;
  /** The test name that claimed each test item at its line. */
  readonly claims: Map<vscode.TestItem, string>;
}

/** The tests under an item (or the item itself when it has none). */
function leavesOf(item: vscode.TestItem): vscode.TestItem[] {
  if (item.children.size === 0) return [item];
  return [...item.children].flatMap(([, child]) => leavesOf(child));
}

function findAtLine(item: vscode.TestItem, line: number, accept: (item: vscode.TestItem) => boolean): vscode.TestItem | undefined {
  for (const [, child] of item.children) {
    if (child.range?.start.line === line - 1 && accept(child)) return child;
    const found = findAtLine(child, line, accept);
    if (found !== undefined) return found;
  }
  return undefined;
}
