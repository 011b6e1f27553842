import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CompilerOutputReader, MAX_COMPILER_DIAGNOSTICS, type CompilerDiagnostic, type CompilerOutputContext } from '../../src/core/testing/compilerDiagnostics';
import { compiled, runBounded } from './support/bounded';
import { readCompilerOutput } from './support/compilerOutput';

/*
 * The elixir-1.14-* fixtures are `mix compile` outputs (stdout and stderr) captured with Elixir
 * 1.14.0; the 1.15 and 1.16 ones follow what elixir_errors.erl and Kernel.ParallelCompiler of
 * those versions print.
 */
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'compiler');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

const SHOP: CompilerOutputContext = { containerRoot: '/app', app: 'shop', umbrella: undefined };
const UMBRELLA: CompilerOutputContext = { containerRoot: '/app', app: undefined, umbrella: { appsPath: 'apps', apps: ['alpha', 'beta'] } };

/** A diagnostic as `severity file:line[:column] [exception] first line of the message`. */
function brief(diagnostic: CompilerDiagnostic): string {
  const column = diagnostic.column === undefined ? '' : `:${diagnostic.column}`;
  const exception = diagnostic.exception === undefined ? '' : ` [${diagnostic.exception}]`;
  return `${diagnostic.severity} ${diagnostic.file}:${diagnostic.line}${column}${exception} ${diagnostic.message.split('\n')[0] ?? ''}`;
}

const read = (text: string, context = SHOP): string[] => readCompilerOutput(text, context).map(brief);

const UNUSED_X = 'variable "x" is unused (if the variable is not meant to be used, prefix it with an underscore)';
const MISSING = 'Missing.call/0 is undefined (module Missing is not available or is yet to be defined)';

describe('compiler diagnostics: Elixir 1.14 and 1.15', () => {
  it('reads warnings with their locations two spaces in, several for one warning, without the dependency\'s', () => {
    const diagnostics = readCompilerOutput(fixture('elixir-1.14-warnings.txt'), SHOP);
    assert.deepEqual(diagnostics.map(brief), [
      `warning lib/foo.ex:2 ${UNUSED_X}`,
      'warning lib/foo.ex:7 this clause cannot match because a previous clause at line 6 always matches',
      `warning lib/foo.ex:11 ${MISSING}`,
      `warning lib/other.ex:2 ${MISSING}`,
      `warning lib/other.ex:3 ${MISSING}`,
    ]);
    assert.equal(diagnostics[3]?.message, `${MISSING}\nInvalid call found at 2 locations:`);
  });

  it('reads a compile error raised with its location, after the warning that came first', () => {
    assert.deepEqual(read(fixture('elixir-1.14-compile-error.txt')), [
      'warning lib/syn.ex:3 variable "y" does not exist and is being expanded to "y()", please use parentheses to remove the ambiguity or change the variable name',
      'error lib/syn.ex:3 [CompileError] undefined function y/0 (expected Broken to define such a function or for it to be imported, but none are available)',
    ]);
  });

  it('reads syntax errors with their columns, and neither the source lines under them nor Elixir\'s stack frames', () => {
    assert.deepEqual(read(fixture('elixir-1.14-syntax-error.txt')), ['error lib/syn.ex:3:12 [SyntaxError] syntax error before: \')\'']);
    assert.deepEqual(read(fixture('elixir-1.14-token-missing.txt')), ['error lib/syn.ex:5:1 [TokenMissingError] missing terminator: end (for "do" starting at line 1)']);
  });

  it('places an exception raised in a module body at the project\'s frame, with its whole message', () => {
    const [error, ...others] = readCompilerOutput(fixture('elixir-1.14-module-body-error.txt'), SHOP);
    assert.deepEqual(others, []);
    assert.deepEqual(error, {
      severity: 'error',
      message: 'errors were found at the given arguments:\n\n* 1st argument: not a textual representation of an integer',
      file: 'lib/syn.ex',
      line: 2,
      column: undefined,
      exception: 'ArgumentError',
    });
  });

  it('places an exception without a frame in the project at the top of the file being compiled', () => {
    const output = ['== Compilation error in file lib/router.ex ==', '** (RuntimeError) no routes', '    (plug 1.14.0) lib/plug/router.ex:5: Plug.Router.compile/1', '', '** (Mix) Could not compile the project'].join('\n');
    assert.deepEqual(read(output), ['error lib/router.ex:1 [RuntimeError] no routes']);
  });

  it('reads Elixir 1.15\'s errors as its warnings, and not the compile error that says they were logged', () => {
    assert.deepEqual(read(fixture('elixir-1.15-errors.txt')), [
      `warning lib/foo.ex:3:11 ${UNUSED_X}`,
      'error lib/foo.ex:5:5 undefined variable "y"',
      'error lib/foo.ex:8 undefined function nope/0 (expected Foo to define such a function or for it to be imported, but none are available)',
    ]);
  });

  it('takes Elixir\'s own stack frames for neither locations nor message', () => {
    const output = ['warning: deprecated call', '  (elixir 1.15.7) lib/kernel/parallel_compiler.ex:377: Kernel.ParallelCompiler.spawn_workers/8', '  lib/foo.ex:4: Foo.go/0', '', 'warning: only frames', '  (elixir 1.15.7) lib/code.ex:1: Code.eval/1', ''].join('\n');
    const diagnostics = readCompilerOutput(output, SHOP);
    assert.deepEqual(diagnostics.map(brief), ['warning lib/foo.ex:4 deprecated call']);
    assert.equal(diagnostics[0]?.message, 'deprecated call');
  });
});

