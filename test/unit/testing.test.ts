import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverTests, MAX_TEST_FILE_LENGTH, type DiscoveredEntry } from '../../src/core/testing/discovery';
import type { CompilerOutputContext } from '../../src/core/testing/compilerDiagnostics';
import { blockOf, placesOf, reportedTestId, withIds } from '../../src/core/testing/itemIds';
import { parseOutputLine, runCompileErrors, type RunCompileError } from '../../src/core/testing/events';
import { containerProjectRoot, toWorkspacePath, workspacePathsInLine } from '../../src/core/testing/paths';
import { formatCommand, mixTaskCommand, parseMixHelp } from '../../src/core/testing/mixTasks';
import { runProcess } from '../../src/docker/process';
import { ELIXIR_VERSION_VARIABLE, NO_MIX_MARKER, FORMATTER_MODULE, TEST_EVENTS_VARIABLE, TEST_FORMATTER_SOURCE, TEST_FORMATTER_VARIABLE, MAX_CONFIG_FILE_LENGTH, mixCommand, testBatches, testCommand, testsNeedContainerConfig } from '../../src/core/testing/run';
import { CONTAINER_CONFIG_VARIABLE } from '../../src/core/scaffold/containerConfig';
import { compiled, runBounded } from './support/bounded';
import { readCompilerOutput } from './support/compilerOutput';

/** An entry as `kind name @line [tags]`, its children indented below it. */
function outline(entries: readonly DiscoveredEntry[], indent = ''): string[] {
  return entries.flatMap((entry) => [
    `${indent}${entry.kind} ${entry.name} @${entry.line}${entry.tags.length > 0 ? ` [${entry.tags.join(',')}]` : ''}`,
    ...outline(entry.children, `${indent}  `),
  ]);
}

