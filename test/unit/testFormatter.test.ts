import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseOutputLine } from '../../src/core/testing/events';
import { MAX_LINE_LENGTH } from '../../src/core/lines';
import { TEST_EVENTS_VARIABLE, TEST_FORMATTER_SOURCE, TEST_FORMATTER_VARIABLE } from '../../src/core/testing/run';

const PREFIX = 'EVENTS-1234:';
const hasElixir = spawnSync('elixir', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Loads the formatter the way a run does, sends it a finished test that failed with `failures`
 * (Elixir code: a list of ExUnit.AssertionError), and returns the lines it printed.
 */
function formatterLines(failures: string): string[] {
  const script = `
Code.eval_string(System.fetch_env!("${TEST_FORMATTER_VARIABLE}"))
{:ok, pid} = GenServer.start_link(PhoenixDevContainers.TestEvents, [])
errors = (${failures})
test = %ExUnit.Test{name: :"test huge", module: HugeTest, time: 12, state: {:failed, Enum.map(errors, &{:error, &1, []})}, tags: %{file: "/app/test/huge_test.exs", line: 3}}
GenServer.cast(pid, {:test_finished, test})
GenServer.cast(pid, {:suite_finished, %{}})
:sys.get_state(pid)
`;
  const output = execFileSync('elixir', ['-e', script], {
    env: { ...process.env, [TEST_FORMATTER_VARIABLE]: TEST_FORMATTER_SOURCE, [TEST_EVENTS_VARIABLE]: PREFIX },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return output.split('\n').filter((line) => line.startsWith(PREFIX));
}

describe('the test formatter sent with a run (run by the host\'s Elixir)', { skip: hasElixir ? false : 'no elixir on this machine' }, () => {
  it('keeps the event of a failure with huge values and message under the line limit, and the test failed', () => {
    const lines = formatterLines(`
big = Enum.to_list(1..200_000)
[%ExUnit.AssertionError{left: big, right: Enum.reverse(big), expr: quote(do: big == other), message: "Assertion with == failed " <> String.duplicate("é\\n", 100_000)}]
`);
    assert.equal(lines.length, 2);
    for (const line of lines) assert.ok(line.length < MAX_LINE_LENGTH / 2, `${line.length} characters`);
    const finished = parseOutputLine(lines[0] ?? '', PREFIX).event;
    assert.ok(finished?.event === 'test_finished');
    assert.equal(finished.state, 'failed');
    const [failure] = finished.failures;
    assert.match(failure?.message ?? '', /^Assertion with == failed é\né\n/);
    assert.match(failure?.message ?? '', /… \(\d+ more characters cut\)$/);
    assert.match(failure?.left ?? '', /^\[1, 2, 3,/);
    assert.match(failure?.right ?? '', /^\[200000, 199999,/);
    assert.equal(failure?.expr, 'big == other');
    assert.equal(parseOutputLine(lines[1] ?? '', PREFIX).event?.event, 'suite_finished');
  });

  it('keeps a small failure whole', () => {
    const [line] = formatterLines('[%ExUnit.AssertionError{left: [1, 2], right: [1, 3], expr: quote(do: a == b), message: "Assertion with == failed"}]');
    const event = parseOutputLine(line ?? '', PREFIX).event;
    assert.ok(event?.event === 'test_finished');
    assert.deepEqual(event.failures.map(({ message, left, right, expr }) => ({ message, left, right, expr })), [{ message: 'Assertion with == failed', left: '[1, 2]', right: '[1, 3]', expr: 'a == b' }]);
  });

  it('still reports a test whose failures are too many to fit once cut, as failed with a note', () => {
    const lines = formatterLines('List.duplicate(%ExUnit.AssertionError{left: 1, right: 2, expr: quote(do: a == b), message: String.duplicate("\\u0001", 5000)}, 200)');
    assert.equal(lines.length, 2);
    const event = parseOutputLine(lines[0] ?? '', PREFIX).event;
    assert.ok(event?.event === 'test_finished');
    assert.equal(event.state, 'failed');
    assert.deepEqual(event.failures.map((failure) => failure.message), ['The failure is too large to report here: see the test output.']);
    assert.ok((lines[0] ?? '').length < MAX_LINE_LENGTH / 2);
  });
});