describe('compiler diagnostics: Elixir 1.16 and later', () => {
  it('reads warnings with and without the source line, several lines of message, and several locations', () => {
    const diagnostics = readCompilerOutput(fixture('elixir-1.16-warnings.txt'), SHOP);
    assert.deepEqual(diagnostics.map(brief), [
      `warning lib/foo.ex:3:11 ${UNUSED_X}`,
      'warning lib/foo.ex:7 this clause cannot match because a previous clause at line 6 always matches',
      `warning lib/generated.ex:4 ${MISSING}`,
      'warning lib/shop/price.ex:12:13 incompatible types given to Integer.to_string/1:',
      `warning lib/other.ex:2:22 ${MISSING}`,
      `warning lib/other.ex:3:22 ${MISSING}`,
      'warning mix.exs:1 code block contains unused literal 42 (remove the literal or assign it to _ to avoid warnings)',
    ]);
    // The message keeps its own indentation and its hint, without the source lines and the location.
    assert.equal(diagnostics[3]?.message, [
      'incompatible types given to Integer.to_string/1:',
      '',
      '    Integer.to_string(value)',
      '',
      'given types:',
      '',
      '    binary()',
      '',
      'where "value" was given the type:',
      '',
      '    # type: binary()',
      '    # from: lib/shop/price.ex:10:11',
      '    value = "12"',
      '',
      'hint: convert the value with String.to_integer/1 first',
      '',
      'typing violation found at:',
    ].join('\n'));
    assert.equal(diagnostics[0]?.message, UNUSED_X);
  });

  it('reads errors, with lines of three digits, and not the compile error that says they were logged', () => {
    assert.deepEqual(read(fixture('elixir-1.16-errors.txt')), [
      'error lib/foo.ex:5:5 undefined variable "y"',
      'error lib/foo.ex:104:5 undefined function nope/0 (expected Foo to define such a function or for it to be imported, but none are available)',
    ]);
  });

  it('reads syntax, delimiter and missing-token errors once each, from the error under the exception', () => {
    assert.deepEqual(read(fixture('elixir-1.16-syntax-errors.txt')), [
      'error lib/syn.ex:3:12 [SyntaxError] syntax error before: \')\'',
      'error lib/mis.ex:4:3 [MismatchedDelimiterError] unexpected reserved word: end',
      'error lib/tok.ex:5:1 [TokenMissingError] missing terminator: end',
    ]);
  });

  it('keeps an exception\'s announced location when no error block follows it', () => {
    assert.deepEqual(read('** (SyntaxError) invalid syntax found on lib/a.ex:2:7:\n    (elixir 1.16.0) lib/kernel/parallel_compiler.ex:1: x/0\n'), ['error lib/a.ex:2:7 [SyntaxError] invalid syntax found']);
  });

  it('reads a trailing hint as part of the message, and coloured output', () => {
    const output = ['\u001b[33mwarning:\u001b[0m unused alias Repo', '└─ lib/a.ex:2:3', 'hint: remove the alias', 'Generated shop app'].join('\n');
    const [diagnostic] = readCompilerOutput(output, SHOP);
    assert.ok(diagnostic);
    assert.equal(diagnostic.message, 'unused alias Repo\nhint: remove the alias');
    assert.equal(diagnostic.column, 3);
  });
});