describe('test discovery from source text', () => {
  it('finds modules, nested describe blocks, tests, doctests and tags; setup blocks and helpers are not tests', () => {
    const source = [
      'defmodule MyApp.AccountsTest do', // 1
      '  use MyApp.DataCase, async: true',
      '  doctest MyApp.Accounts',
      '',
      '  setup do', // 5
      '    %{user: insert(:user)}',
      '  end',
      '',
      '  describe "register/1" do',
      '    setup [:create_org]', // 10
      '',
      '    @tag :skip',
      '    test "with valid data", %{user: user} do',
      '      assert {:ok, _} = Accounts.register(user)',
      '    end', // 15
      '',
      '    @tag slow: true, timeout: 60_000',
      '    test("rejects a duplicate") do',
      '      Enum.each([1, 2], fn n -> assert n > 0 end)',
      '    end', // 20
      '',
      '    describe "nested" do',
      '      test "inner", do: assert(true)',
      '    end',
      '  end', // 25
      '',
      '  test "after the describe" do',
      '    if true do :ok else :error end',
      '  end',
      '', // 30
      '  defp helper(test), do: test',
      'end',
    ].join('\n');
    assert.deepEqual(outline(discoverTests(source)), [
      'module MyApp.AccountsTest @1',
      '  doctest MyApp.Accounts @3',
      '  describe register/1 @9',
      '    test with valid data @13 [skip]',
      '    test rejects a duplicate @18 [slow,timeout]',
      '    describe nested @22',
      '      test inner @23',
      '  test after the describe @27',
    ]);
  });

  it('reads names with quotes, escapes, interpolation and sigils, and is not fooled by strings, comments, heredocs and char literals', () => {
    const source = [
      'defmodule QuotesTest do', // 1
      '  use ExUnit.Case',
      '  @moduledoc """',
      '  test "in a heredoc" do',
      '  end', // 5
      '  """',
      '  # test "in a comment" do',
      '  test "says \\"hi\\" to #{"Grace" <> "}"}" do',
      '    assert "do" == ~s(end)',
      '    assert ?" == 34', // 10
      '    assert ?# == 35',
      '  end',
      '',
      '  test ~S(a sigil #{name}) do',
      '    assert ~r/end/ != nil', // 15
      '  end',
      "  test 'a charlist' do",
      '    assert [do: 1, end: 2] == Keyword.new(do: 1, end: 2)',
      '  end',
      '', // 20
      '  for n <- 1..3 do',
      '    test "generated #{n}" do',
      '      assert n > 0',
      '    end',
      '  end', // 25
      'end',
      'defmodule SecondTest do',
      '  use ExUnit.Case',
      '  test "second", do: :ok',
      'end', // 30
    ].join('\n');
    assert.deepEqual(outline(discoverTests(source)), [
      'module QuotesTest @1',
      '  test says "hi" to #{"Grace" <> "}"} @8',
      '  test a sigil #{name} @14',
      '  test a charlist @17',
      '  test generated #{n} @22',
      'module SecondTest @27',
      '  test second @29',
    ]);
  });

  it('reads every key of an `@tag`, up to the next attribute on its line, not to an `@` in a value', () => {
    const source = [
      'defmodule TagsTest do',
      '  @tag email: "a@b", slow: true',
      '  test "one", do: :ok',
      '  @tag :first @tag second: true',
      '  test "two", do: :ok',
      'end',
    ].join('\n');
    assert.deepEqual(outline(discoverTests(source)), ['module TagsTest @1', '  test one @3 [email,slow]', '  test two @5 [first,second]']);
  });

  it('gives nothing for a file without tests, a broken file or an oversized one, without failing', () => {
    assert.deepEqual(discoverTests(''), []);
    assert.deepEqual(discoverTests('ExUnit.start()\n'), []);
    // Unterminated: what was found before the break is kept.
    assert.deepEqual(outline(discoverTests('defmodule BrokenTest do\n  test "one" do\n    assert "unterminated\n  end\nend\n')), ['module BrokenTest @1', '  test one @2']);
    assert.deepEqual(discoverTests(`defmodule BigTest do\n${' '.repeat(MAX_TEST_FILE_LENGTH)}\nend`), []);
  });

  it('reads a large generated test file, and deeply nested interpolations, in bounded time', async () => {
    const file = ['defmodule BigTest do', ...Array.from({ length: 20_000 }, (_, i) => `  test "n #{${i}}" do\n    assert ${i} == ${i}\n  end`), 'end'].join('\n');
    const { value, ms } = await runBounded<DiscoveredEntry[]>({ modulePath: compiled('src/core/testing/discovery'), name: 'discoverTests', args: [file] }, { deadlineMs: 20_000 });
    assert.equal(value[0]?.children.length, 20_000);
    assert.ok(ms < 2000, `${ms} ms`);
    const nested = `defmodule N do\n  test "${'#{"'.repeat(50_000)}" do\n  end\nend`;
    const deep = await runBounded<DiscoveredEntry[]>({ modulePath: compiled('src/core/testing/discovery'), name: 'discoverTests', args: [nested] }, { deadlineMs: 20_000 });
    assert.ok(deep.ms < 2000, `${deep.ms} ms`);
    // One line of many `@tag`s: each is read to the next one, not to the end of the line.
    for (const tag of ['@tag ', '@tag']) {
      const tags = `defmodule T do\n${tag.repeat(Math.floor((MAX_TEST_FILE_LENGTH - 20) / tag.length))}\nend`;
      const line = await runBounded<DiscoveredEntry[]>({ modulePath: compiled('src/core/testing/discovery'), name: 'discoverTests', args: [tags] }, { deadlineMs: 20_000 });
      assert.equal(line.value[0]?.name, 'T');
      assert.ok(line.ms < 1000, `${JSON.stringify(tag)}: ${line.ms} ms`);
    }
  });
});

