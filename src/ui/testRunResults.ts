import * as vscode from 'vscode';
import type { RunCompileError, TestEvent, TestFailure } from '../core/testing/events';
import { toWorkspacePath, type ProjectPaths } from '../core/testing/paths';
import type { MixProject } from './containerMix';
import { leavesOf, type TestItemTree } from './testItemTree';

/** What a test run reports to: VS Code's TestRun. */
export type TestRunSink = Pick<vscode.TestRun, 'enqueued' | 'started' | 'passed' | 'failed' | 'errored' | 'skipped' | 'appendOutput' | 'end'>;

export interface RunRequestItems {
  /** The items the run asked for (in one mix project). */
  readonly asked: readonly vscode.TestItem[];
  /** The ids of the items the request left out. */
  readonly excluded: ReadonlySet<string>;
}

/**
 * The results of one mix project's `mix test` on its items: from the run's events, its compile
 * errors and its exit code. Only the tests the run asked for get a state: the others keep their
 * last result. Items are told apart by id: a test file read again while the run goes on has new
 * items with the same ids.
 */
export class TestRunResults {
  /** The ids of the tests ExUnit reported finished (excluded ones too), and of the items given a result. */
  private readonly seen = new Set<string>();
  private readonly askedIds: ReadonlySet<string>;
  /** The test name that claimed each test item at its line. */
  private readonly claims = new Map<vscode.TestItem, string>();
  /** How each test that reported ended, for the `doctest` lines whose doctests report one by one. */
  private readonly outcomes = new Map<vscode.TestItem, 'passed' | 'failed' | 'skipped'>();
  /** The tests the run is for, enqueued. */
  private readonly leaves: readonly vscode.TestItem[];

  constructor(private readonly run: TestRunSink, private readonly tree: TestItemTree, private readonly mixProject: MixProject, private readonly request: RunRequestItems) {
    this.askedIds = new Set(request.asked.map((item) => item.id));
    this.leaves = request.asked.flatMap((item) => leavesOf(item)).filter((leaf) => this.inRequest(leaf));
    for (const leaf of this.leaves) run.enqueued(leaf);
  }

  get asked(): readonly vscode.TestItem[] {
    return this.request.asked;
  }

  /** Every test of the run errored with `message` (the run could not start). */
  errorAll(message: vscode.TestMessage): void {
    for (const leaf of this.leaves) this.run.errored(leaf, message);
  }

  /** The tests that did not report errored with `message`. */
  errorUnreported(message: vscode.TestMessage): void {
    for (const leaf of this.leaves) if (!this.seen.has(leaf.id)) this.run.errored(leaf, message);
  }

  apply(paths: ProjectPaths, event: TestEvent): void {
    if (event.event === 'suite_finished') return;
    if (event.event === 'module_failed') {
      const file = event.file === undefined ? undefined : toWorkspacePath(paths, event.file);
      const fileItem = file === undefined ? undefined : this.tree.findFileItem(vscode.Uri.file(file));
      const messages = event.failures.map((failure) => testMessage(paths, failure, undefined));
      for (const leaf of fileItem === undefined ? [] : leavesOf(fileItem).filter((each) => this.inRequest(each))) {
        this.seen.add(leaf.id);
        this.run.errored(leaf, messages);
      }
      return;
    }
    const file = toWorkspacePath(paths, event.file);
    // ExUnit reports every test of the files it loads, those a filter leaves out too (started, then
    // excluded): a test not shown yet gets an item only when the run asked for it.
    const excluded = event.event === 'test_finished' && event.state === 'excluded';
    const item = file === undefined ? undefined : this.tree.itemFor(this.mixProject, vscode.Uri.file(file), event, this.claims, (parent) => !excluded && this.inRequest(parent));
    if (item === undefined || !this.inRequest(item)) return;
    if (event.event === 'test_started') {
      this.run.started(item);
      return;
    }
    this.seen.add(item.id);
    const durationMs = event.timeUs === undefined ? undefined : event.timeUs / 1000;
    switch (event.state) {
      case 'passed':
        this.outcomes.set(item, 'passed');
        this.run.passed(item, durationMs);
        return;
      case 'failed':
        this.outcomes.set(item, 'failed');
        this.run.failed(item, event.failures.map((failure) => testMessage(paths, failure, item)), durationMs);
        return;
      case 'invalid':
        this.outcomes.set(item, 'failed');
        this.run.errored(item, new vscode.TestMessage(event.reason ?? vscode.l10n.t('The test is invalid: its module failed to set up.')), durationMs);
        return;
      case 'skipped':
        this.outcomes.set(item, 'skipped');
        this.run.skipped(item);
        return;
      case 'excluded':
        // Tests a tag filter left out keep their last result; one asked for by itself is shown skipped.
        if (this.askedFor(item)) this.run.skipped(item);
        return;
    }
  }

