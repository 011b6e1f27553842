import assert from 'node:assert/strict';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { detectComposeCli } from '../../src/docker/composeCli';
import { tearDownComposeProject } from '../../src/docker/lifecycle';
import type { ComposeFlavour } from '../../src/core/compose';
import { phoenixContainer } from '../../src/core/serviceView';
import { ComposeSession } from '../../src/ui/composeSession';
import { parseMixHelp } from '../../src/core/testing/mixTasks';
import { mixCommand } from '../../src/core/testing/run';
import { ContainerFormatter } from '../../src/ui/containerFormatter';
import { ContainerMix, type WhenDown } from '../../src/ui/containerMix';
import { ContainerTests, type TestRunSink } from '../../src/ui/containerTests';
import { MIX_TASK_TYPE, MixTaskProvider } from '../../src/ui/mixTasks';
import { Settings } from '../../src/ui/settings';
import { docker, processesWith, fixtureSuite, requireDocker, waitFor } from './support';

/** What a test run reported, by item label path ("greeter_test.exs > hello/1 > greets by name"). */
interface Reported {
  readonly states: Map<string, string>;
  readonly messages: Map<string, vscode.TestMessage[]>;
  output: string;
  ended: boolean;
}

function recorder(): { sink: TestRunSink; reported: Reported } {
  const reported: Reported = { states: new Map(), messages: new Map(), output: '', ended: false };
  const set = (state: string) => (item: vscode.TestItem, message?: unknown): void => {
    reported.states.set(labelPath(item), state);
    if (message instanceof vscode.TestMessage) reported.messages.set(labelPath(item), [message]);
    else if (Array.isArray(message)) reported.messages.set(labelPath(item), message.filter((each): each is vscode.TestMessage => each instanceof vscode.TestMessage));
  };
  return {
    reported,
    sink: {
      enqueued: set('enqueued'),
      started: set('started'),
      passed: set('passed'),
      failed: set('failed'),
      errored: set('errored'),
      skipped: set('skipped'),
      appendOutput: (text) => { reported.output += text; },
      end: () => { reported.ended = true; },
    },
  };
}

function labelPath(item: vscode.TestItem): string {
  const labels: string[] = [];
  for (let current: vscode.TestItem | undefined = item; current !== undefined; current = current.parent) labels.unshift(current.label);
  return labels.join(' > ');
}

function child(items: vscode.TestItemCollection | vscode.TestItem, label: string): vscode.TestItem {
  const collection = 'children' in items ? items.children : items;
  const found = [...collection].map(([, item]) => item).find((item) => item.label === label);
  assert.ok(found, `no item "${label}" among ${[...collection].map(([, item]) => item.label).join(', ')}`);
  return found;
}

const NONE = new vscode.CancellationTokenSource().token;

/** The workspace's settings, with `phoenix.composeCommand` set to `flavour`. */
function settingsWith(flavour: ComposeFlavour): Settings {
  return new Settings({
    workspaceFolders: vscode.workspace.workspaceFolders,
    onDidChangeConfiguration: vscode.workspace.onDidChangeConfiguration,
    getConfiguration: (section, scope) => {
      const real = vscode.workspace.getConfiguration(section, scope);
      const get = (key: string, fallback?: unknown): unknown => (section === 'phoenix' && key === 'composeCommand' ? flavour : real.get(key, fallback));
      return { ...real, get } as vscode.WorkspaceConfiguration;
    },
  });
}