describe('test item ids', () => {
  /** Every entry's id, depth first. */
  function ids(parentId: string, entries: readonly DiscoveredEntry[]): string[] {
    return withIds(parentId, entries).flatMap(({ entry, id }) => [id, ...ids(id, entry.children)]);
  }

  it('builds ids from the module, describe, kind and name, not the line: a count only for a name written again', () => {
    const source = (blank: string) => `defmodule GreeterTest do\n${blank}  doctest Greeter\n  describe "hello/1" do\n    test "greets" do\n    end\n    test "greets" do\n    end\n  end\n  test "a/b \\"c\\"" do\n  end\n  test "greets" do\n  end\nend\n`;
    const before = ids('file:f', discoverTests(source('')));
    assert.deepEqual(before, [
      'file:f/module:GreeterTest',
      'file:f/module:GreeterTest/doctest:Greeter',
      'file:f/module:GreeterTest/describe:hello%2F1',
      'file:f/module:GreeterTest/describe:hello%2F1/test:greets',
      'file:f/module:GreeterTest/describe:hello%2F1/test:greets#2',
      'file:f/module:GreeterTest/test:a%2Fb%20%22c%22',
      'file:f/module:GreeterTest/test:greets',
    ]);
    // Lines added above the tests move them, not their ids.
    assert.deepEqual(ids('file:f', discoverTests(source('\n\n  @moduletag :slow\n'))), before);
    assert.equal(reportedTestId('file:f/module:M/doctest:Greeter', 'doctest Greeter.hello/1 (1)'), 'file:f/module:M/doctest:Greeter/ran:doctest%20Greeter.hello%2F1%20(1)');
  });

  it('never gives a name written again the id of a sibling named like its count', () => {
    const entries = ['foo', 'foo', 'foo~2', 'foo#2', 'foo%232'].map((name) => ({ kind: 'test', name }));
    const all = withIds('m', entries).map(({ id }) => id);
    assert.equal(new Set(all).size, entries.length, all.join(' '));
  });

  it('places a test the source does not show under its describe block, else its module; a test at its line', () => {
    const source = [
      'defmodule Outer do', // 1
      '  defmodule PropsTest do',
      '    use ExUnitProperties',
      '    describe "sum/2" do',
      '      property "commutes" do', // 5
      '      end',
      '      test "zero" do',
      '      end',
      '    end',
      '    describe "other" do', // 10
      '    end',
      '  end',
      'end',
    ].join('\n');
    const places = placesOf('file:f', discoverTests(source));
    assert.equal(blockOf(places, 'Outer.PropsTest', 'sum/2'), 'file:f/module:Outer/module:PropsTest/describe:sum%2F2');
    assert.equal(blockOf(places, 'Outer.PropsTest', 'other'), 'file:f/module:Outer/module:PropsTest/describe:other');
    // A describe block the source does not show: its module.
    assert.equal(blockOf(places, 'Outer.PropsTest', 'made by a macro'), 'file:f/module:Outer/module:PropsTest');
    assert.equal(blockOf(places, 'Outer.PropsTest', undefined), 'file:f/module:Outer/module:PropsTest');
    assert.equal(blockOf(places, 'Outer', undefined), 'file:f/module:Outer');
    assert.equal(blockOf(places, 'PropsTest', 'sum/2'), undefined);
    assert.deepEqual([...places.atLine], [[7, 'file:f/module:Outer/module:PropsTest/describe:sum%2F2/test:zero']]);
  });
});