describe('compiler diagnostics: mix test', () => {
  it('reads the errors that stop a run in test files, each form by itself, and not the run\'s own lines', () => {
    for (const [line, expected] of [
      ['** (SyntaxError) test/broken_test.exs:5:3: syntax error before: end', 'error test/broken_test.exs:5:3 [SyntaxError] syntax error before: end'],
      ['** (CompileError) test/a_test.exs:12: undefined function foo/0', 'error test/a_test.exs:12 [CompileError] undefined function foo/0'],
      ['** (SyntaxError) invalid syntax found on test/b_test.exs:7:1:', 'error test/b_test.exs:7:1 [SyntaxError] invalid syntax found'],
    ]) {
      assert.deepEqual(read(line ?? ''), [expected], line);
    }
    assert.deepEqual(read('Finished in 0.1 seconds (0.00s async, 0.1s sync)\n1 test, 0 failures'), []);
  });

  it('reads Elixir 1.14\'s syntax error in a test file, and 1.16\'s logged errors and syntax errors', () => {
    assert.deepEqual(read(fixture('elixir-1.14-test-syntax-error.txt')), ['error test/broken_test.exs:6:3 [SyntaxError] syntax error before: end. "end" is a reserved word in Elixir and therefore its usage is limited. For instance, it can\'t be used as a variable or be defined nor invoked as a regular function']);
    assert.deepEqual(read(fixture('elixir-1.16-test-errors.txt')), ['error test/broken_test.exs:5:12 undefined function nope/0 (expected BrokenTest to define such a function or for it to be imported, but none are available)']);
    assert.deepEqual(read(fixture('elixir-1.16-test-syntax-error.txt')), ['error test/broken_test.exs:6:3 [SyntaxError] syntax error before: end']);
  });

  it('reads a run in an umbrella\'s app as that app\'s output until another app\'s ==> line, and after its own', () => {
    const alpha: CompilerOutputContext = { ...UMBRELLA, app: 'alpha' };
    // Nothing was compiled first: no ==> line at all.
    assert.deepEqual(read(['', '== Compilation error in file test/alpha_broken_test.exs ==', '** (CompileError) test/alpha_broken_test.exs:5: undefined function nope/0'].join('\n'), alpha), ['error apps/alpha/test/alpha_broken_test.exs:5 [CompileError] undefined function nope/0']);
    // Its sibling app compiled first, as its dependency, and failed (captured with Elixir 1.14).
    assert.deepEqual(read(fixture('elixir-1.14-umbrella-app-test.txt'), alpha), [
      'warning apps/beta/lib/beta.ex:2 variable "y" does not exist and is being expanded to "y()", please use parentheses to remove the ambiguity or change the variable name',
      'error apps/beta/lib/beta.ex:2 [CompileError] undefined function y/0 (expected Beta to define such a function or for it to be imported, but none are available)',
    ]);
    assert.deepEqual(read(['==> beta', 'Generated beta app', '==> alpha', '** (CompileError) test/a_test.exs:3: undefined function x/0'].join('\n'), alpha), ['error apps/alpha/test/a_test.exs:3 [CompileError] undefined function x/0']);
    // An app that is not the umbrella's reads as a dependency's output.
    assert.deepEqual(read('** (CompileError) test/a_test.exs:3: undefined function x/0', { ...UMBRELLA, app: 'gamma' }), []);
  });
});

describe('compiler diagnostics: where the files are', () => {
  it('puts an umbrella app\'s paths under its folder after its ==> line, and leaves a dependency\'s out', () => {
    assert.deepEqual(read(fixture('elixir-1.14-umbrella.txt'), UMBRELLA), [
      'warning apps/beta/lib/w.ex:2 variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)',
      'warning apps/alpha/lib/w.ex:2 variable "unused" is unused (if the variable is not meant to be used, prefix it with an underscore)',
    ]);
    assert.deepEqual(read(fixture('elixir-1.16-warnings.txt').replace('==> shop', '==> alpha'), { ...UMBRELLA, umbrella: { appsPath: './apps/', apps: ['alpha'] } })[0], `warning apps/alpha/lib/foo.ex:3:11 ${UNUSED_X}`);
  });

  it('maps absolute container paths under the project root, whatever the app, and no others', () => {
    const output = [
      '==> alpha',
      'warning: one', '  /app/apps/alpha/lib/a.ex:1: A.a/0', '',
      'warning: outside', '  /usr/lib/elixir/lib/kernel.ex:5', '',
      'warning: climbing', '  /app/../etc/x.ex:5', '',
      '** (CompileError) /app/apps/beta/lib/b.ex:9: undefined function b/0',
      'warning: relative climbing', '  ../secret.ex:3', '',
    ].join('\n');
    assert.deepEqual(read(output, UMBRELLA), ['warning apps/alpha/lib/a.ex:1 one', 'error apps/beta/lib/b.ex:9 [CompileError] undefined function b/0']);
  });

  it('takes a location only for a source file: not nofile, iex, or a line of the message', () => {
    const output = ['warning: in nofile', '  nofile:3', '', '    warning: in iex', '    └─ iex:1: (file)', '', 'warning: message', '  a line: that is not a file', '  lib/a.ex:4', ''].join('\n');
    assert.deepEqual(read(output), ['warning lib/a.ex:4 message']);
  });
});