describe('Tests, tasks and formatting in the dev container (real Docker engine)', function () {
  this.timeout(600_000);
  const settings = new Settings(vscode.workspace);
  const { folder, engine, log, projects, target, scaffold, start } = fixtureSuite('testing test', settings);
  const compose = new ComposeSession(settings);
  const mix = new ContainerMix(projects, engine, compose);
  // A controller of its own beside the extension's, whose runs this suite records.
  const tests = new ContainerTests(mix, log, 'phoenix.exunit.integrationTest');
  const greeterFile = () => join(folder.uri.fsPath, 'test', 'hello_phoenix', 'greeter_test.exs');
  let restoreFixture = (): Promise<void> => Promise.resolve();

  before(async function () {
    await requireDocker(this);
    restoreFixture = (await scaffold()).restore;
    await start();
  });

  after(async () => {
    await tearDownComposeProject(engine, await detectComposeCli('auto'), target(), false).catch(() => undefined);
    await restoreFixture();
    for (const disposable of [tests, compose, projects, log]) disposable.dispose();
  });

  it('finds the tests in the source, with describe blocks, tags, doctests and names with quotes and interpolation', async () => {
    await tests.refresh();
    const project = child(tests.items, folder.name);
    assert.deepEqual([...project.children].map(([, item]) => item.label).sort(), ['test/hello_phoenix/greeter_test.exs', 'test/hello_phoenix_web_test.exs']);
    const module = child(child(project, 'test/hello_phoenix/greeter_test.exs'), 'HelloPhoenix.GreeterTest');
    assert.deepEqual([...module.children].map(([, item]) => item.label), ['doctest HelloPhoenix.Greeter', 'hello/1', 'waves goodbye']);
    assert.deepEqual([...child(module, 'hello/1').children].map(([, item]) => item.label), ['greets by name', 'says "hi" to #{"Grace"}']);
    const skipped = child(module, 'waves goodbye');
    assert.equal(skipped.description, '@skip');
    assert.equal(skipped.range?.start.line, 17);
    assert.equal(skipped.uri?.fsPath, greeterFile());
  });

  it('runs every test in the container: passed, failed with a diff at the failing line of the workspace file, skipped, doctests', async () => {
    const { sink, reported } = recorder();
    await tests.runTests(new vscode.TestRunRequest(), NONE, sink);
    assert.ok(reported.ended);
    const file = `${folder.name} > test/hello_phoenix/greeter_test.exs > HelloPhoenix.GreeterTest`;
    assert.equal(reported.states.get(`${file} > hello/1 > greets by name`), 'passed', `${[...reported.states].join('\n')}\n${reported.output}`);
    assert.equal(reported.states.get(`${file} > hello/1 > says "hi" to #{"Grace"}`), 'failed');
    assert.equal(reported.states.get(`${file} > waves goodbye`), 'skipped');
    assert.equal(reported.states.get(`${file} > doctest HelloPhoenix.Greeter > HelloPhoenix.Greeter.hello/1 (1)`), 'passed');
    assert.equal(reported.states.get(`${folder.name} > test/hello_phoenix_web_test.exs > HelloPhoenixWebTest > the test endpoint listens on its own port and does not serve`), 'passed');

    const [failure] = reported.messages.get(`${file} > hello/1 > says "hi" to #{"Grace"}`) ?? [];
    assert.ok(failure);
    assert.equal(failure.expectedOutput, '"Hi, Grace!"');
    assert.equal(failure.actualOutput, '"Hello, Grace!"');
    assert.match(typeof failure.message === 'string' ? failure.message : failure.message.value, /Assertion with == failed/);
    const location = failure.location;
    assert.ok(location);
    assert.equal(location.uri.fsPath, greeterFile());
    assert.equal(location.range.start.line, 12);
    assert.equal(failure.stackTrace?.[0]?.uri?.fsPath, greeterFile());
    // The output is ExUnit's own, with the container's paths as the workspace's, and without the events.
    assert.match(reported.output, /1 doctest, 4 tests, 1 failure, 1 skipped/);
    assert.doesNotMatch(reported.output, /phoenix-test-|"event":/);
  });

  it('runs one test by its line, and leaves the others alone', async () => {
    const project = child(tests.items, folder.name);
    const test = child(child(child(child(project, 'test/hello_phoenix/greeter_test.exs'), 'HelloPhoenix.GreeterTest'), 'hello/1'), 'greets by name');
    const { sink, reported } = recorder();
    await tests.runTests(new vscode.TestRunRequest([test]), NONE, sink);
    assert.equal(reported.states.get(labelPath(test)), 'passed', reported.output);
    // ExUnit reports the file's other tests too (started, then excluded): they get no state at all and keep their last result.
    assert.deepEqual([...reported.states.keys()], [labelPath(test)]);
    assert.match(reported.output, /mix test test\/hello_phoenix\/greeter_test\.exs:8/);
    assert.match(reported.output, /0 failures, 3 excluded/);
  });

  it('runs two tests of one file and one of another (as Rerun Failed Tests may), which mix refuses as several file:line', async () => {
    const project = child(tests.items, folder.name);
    const block = child(child(child(project, 'test/hello_phoenix/greeter_test.exs'), 'HelloPhoenix.GreeterTest'), 'hello/1');
    const web = child(child(child(project, 'test/hello_phoenix_web_test.exs'), 'HelloPhoenixWebTest'), 'the test endpoint listens on its own port and does not serve');
    const asked = [child(block, 'greets by name'), child(block, 'says "hi" to #{"Grace"}'), web];
    const { sink, reported } = recorder();
    await tests.runTests(new vscode.TestRunRequest(asked), NONE, sink);
    assert.deepEqual(asked.map((test) => reported.states.get(labelPath(test))), ['passed', 'failed', 'passed'], reported.output);
    assert.deepEqual([...reported.states.keys()].sort(), asked.map(labelPath).sort());
    // One run a file: the line filter of one file's run never picks tests of the other.
    assert.match(reported.output, /mix test --exclude test --include line:8 --include line:12 test\/hello_phoenix\/greeter_test\.exs/);
    assert.match(reported.output, / 1 failure, 2 excluded/);
    assert.match(reported.output, /mix test test\/hello_phoenix_web_test\.exs:4/);
  });

  it('shows a test file that does not compile as an error on its line', async () => {
    const broken = join(folder.uri.fsPath, 'test', 'broken_test.exs');
    await writeFile(broken, 'defmodule BrokenTest do\n  use ExUnit.Case\n\n  test "never runs" do\n    assert 1 ==\n  end\nend\n');
    try {
      await tests.refresh();
      const fileItem = child(child(tests.items, folder.name), 'test/broken_test.exs');
      const { sink, reported } = recorder();
      await tests.runTests(new vscode.TestRunRequest([fileItem]), NONE, sink);
      const label = `${folder.name} > test/broken_test.exs > BrokenTest > never runs`;
      assert.equal(reported.states.get(label), 'errored', reported.output);
      const location = reported.messages.get(label)?.[0]?.location;
      assert.ok(location, 'the error has a location');
      assert.equal(location.uri.fsPath, broken);
      assert.ok(location.range.start.line >= 4, `line ${location.range.start.line}`);
    } finally {
      await rm(broken, { force: true });
      await tests.refresh();
    }
  });

  it('shows a project file that does not compile on the project\'s item, at its line', async () => {
    const broken = join(folder.uri.fsPath, 'lib', 'hello_phoenix', 'broken_for_tests.ex');
    await writeFile(broken, 'defmodule HelloPhoenix.BrokenForTests do\n  def answer do\n    undefined_name\n  end\nend\n');
    try {
      const fileItem = child(child(tests.items, folder.name), 'test/hello_phoenix_web_test.exs');
      const { sink, reported } = recorder();
      await tests.runTests(new vscode.TestRunRequest([fileItem]), NONE, sink);
      assert.equal(reported.states.get(folder.name), 'errored', reported.output);
      const [message, ...others] = reported.messages.get(folder.name) ?? [];
      assert.deepEqual(others, []);
      assert.match(typeof message?.message === 'string' ? message.message : '', /^CompileError: undefined function undefined_name\/0/);
      assert.equal(message?.location?.uri.fsPath, broken);
      assert.equal(message.location.range.start.line, 2);
    } finally {
      await rm(broken, { force: true });
    }
  });

  it('stops the test run in the container when it is cancelled', async () => {
    const slow = join(folder.uri.fsPath, 'test', 'slow_test.exs');
    await writeFile(slow, 'defmodule SlowTest do\n  use ExUnit.Case\n\n  @tag timeout: :infinity\n  test "takes its time" do\n    Process.sleep(600_000)\n  end\nend\n');
    try {
      await tests.refresh();
      const fileItem = child(child(tests.items, folder.name), 'test/slow_test.exs');
      const { sink, reported } = recorder();
      const cancel = new vscode.CancellationTokenSource();
      const running = tests.runTests(new vscode.TestRunRequest([fileItem]), cancel.token, sink);
      await waitFor(() => [...reported.states.values()].includes('started'), 'the slow test to start', 60_000);
      assert.ok((await processesWith('slow_test.exs', true)).length > 0, 'the test VM runs in the container');
      cancel.cancel();
      await running;
      assert.ok(reported.ended);
      await waitFor(async () => (await processesWith('slow_test.exs', true)).length === 0, 'the test VM in the container to end', 15_000);
    } finally {
      await rm(slow, { force: true });
      await tests.refresh();
    }
  });

  it('stops its runs in the container when it is disposed (a window reload)', async () => {
    const slow = join(folder.uri.fsPath, 'test', 'outliving_test.exs');
    await writeFile(slow, 'defmodule OutlivingTest do\n  use ExUnit.Case\n\n  @tag timeout: :infinity\n  test "takes its time" do\n    Process.sleep(600_000)\n  end\nend\n');
    const disposed = new ContainerTests(mix, log, 'phoenix.exunit.integrationTest.disposed');
    try {
      await disposed.refresh();
      const fileItem = child(child(disposed.items, folder.name), 'test/outliving_test.exs');
      const { sink, reported } = recorder();
      const running = disposed.runTests(new vscode.TestRunRequest([fileItem]), NONE, sink);
      await waitFor(() => [...reported.states.values()].includes('started'), 'the slow test to start', 60_000);
      assert.ok((await processesWith('outliving_test.exs', true)).length > 0, 'the test VM runs in the container');
      disposed.dispose();
      await running;
      assert.ok(reported.ended);
      await waitFor(async () => (await processesWith('outliving_test.exs', true)).length === 0, 'the test VM in the container to end', 15_000);
    } finally {
      disposed.dispose();
      await rm(slow, { force: true });
    }
  });

  it('errors the tests that never reported when the test VM stops with an exit code; ids stay when lines move', async () => {
    const halting = join(folder.uri.fsPath, 'test', 'halting_test.exs');
    const source = (above: string) => `defmodule HaltingTest do\n  use ExUnit.Case\n${above}\n  test "halts the VM" do\n    System.halt(3)\n  end\nend\n`;
    await writeFile(halting, source(''));
    try {
      await tests.refresh();
      const fileItem = child(child(tests.items, folder.name), 'test/halting_test.exs');
      const test = child(child(fileItem, 'HaltingTest'), 'halts the VM');
      const { sink, reported } = recorder();
      await tests.runTests(new vscode.TestRunRequest([fileItem]), NONE, sink);
      assert.equal(reported.states.get(labelPath(test)), 'errored', reported.output);
      const [message] = reported.messages.get(labelPath(test)) ?? [];
      assert.ok(message);
      assert.match(typeof message.message === 'string' ? message.message : message.message.value, /exit code 3/);
      await writeFile(halting, source('\n  # moved down\n\n'));
      await tests.refresh();
      const moved = child(child(child(child(tests.items, folder.name), 'test/halting_test.exs'), 'HaltingTest'), 'halts the VM');
      assert.equal(moved.range?.start.line, test.range ? test.range.start.line + 3 : undefined);
      assert.equal(moved.id, test.id);
    } finally {
      await rm(halting, { force: true });
      await tests.refresh();
    }
  });

  it('shows the results of tests the source does not show (defined in a loop) under the describe block run, and no item for the others', async () => {
    const generated = join(folder.uri.fsPath, 'test', 'generated_test.exs');
    const loop = (block: string, names: string) => `  describe "${block}" do\n    for name <- ${names} do\n      test name do\n        assert true\n      end\n    end\n  end\n`;
    await writeFile(generated, `defmodule GeneratedTest do\n  use ExUnit.Case\n\n${loop('made', '["loop 1", "loop 2"]')}\n${loop('other', '["elsewhere"]')}end\n`);
    try {
      await tests.refresh();
      const fileItem = () => child(child(tests.items, folder.name), 'test/generated_test.exs');
      const module = () => child(fileItem(), 'GeneratedTest');
      assert.equal(child(module(), 'made').children.size, 0, 'the source shows no test in the loop');
      const { sink, reported } = recorder();
      await tests.runTests(new vscode.TestRunRequest([child(module(), 'made')]), NONE, sink);
      const block = child(module(), 'made');
      const states = `${[...reported.states].join('\n')}\n${reported.output}`;
      // Items are added in the order the tests ran, which ExUnit randomizes.
      const ran = [...block.children].map(([, item]) => item).sort((a, b) => a.label.localeCompare(b.label));
      assert.deepEqual(ran.map((item) => item.label), ['loop 1', 'loop 2'], states);
      assert.deepEqual(ran.map((item) => reported.states.get(labelPath(item))), ['passed', 'passed'], states);
      // The other block's test did not run (ExUnit reports it excluded): it gets no item, here or under the file.
      assert.match(reported.output, / 0 failures, 1 excluded/);
      assert.equal(child(module(), 'other').children.size, 0);
      assert.deepEqual([...fileItem().children].map(([, item]) => item.label), ['GeneratedTest']);
      assert.deepEqual([...module().children].map(([, item]) => item.label), ['made', 'other']);
    } finally {
      await rm(generated, { force: true });
      await tests.refresh();
    }
  });

  it('gives no result to the tests the request excludes', async () => {
    const fileItem = child(child(tests.items, folder.name), 'test/hello_phoenix/greeter_test.exs');
    const module = child(fileItem, 'HelloPhoenix.GreeterTest');
    const excluded = child(child(module, 'hello/1'), 'says "hi" to #{"Grace"}');
    const { sink, reported } = recorder();
    await tests.runTests(new vscode.TestRunRequest([fileItem], [excluded]), NONE, sink);
    assert.equal(reported.states.get(labelPath(child(child(module, 'hello/1'), 'greets by name'))), 'passed', reported.output);
    assert.equal(reported.states.get(labelPath(child(module, 'waves goodbye'))), 'skipped');
    assert.equal(reported.states.has(labelPath(excluded)), false);
  });

  /** Runs the `mix` provider's compile task of the folder, as Tasks: Run Task does, until it ends. */
  async function runCompileTask(): Promise<void> {
    const compileTask = (await vscode.tasks.fetchTasks({ type: 'mix' })).find((task) => task.definition['task'] === 'compile' && typeof task.scope === 'object' && task.scope.uri.toString() === folder.uri.toString());
    assert.ok(compileTask, 'the mix task provider offers compile');
    assert.deepEqual(compileTask.problemMatchers, [], 'the task reads its output itself, without problem matchers');
    await runTaskToEnd(compileTask);
  }

  /** Runs `task` as Tasks: Run Task does, until it ends. */
  async function runTaskToEnd(task: vscode.Task): Promise<void> {
    const ended = new Promise<void>((resolve) => {
      const listener = vscode.tasks.onDidEndTask((event) => {
        if (event.execution.task.definition['task'] !== task.definition['task']) return;
        listener.dispose();
        resolve();
      });
    });
    await vscode.tasks.executeTask(task);
    await ended;
  }

  const mixProblems = (file: string): vscode.Diagnostic[] => vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((diagnostic) => diagnostic.source === 'mix');
  const warned = () => join(folder.uri.fsPath, 'lib', 'hello_phoenix', 'warned.ex');

  it('runs a mix task in the container whose compile warning lands in Problems at the workspace path', async () => {
    await writeFile(warned(), 'defmodule HelloPhoenix.Warned do\n  def twice(unused), do: 2\nend\n');
    try {
      await runCompileTask();
      const [warning, ...others] = await waitFor(() => {
        const found = mixProblems(warned());
        return found.length > 0 ? found : undefined;
      }, 'the warning in Problems', 30_000);
      assert.ok(warning);
      assert.deepEqual(others, []);
      assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(warning.range.start.line, 1);
      assert.equal(warning.message, 'variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)');
      // A compile with nothing to recompile prints no warning, and says nothing of those still there: they stay.
      await runCompileTask();
      assert.deepEqual(mixProblems(warned()).map((diagnostic) => diagnostic.message), [warning.message]);
    } finally {
      await rm(warned(), { force: true });
    }
  });

  it('puts a compile error through the mix task in Problems as an error on its line, replacing the earlier run\'s', async () => {
    const broken = join(folder.uri.fsPath, 'lib', 'hello_phoenix', 'broken.ex');
    await writeFile(broken, 'defmodule HelloPhoenix.Broken do\n  def answer do\n    undefined_name\n  end\nend\n');
    try {
      await runCompileTask();
      const error = await waitFor(() => mixProblems(broken).find((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error), 'the error in Problems', 30_000);
      assert.equal(error.range.start.line, 2);
      assert.equal(error.code, 'CompileError');
      assert.match(error.message, /undefined function undefined_name\/0/);
      // The warning of the run before, in a file since removed, went when this run started.
      assert.deepEqual(mixProblems(warned()), []);
    } finally {
      await rm(broken, { force: true });
    }
  });

  it('stops a mix task still running when its provider goes (the extension deactivated), in the container too', async () => {
    // A provider of its own beside the extension's, disposed while its task runs.
    const provider = new MixTaskProvider(mix);
    // It says when it sleeps (its project compiled, app.config done) by a file in the project folder.
    const started = join(folder.uri.fsPath, 'outlives_provider.started');
    const code = 'File.write!("outlives_provider.started", ""); IO.puts("outlives its provider"); Process.sleep(60_000)';
    const task = provider.task(folder, { type: 'mix', task: 'eval', args: [code] });
    const exited = new Promise<number | undefined>((resolve) => {
      const listener = vscode.tasks.onDidEndTaskProcess((event) => {
        if (event.execution.task.name !== task.name) return;
        listener.dispose();
        resolve(event.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    try {
      await waitFor(() => stat(started).then(() => true, () => false), 'the task to run in the container', 120_000);
    } finally {
      await rm(started, { force: true });
    }
    provider.dispose();
    assert.equal(await exited, 130);
    await waitFor(async () => (await processesWith('outlives its provider', true)).length === 0, 'the task in the container to end', 15_000);
  });

  it('lists the project\'s own mix tasks from mix help in the container', async () => {
    const project = projects.all[0];
    assert.ok(project);
    const container = await mix.container(project, false);
    const mixProject = (await mix.mixProjects()).find((candidate) => candidate.project === project);
    assert.ok(container && mixProject);
    const help = await mix.run(container, mixProject, mixCommand('plain', ['help']));
    const tasks = parseMixHelp(help.stdout).map((task) => task.task);
    assert.ok(tasks.includes('compile') && tasks.includes('phx.server'), tasks.join(' '));
  });

  it('formats a document with mix format in the container, with the project\'s .formatter.exs', async () => {
    const file = join(folder.uri.fsPath, 'lib', 'hello_phoenix', 'unformatted.ex');
    await writeFile(file, 'defmodule HelloPhoenix.Unformatted do\n  route   :get, "/"\n  def  add(a,b),   do: a+b\nend\n');
    try {
      const document = await vscode.workspace.openTextDocument(file);
      const edits = await vscode.commands.executeCommand<vscode.TextEdit[] | undefined>('vscode.executeFormatDocumentProvider', document.uri, { tabSize: 2, insertSpaces: true });
      assert.ok(edits !== undefined && edits.length > 0, 'the formatter gave edits');
      // VS Code hands the provider's whole-document edit over as the smallest edits that make it.
      const edit = new vscode.WorkspaceEdit();
      edit.set(document.uri, edits);
      assert.ok(await vscode.workspace.applyEdit(edit));
      // `route` stays without parentheses: .formatter.exs's locals_without_parens applied.
      assert.equal(document.getText(), 'defmodule HelloPhoenix.Unformatted do\n  route :get, "/"\n  def add(a, b), do: a + b\nend\n');
      await document.save();
      const formatted = join(folder.uri.fsPath, 'lib', 'hello_phoenix', 'greeter.ex');
      const unchanged = await vscode.commands.executeCommand<vscode.TextEdit[] | undefined>('vscode.executeFormatDocumentProvider', vscode.Uri.file(formatted), { tabSize: 2, insertSpaces: true });
      assert.deepEqual(unchanged ?? [], []);
    } finally {
      await rm(file, { force: true });
    }
  });

  describe('while the app container is stopped (it exited, or the user stopped it)', () => {
    let appId = '';
    /** The compose project's containers, as "name state", one-off containers included. */
    const projectContainers = async (): Promise<string[]> => {
      const project = projects.all[0];
      assert.ok(project);
      return (await docker('ps', '-a', '--filter', `label=com.docker.compose.project=${project.composeProject}`, '--format', '{{.ID}} {{.State}} {{.Label "com.docker.compose.oneoff"}}')).split('\n').filter((line) => line !== '');
    };
    /** A ContainerMix whose user answers the offer with `answer`, and the projects it asked about. */
    const answering = (answer: WhenDown, session = compose): { mix: ContainerMix; asked: string[] } => {
      const asked: string[] = [];
      return { asked, mix: new ContainerMix(projects, engine, session, (project) => { asked.push(project.folder.name); return Promise.resolve(answer); }) };
    };

    before(async () => {
      const project = projects.all[0];
      assert.ok(project);
      const app = phoenixContainer(await engine.listComposeContainers(project.composeProject));
      assert.ok(app?.state === 'running', 'the app container runs before the test stops it');
      appId = app.id.slice(0, 12);
      await docker('stop', appId);
    });

    for (const { flavour, label } of [{ flavour: 'docker compose', label: 'v2' }, { flavour: 'docker-compose', label: 'v1' }] as const) {
      it(`runs a test file in a one-off container of the app service when asked to (compose ${label}): results at the workspace's paths, no container left`, async () => {
        const session = new ComposeSession(settingsWith(flavour));
        const { mix: oneOffMix, asked } = answering('one-off', session);
        const oneOffTests = new ContainerTests(oneOffMix, log, `phoenix.exunit.integrationTest.oneOff.${label}`);
        try {
          await oneOffTests.refresh();
          const fileItem = child(child(oneOffTests.items, folder.name), 'test/hello_phoenix/greeter_test.exs');
          const { sink, reported } = recorder();
          await oneOffTests.runTests(new vscode.TestRunRequest([fileItem]), NONE, sink);
          assert.deepEqual(asked, [folder.name]);
          const file = `${folder.name} > test/hello_phoenix/greeter_test.exs > HelloPhoenix.GreeterTest`;
          assert.equal(reported.states.get(`${file} > hello/1 > greets by name`), 'passed', `${[...reported.states].join('\n')}\n${reported.output}`);
          assert.equal(reported.states.get(`${file} > waves goodbye`), 'skipped');
          assert.equal(reported.states.get(`${file} > doctest HelloPhoenix.Greeter > HelloPhoenix.Greeter.hello/1 (1)`), 'passed');
          assert.equal(reported.states.get(`${file} > hello/1 > says "hi" to #{"Grace"}`), 'failed');
          const [failure] = reported.messages.get(`${file} > hello/1 > says "hi" to #{"Grace"}`) ?? [];
          assert.equal(failure?.location?.uri.fsPath, greeterFile());
          assert.equal(failure.location.range.start.line, 12);
          assert.match(reported.output, /mix test test\/hello_phoenix\/greeter_test\.exs in a one-off container of the app service/);
          assert.match(reported.output, /1 doctest, 3 tests, 1 failure, 1 skipped/);
          // Only the app's own container is left, still stopped: the one-off one was removed, the app not started.
          assert.deepEqual(await projectContainers(), [`${appId} exited False`]);
        } finally {
          oneOffTests.dispose();
          session.dispose();
        }
      });
    }

    it('runs a mix task in a one-off container, with its compile error in Problems at the workspace path', async () => {
      // A file of its own: an earlier test's Problems for another file must not answer for this run.
      const broken = join(folder.uri.fsPath, 'lib', 'hello_phoenix', 'broken_in_one_off.ex');
      await writeFile(broken, 'defmodule HelloPhoenix.Broken do\n  def oops, do: undefined_call()\nend\n');
      const { mix: oneOffMix, asked } = answering('one-off');
      const provider = new MixTaskProvider(oneOffMix);
      try {
        await runTaskToEnd(provider.task(folder, { type: MIX_TASK_TYPE, task: 'compile' }));
        assert.deepEqual(asked, [folder.name]);
        const diagnostics = await waitFor(() => {
          const found = mixProblems(broken);
          return found.length > 0 ? found : undefined;
        }, 'the compile error in Problems', 30_000);
        assert.deepEqual(diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.range.start.line]), [[vscode.DiagnosticSeverity.Error, 1]]);
        assert.deepEqual(await projectContainers(), [`${appId} exited False`]);
      } finally {
        await rm(broken, { force: true });
      }
    });

    it('stops and removes the one-off container when the run is cancelled; the container publishes no port and runs the command, not the entrypoint', async () => {
      const slow = join(folder.uri.fsPath, 'test', 'slow_test.exs');
      await writeFile(slow, 'defmodule SlowTest do\n  use ExUnit.Case\n\n  @tag timeout: :infinity\n  test "takes its time" do\n    Process.sleep(600_000)\n  end\nend\n');
      const { mix: oneOffMix } = answering('one-off');
      const oneOffTests = new ContainerTests(oneOffMix, log, 'phoenix.exunit.integrationTest.oneOffCancel');
      try {
        await oneOffTests.refresh();
        const fileItem = child(child(oneOffTests.items, folder.name), 'test/slow_test.exs');
        const { sink, reported } = recorder();
        const cancel = new vscode.CancellationTokenSource();
        const running = oneOffTests.runTests(new vscode.TestRunRequest([fileItem]), cancel.token, sink);
        await waitFor(() => [...reported.states.values()].includes('started'), 'the slow test to start', 120_000);
        const [oneOff, ...others] = (await projectContainers()).filter((line) => line.endsWith(' True'));
        assert.ok(oneOff !== undefined && others.length === 0, (await projectContainers()).join('\n'));
        const id = oneOff.split(' ')[0] ?? '';
        assert.equal(await docker('inspect', '--format', '{{json .NetworkSettings.Ports}}|{{index .Config.Cmd 0}} {{index .Config.Cmd 1}}', id), '{}|sh -c');
        assert.ok((await processesWith('slow_test.exs', true)).length > 0, 'the test VM runs in the one-off container');
        cancel.cancel();
        await running;
        assert.ok(reported.ended);
        assert.deepEqual(await projectContainers(), [`${appId} exited False`]);
        await waitFor(async () => (await processesWith('slow_test.exs', true)).length === 0, 'the test VM to end', 15_000);
      } finally {
        oneOffTests.dispose();
        await rm(slow, { force: true });
      }
    });

    it('Format Document asks nothing and starts no one-off container: format on save stays quiet', async () => {
      const { mix: quietMix, asked } = answering('one-off');
      const formatter = new ContainerFormatter(quietMix, settings);
      try {
        const document = await vscode.workspace.openTextDocument(join(folder.uri.fsPath, 'lib', 'hello_phoenix', 'greeter.ex'));
        assert.equal(await formatter.format(document, NONE), undefined);
        assert.deepEqual(asked, []);
        assert.deepEqual(await projectContainers(), [`${appId} exited False`]);
      } finally {
        formatter.dispose();
      }
    });
  });
});