describe('test run events', () => {
  const prefix = '\u0001phoenix-test-0123:';

  it('reads a finished test with its failure, diff and stack, and keeps the output around it', () => {
    const event = {
      event: 'test_finished', module: 'HelloPhoenix.GreeterTest', name: 'test hello/1 says "hi"', file: '/app/test/greeter_test.exs', line: 12,
      describe: 'hello/1', doctest: false, state: 'failed', time_us: 2298,
      failures: [{ message: 'Assertion with == failed', expr: 'assert a == b', left: '"Hello"', right: '"Hi"', stack: [{ file: '/app/test/greeter_test.exs', line: 13, text: 'test/greeter_test.exs:13: (test)' }, { text: '(elixir) lib/enum.ex' }] }],
    };
    const parsed = parseOutputLine(`..${prefix}${JSON.stringify(event)}`, prefix);
    assert.equal(parsed.output, '..');
    assert.deepEqual(parsed.event, {
      event: 'test_finished', module: 'HelloPhoenix.GreeterTest', name: 'test hello/1 says "hi"', file: '/app/test/greeter_test.exs', line: 12,
      describe: 'hello/1', doctest: false, state: 'failed', timeUs: 2298, reason: undefined,
      failures: [{
        message: 'Assertion with == failed', expr: 'assert a == b', left: '"Hello"', right: '"Hi"',
        stack: [{ file: '/app/test/greeter_test.exs', line: 13, text: 'test/greeter_test.exs:13: (test)' }, { file: undefined, line: undefined, text: '(elixir) lib/enum.ex' }],
      }],
    });
  });

  it('reads started, skipped, setup_all failures and the end of the suite', () => {
    const started = parseOutputLine(`${prefix}{"event":"test_started","module":"M","name":"test a","file":"/app/test/a_test.exs","line":3,"describe":null,"doctest":false}`, prefix);
    assert.equal(started.event?.event, 'test_started');
    const skipped = parseOutputLine(`${prefix}{"event":"test_finished","module":"M","name":"test a","file":"/app/test/a_test.exs","line":3,"state":"skipped","reason":"due to skip tag","time_us":0}`, prefix);
    assert.ok(skipped.event?.event === 'test_finished');
    assert.equal(skipped.event.state, 'skipped');
    assert.equal(skipped.event.reason, 'due to skip tag');
    const moduleFailed = parseOutputLine(`${prefix}{"event":"module_failed","module":"M","file":"/app/test/a_test.exs","failures":[{"message":"** (RuntimeError) setup_all","stack":[]}]}`, prefix);
    assert.ok(moduleFailed.event?.event === 'module_failed');
    assert.equal(moduleFailed.event.failures[0]?.message, '** (RuntimeError) setup_all');
    assert.deepEqual(parseOutputLine(`${prefix}{"event":"suite_finished"}`, prefix).event, { event: 'suite_finished' });
  });

  it('treats a line without the run\'s prefix, a forged or cut event and an unknown state as output', () => {
    for (const line of [
      'test/a_test.exs:3: warning',
      `\u0001phoenix-test-other:{"event":"suite_finished"}`,
      `${prefix}{"event":"test_finished","module":"M","name":"t","file":"/app/a.exs","line":1,"state":"exploded"}`,
      `${prefix}{"event":"test_finished","module":"M"`,
      `${prefix}[1,2]`,
    ]) {
      assert.deepEqual(parseOutputLine(line, prefix), { output: line, event: undefined }, line);
    }
    assert.deepEqual(parseOutputLine('anything', ''), { output: 'anything', event: undefined });
  });
});