describe('compiler diagnostics: bounds', () => {
  const SOURCE = 'test/unit/support/compilerOutput';
  async function within(boundMs: number, text: string): Promise<CompilerDiagnostic[]> {
    const { value, ms } = await runBounded<CompilerDiagnostic[]>({ modulePath: compiled(SOURCE), name: 'readCompilerOutput', args: [text, SHOP] }, { deadlineMs: boundMs + 10_000 });
    assert.ok(ms < boundMs, `reading took ${Math.round(ms)} ms, more than ${boundMs} ms`);
    return value;
  }

  it('reads 10 MB lines quickly, with the message cut', async () => {
    const long = 'x'.repeat(10_000_000);
    const found = await within(1000, [`warning: ${long}`, '  lib/a.ex:1', `    └─ lib/${long}.ex:1`, `** (E) ${' on '.repeat(2_500_000)}:`, `lib/a.ex:${'1'.repeat(10_000_000)}`, `  ${':'.repeat(10_000_000)}`, `** (CompileError) lib/b.ex:2: ${long}`].join('\n'));
    assert.deepEqual(found.map((diagnostic) => `${diagnostic.file}:${diagnostic.line}`), ['lib/a.ex:1', 'lib/b.ex:2']);
    for (const { message } of found) assert.ok(message.length <= 4001, `a message of ${message.length} characters`);
  });

  it(`reads 100,000 warnings quickly, and yields at most ${MAX_COMPILER_DIAGNOSTICS}`, async () => {
    const block = (i: number): string => `    warning: variable "x${i}" is unused\n    │\n  3 │   def foo(x${i}), do: 1\n    │           ~\n    │\n    └─ lib/foo.ex:3:11: Foo.foo/1\n`;
    const found = await within(3000, Array.from({ length: 100_000 }, (_, i) => block(i)).join('\n'));
    assert.equal(found.length, MAX_COMPILER_DIAGNOSTICS);
  });

  it('drops a warning whose location never comes, holding a bounded message', async () => {
    const found = await within(2000, ['warning: endless', ...Array.from({ length: 200_000 }, () => 'more of the message'), '  lib/a.ex:1'].join('\n'));
    assert.deepEqual(found, []);
  });
});

describe('whether a run compiled the project', () => {
  const compiledProject = (text: string, context = SHOP): boolean => {
    const reader = new CompilerOutputReader(context);
    for (const line of text.split('\n')) reader.push(line);
    reader.end();
    return reader.compiledProject;
  };

  it('says so once mix compiles the project\'s files, not a dependency\'s alone', () => {
    assert.equal(compiledProject(fixture('elixir-1.14-warnings.txt')), true);
    assert.equal(compiledProject('==> depx\nCompiling 1 file (.ex)\nGenerated depx app\n==> shop\n'), false);
    assert.equal(compiledProject('==> depx\nCompiling 2 files (.ex)\n==> shop\nCompiling 1 file (.ex)\nGenerated shop app\n'), true);
    assert.equal(compiledProject('==> beta\nCompiling 3 files (.ex)\n', UMBRELLA), true);
  });

  it('does not for a run that compiles nothing', () => {
    assert.equal(compiledProject(''), false);
    assert.equal(compiledProject('Resolving Hex dependencies...\nAll dependencies are up to date\n'), false);
    assert.equal(compiledProject('  GET  /  ShopWeb.PageController :home\nCompiling is what this line says, no count\n'), false);
  });
});