  /**
   * A `doctest` line reports nothing itself: its doctests report one by one, as items under it. The
   * line ends as they did (failed when one failed), rather than left as enqueued.
   */
  endDoctestLines(): void {
    for (const leaf of this.leaves) {
      if (this.seen.has(leaf.id) || this.tree.dataOf(leaf)?.kind !== 'doctest') continue;
      const ended = [...leaf.children].map(([, child]) => this.outcomes.get(child)).filter((outcome) => outcome !== undefined);
      if (ended.length === 0) continue;
      this.seen.add(leaf.id);
      const failed = ended.filter((outcome) => outcome === 'failed').length;
      if (failed > 0) this.run.failed(leaf, new vscode.TestMessage(vscode.l10n.t('{0} of {1} doctests failed.', String(failed), String(ended.length))));
      else if (ended.includes('passed')) this.run.passed(leaf);
      else this.run.skipped(leaf);
    }
  }

  /**
   * Each compile error on the tests of its file that did not run (on the file's item when it shows
   * none), and an error in another file (in lib/, a test support file) on the mix project's item.
   */
  reportCompileErrors(errors: readonly RunCompileError[]): void {
    const unreported = this.leaves.filter((leaf) => !this.seen.has(leaf.id));
    const byItem = new Map<vscode.TestItem, vscode.TestMessage[]>();
    const root = this.tree.projectItem(this.mixProject);
    for (const error of errors) {
      const file = vscode.Uri.file(error.file);
      const message = new vscode.TestMessage(error.message);
      message.location = new vscode.Location(file, new vscode.Position(error.line - 1, error.column === undefined ? 0 : error.column - 1));
      const fileItem = this.tree.findFileItem(file);
      const notRun = fileItem === undefined ? [] : leavesOf(fileItem).filter((leaf) => !this.seen.has(leaf.id) && this.inRequest(leaf));
      // The project's item is gone only when its project went during the run.
      const items = fileItem === undefined ? (root === undefined ? unreported : [root]) : (notRun.length > 0 ? notRun : [fileItem]);
      for (const item of items) byItem.set(item, [...(byItem.get(item) ?? []), message]);
    }
    for (const [item, messages] of byItem) {
      this.seen.add(item.id);
      this.run.errored(item, messages);
    }
  }

  /**
   * After a run that ended with an exit code other than 0 (and no compile error): the tests it
   * asked for that never reported (the VM stopped, an event was cut) are errored, not left without
   * a result.
   */
  reportExitCode(code: number | undefined): void {
    const message = this.seen.size === 0
      ? vscode.l10n.t('mix test ended with exit code {0} before running any test: see the test output.', String(code))
      : vscode.l10n.t('mix test ended with exit code {0} without a result for this test: see the test output.', String(code));
    this.errorUnreported(new vscode.TestMessage(message));
  }

  /** Whether the run asked for the item or an item it is under, and the request did not leave it out. */
  private inRequest(item: vscode.TestItem): boolean {
    for (let current: vscode.TestItem | undefined = item; current !== undefined; current = current.parent) {
      if (this.request.excluded.has(current.id)) return false;
      if (this.askedIds.has(current.id)) return true;
    }
    return false;
  }

  /** Whether a run asked for the test itself, or for a module or describe block that holds it. */
  private askedFor(item: vscode.TestItem): boolean {
    for (let current: vscode.TestItem | undefined = item; current !== undefined; current = current.parent) {
      if (!this.askedIds.has(current.id)) continue;
      const kind = this.tree.dataOf(current)?.kind;
      return current === item || kind === 'module' || kind === 'describe';
    }
    return false;
  }
}

/** A failure as a test message: with its diff and stack, at the failing line in the test's own file. */
function testMessage(paths: ProjectPaths, failure: TestFailure, item: vscode.TestItem | undefined): vscode.TestMessage {
  const text = [failure.message, ...(failure.expr === undefined ? [] : [vscode.l10n.t('code: {0}', failure.expr)])].join('\n');
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