describe('compile errors that stop a test run', () => {
  const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'compiler');
  const SHOP: CompilerOutputContext = { containerRoot: '/app', app: 'shop', umbrella: undefined };
  const paths = { container: '/app', workspace: '/home/ada/shop' };
  /** What the Testing view puts on the items: the run's output read by the compiler's reader, its errors in the workspace. */
  const errorsOf = (output: string, context = SHOP, at = paths): RunCompileError[] => runCompileErrors(readCompilerOutput(output, context), at);

  it('places Elixir 1.16\'s error, which the exception after it says only was logged, at its test file and column', async () => {
    assert.deepEqual(errorsOf(await readFile(join(FIXTURES, 'elixir-1.16-test-errors.txt'), 'utf8')), [{
      file: '/home/ada/shop/test/broken_test.exs',
      line: 5,
      column: 12,
      message: 'undefined function nope/0 (expected BrokenTest to define such a function or for it to be imported, but none are available)',
    }]);
  });

  it('places Elixir 1.16\'s syntax error once, named by its exception, and Elixir 1.14\'s', async () => {
    assert.deepEqual(errorsOf(await readFile(join(FIXTURES, 'elixir-1.16-test-syntax-error.txt'), 'utf8')), [{ file: '/home/ada/shop/test/broken_test.exs', line: 6, column: 3, message: 'SyntaxError: syntax error before: end' }]);
    const [old, ...others] = errorsOf(await readFile(join(FIXTURES, 'elixir-1.14-test-syntax-error.txt'), 'utf8'));
    assert.deepEqual(others, []);
    assert.equal(old?.file, '/home/ada/shop/test/broken_test.exs');
    assert.equal(old.line, 6);
    assert.match(old.message, /^SyntaxError: syntax error before: end\./);
  });

  it('leaves the warnings out, and places an umbrella app\'s sibling\'s error under its folder, on Windows too', async () => {
    const umbrella: CompilerOutputContext = { containerRoot: '/workspace', app: 'alpha', umbrella: { appsPath: 'apps', apps: ['alpha', 'beta'] } };
    const windows = { container: '/workspace', workspace: 'C:\\Users\\ada\\um' };
    assert.deepEqual(errorsOf(await readFile(join(FIXTURES, 'elixir-1.14-umbrella-app-test.txt'), 'utf8'), umbrella, windows).map((error) => `${error.file}:${error.line}`), ['C:\\Users\\ada\\um\\apps\\beta\\lib\\beta.ex:2']);
    assert.deepEqual(errorsOf('warning: variable "x" is unused\n  test/a_test.exs:3: ATest."test a"/1\n'), []);
  });
});

describe('paths between the container and the workspace', () => {
  const paths = { container: '/app', workspace: '/home/ada/shop' };

  it('maps a container file to the workspace, and nothing outside the project', () => {
    assert.equal(toWorkspacePath(paths, '/app/test/shop_test.exs'), '/home/ada/shop/test/shop_test.exs');
    assert.equal(toWorkspacePath(paths, '/app'), '/home/ada/shop');
    assert.equal(toWorkspacePath(paths, '/application/x.ex'), undefined);
    assert.equal(toWorkspacePath(paths, '/usr/lib/elixir/lib/enum.ex'), undefined);
    assert.equal(toWorkspacePath(paths, '/app/../etc/passwd'), undefined);
    const windows = { container: '/workspace', workspace: 'C:\\Users\\ada\\shop' };
    assert.equal(toWorkspacePath(windows, '/workspace/test/a_test.exs'), 'C:\\Users\\ada\\shop\\test\\a_test.exs');
  });

  it('finds the project root in the container from its bind mount, else the working directory', () => {
    const mounts = [
      { type: 'volume', source: '/var/lib/docker/volumes/deps', destination: '/app/deps' },
      { type: 'bind', source: '/home/ada/shop', destination: '/app' },
    ];
    assert.equal(containerProjectRoot('/home/ada/shop', mounts, '/app'), '/app');
    // An adopted service that mounts the folder above the project.
    assert.equal(containerProjectRoot('/home/ada/shop', [{ type: 'bind', source: '/home/ada', destination: '/src/' }], '/src'), '/src/shop');
    assert.equal(containerProjectRoot('/home/ada/shop', [], '/opt/app'), '/opt/app');
    assert.equal(containerProjectRoot('/home/ada/shop', [], ''), '/app');
  });

  it('rewrites the container paths in a line of output as workspace paths', () => {
    assert.equal(workspacePathsInLine(paths, '** (CompileError) /app/lib/shop.ex:3: undefined function x/0'), '** (CompileError) /home/ada/shop/lib/shop.ex:3: undefined function x/0');
    assert.equal(workspacePathsInLine(paths, '  (stdlib) /usr/lib/erlang/x.erl:1 and /applications/y'), '  (stdlib) /usr/lib/erlang/x.erl:1 and /applications/y');
    // Only a path that starts at the root: not one that merely has the root's text inside it.
    assert.equal(workspacePathsInLine(paths, 'copied /srv/app/test/a.exs and x/app/b.ex'), 'copied /srv/app/test/a.exs and x/app/b.ex');
    assert.equal(workspacePathsInLine(paths, '/app/a.ex "/app/b.ex" (/app/c.ex) file=/app/d.ex [/app/e.ex,/app/f.ex]'), '/home/ada/shop/a.ex "/home/ada/shop/b.ex" (/home/ada/shop/c.ex) file=/home/ada/shop/d.ex [/home/ada/shop/e.ex,/home/ada/shop/f.ex]');
  });
});

describe('mix commands in the container', () => {
  it('runs a plain task as argv, nothing of it in the script', () => {
    const command = mixCommand('plain', ['compile', '--force']);
    assert.deepEqual(command.argv.slice(0, 2), ['sh', '-c']);
    assert.deepEqual(command.argv.slice(3), ['sh', 'plain', 'compile', '--force']);
    assert.deepEqual(command.env, {});
  });

  it('splits several tests by line into runs mix accepts, each selecting exactly what was asked', () => {
    assert.deepEqual(testBatches([]), [[]]);
    assert.deepEqual(testBatches(['test/a_test.exs:3']), [['test/a_test.exs:3']]);
    assert.deepEqual(testBatches(['test/a_test.exs', 'test/b_test.exs']), [['test/a_test.exs', 'test/b_test.exs']]);
    // Two lines of one file: one run through the line filter; a line of another file: a run of its own.
    assert.deepEqual(testBatches(['test/a_test.exs:3', 'test/a_test.exs:9', 'test/b_test.exs:3']), [
      ['--exclude', 'test', '--include', 'line:3', '--include', 'line:9', 'test/a_test.exs'],
      ['test/b_test.exs:3'],
    ]);
    // Whole files together; a file asked for whole and by line runs whole.
    assert.deepEqual(testBatches(['test/a_test.exs:3', 'test/b_test.exs', 'test/c_test.exs', 'test/b_test.exs:7']), [['test/b_test.exs', 'test/c_test.exs'], ['test/a_test.exs:3']]);
  });

  it('runs tests with the formatter and the dev container\'s configuration passed in the environment, the locations as arguments', () => {
    const command = testCommand(['test/a b_test.exs:12'], 'PREFIX:', true);
    assert.deepEqual(command.argv.slice(3), ['sh', 'configured-test', 'test', '--formatter', FORMATTER_MODULE, '--formatter', 'ExUnit.CLIFormatter', 'test/a b_test.exs:12']);
    assert.deepEqual(testCommand(['test/a_test.exs', '$(reboot)'], 'PREFIX:', true).argv.slice(-2), ['test/a_test.exs', '$(reboot)']);
    // MIX_ENV=test comes from the run script (see below), not the environment a one-off's compose run would interpolate with.
    assert.equal('MIX_ENV' in command.env, false);
    assert.equal(command.env[TEST_EVENTS_VARIABLE], 'PREFIX:');
    assert.equal(command.env[TEST_FORMATTER_VARIABLE], TEST_FORMATTER_SOURCE);
    assert.match(command.env[CONTAINER_CONFIG_VARIABLE] ?? '', /DB_HOST/);
    assert.match(TEST_FORMATTER_SOURCE, new RegExp(`defmodule ${FORMATTER_MODULE.replace('.', '\\.')} do`));
    // The project may not have Jason.
    assert.doesNotMatch(TEST_FORMATTER_SOURCE, /Jason\.encode/);
    // Without a database to point at, the run needs no configuration.
    assert.equal(CONTAINER_CONFIG_VARIABLE in testCommand([], 'PREFIX:', false).env, false);
  });

  it('keeps the dev container\'s configuration for a test run only where a config file may name a Repo', () => {
    assert.equal(testsNeedContainerConfig([]), false);
    assert.equal(testsNeedContainerConfig(['import Config\nconfig :app, AppWeb.Endpoint, server: false\n']), false);
    assert.equal(testsNeedContainerConfig(['import Config\n', 'config :app, App.Repo, database: "app_test"\n']), true);
    assert.equal(testsNeedContainerConfig(['config :app, ecto_repos: [App.Database]\n']), true);
    assert.equal(testsNeedContainerConfig(['config :app, App.Store, hostname: "localhost"\n']), true);
    // A file that could not be read, or one too large to read, keeps it.
    assert.equal(testsNeedContainerConfig([undefined]), true);
    assert.equal(testsNeedContainerConfig([' '.repeat(MAX_CONFIG_FILE_LENGTH + 1)]), true);
  });
});

describe('the run script', { skip: process.platform === 'win32' }, () => {
  /** Runs a command's script with stand-ins for elixir (which prints its arguments, or `version` when asked for it) and mix. */
  async function runScript(command: { argv: readonly string[]; env: Readonly<Record<string, string>> }, options: { version: string; withMix: boolean; env?: Record<string, string>; showMixEnv?: boolean }): Promise<{ code: number | undefined; output: string }> {
    const bin = await mkdtemp(join(tmpdir(), 'run-script-'));
    try {
      const env = options.showMixEnv === true ? '[MIX_ENV=$MIX_ENV] ' : '';
      await writeFile(join(bin, 'elixir'), `#!/bin/sh\nif [ "$2" = 'IO.write(System.version())' ]; then printf '${options.version}'; exit 0; fi\necho "${env}elixir $*"\n`);
      if (options.withMix) await writeFile(join(bin, 'mix'), `#!/bin/sh\necho "${env}mix $*"\n`);
      for (const program of ['elixir', ...(options.withMix ? ['mix'] : [])]) await chmod(join(bin, program), 0o755);
      // Nothing else on PATH: this machine may have its own mix.
      await symlink('/bin/sh', join(bin, 'sh'));
      const [program = '', ...args] = command.argv;
      const result = await runProcess({ command: program, args }, { env: { PATH: bin, ...command.env, ...options.env } });
      return { code: result.code, output: result.output };
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  }

  it('runs mix test with MIX_ENV=test over the container\'s dev, and any other task in the container\'s environment', async () => {
    const dev = { MIX_ENV: 'dev' };
    const runs = {
      tests: await runScript(testCommand(['test/a_test.exs'], 'P:', true), { version: '1.14.0', withMix: true, env: dev, showMixEnv: true }),
      direct: await runScript(testCommand([], 'P:', false), { version: '1.14.0', withMix: true, env: dev, showMixEnv: true }),
      task: await runScript(mixTaskCommand('test', []), { version: '1.14.0', withMix: true, env: dev, showMixEnv: true }),
      compile: await runScript(mixTaskCommand('compile', []), { version: '1.14.0', withMix: true, env: dev, showMixEnv: true }),
      migrate: await runScript(mixTaskCommand('ecto.migrate', []), { version: '1.14.0', withMix: true, env: dev, showMixEnv: true }),
    };
    assert.match(runs.tests.output, /^\[MIX_ENV=test\] elixir .* test --formatter/m);
    assert.match(runs.direct.output, /^\[MIX_ENV=test\] elixir .* -S mix test --formatter/m);
    assert.match(runs.task.output, /^\[MIX_ENV=test\] elixir .* test$/m);
    assert.equal(runs.compile.output.trim(), '[MIX_ENV=dev] mix compile');
    assert.match(runs.migrate.output, /^\[MIX_ENV=dev\] elixir .* ecto\.migrate$/m);
  });

  it('separates the tasks of mix do by the Elixir version: + from 1.14, a trailing comma before', async () => {
    const modern = await runScript(testCommand(['test/a_test.exs:3'], 'P:', true), { version: '1.14.0', withMix: true });
    assert.match(modern.output, /^elixir -e .* -S mix do app\.config \+ eval Code\.eval_string\(System\.fetch_env!\("PHOENIX_CONTAINER_CONFIG"\)\) \+ test --formatter .* test\/a_test\.exs:3$/m);
    const old = await runScript(testCommand([], 'P:', true), { version: '1.13.4', withMix: true });
    assert.match(old.output, /-S mix do app\.config, eval Code\.eval_string\(System\.fetch_env!\("PHOENIX_CONTAINER_CONFIG"\)\), test --formatter/);
    // A version the extension already knows wins over asking Elixir.
    const known = await runScript(testCommand([], 'P:', true), { version: '1.14.0', withMix: true, env: { [ELIXIR_VERSION_VARIABLE]: '1.12.3' } });
    assert.match(known.output, /app\.config, eval/);
    assert.equal((await runScript(mixCommand('plain', ['compile']), { version: '1.14.0', withMix: true })).output.trim(), 'mix compile');
  });

  it('runs mix test directly, with the formatter loaded, when the run needs no configuration, and never asks Elixir its version', async () => {
    const direct = await runScript(testCommand(['test/a_test.exs:3'], 'P:', false), { version: 'asked', withMix: true });
    assert.match(direct.output, /^elixir -e Code\.eval_string\(System\.get_env\("PHOENIX_TEST_FORMATTER", ""\)\) -S mix test --formatter .* test\/a_test\.exs:3$/m);
    assert.doesNotMatch(direct.output, /app\.config|asked/);
  });

  it('says so when the container has no mix', async () => {
    const result = await runScript(mixCommand('plain', ['compile']), { version: '1.14.0', withMix: false });
    assert.equal(result.code, 127);
    assert.match(result.output, new RegExp(NO_MIX_MARKER));
  });
});

describe('mix tasks in the container', () => {
  it('runs fetching, formatting and compiling as they are, tests in the test environment, the rest after the dev container\'s configuration', () => {
    assert.deepEqual(mixTaskCommand('deps.get', []).argv.slice(4), ['plain', 'deps.get']);
    assert.deepEqual(mixTaskCommand('compile', ['--warnings-as-errors']).argv.slice(4), ['plain', 'compile', '--warnings-as-errors']);
    const test = mixTaskCommand('test', ['--failed']);
    assert.deepEqual(test.argv.slice(4), ['configured', 'test', '--failed']);
    assert.equal('MIX_ENV' in test.env, false);
    const migrate = mixTaskCommand('ecto.migrate', []);
    assert.deepEqual(migrate.argv.slice(4), ['configured', 'ecto.migrate']);
    assert.match(migrate.env[CONTAINER_CONFIG_VARIABLE] ?? '', /DB_HOST/);
    assert.throws(() => mixTaskCommand('compile; rm -rf /', []), RangeError);
    assert.throws(() => mixTaskCommand('-e', []), RangeError);
  });

  it('formats stdin named as the document, so .formatter.exs applies', () => {
    assert.deepEqual(formatCommand('lib/my app/x.ex').argv.slice(4), ['plain', 'format', '--stdin-filename=lib/my app/x.ex', '-']);
  });

  it('reads the tasks mix help lists, and nothing else', () => {
    const help = [
      'mix                   # Runs the default task (current: "mix run")',
      'mix compile           # Compiles source files',
      'mix ecto.gen.migration # Generates a new migration for the repo',
      'mix phx.routes        # Prints all routes',
      'mix $(reboot)         # not a task',
      'Compiling 3 files (.ex)',
      'mix deps.get          #',
    ].join('\n');
    assert.deepEqual(parseMixHelp(help), [
      { task: 'compile', description: 'Compiles source files' },
      { task: 'ecto.gen.migration', description: 'Generates a new migration for the repo' },
      { task: 'phx.routes', description: 'Prints all routes' },
      { task: 'deps.get', description: '' },
    ]);
  });
});
