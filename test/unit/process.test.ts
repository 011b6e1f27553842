import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseComposeConfig } from '../../src/core/compose';
import { MAX_KEPT_OUTPUT, runProcess } from '../../src/docker/process';

describe('runProcess', { skip: process.platform === 'win32' }, () => {
  it('passes arguments untouched and collects stdout apart from the whole output', async () => {
    const result = await runProcess({ command: 'sh', args: ['-c', 'printf "%s|" "$@"; echo oops >&2', 'sh', 'a b', '$(x)', 'é'] });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'a b|$(x)|é|');
    assert.match(result.output, /oops/);
  });

  it('gives the program its input, and an empty one without it', async () => {
    assert.equal((await runProcess({ command: 'sh', args: ['-c', 'cat'] }, { input: 'é\nline' })).stdout, 'é\nline');
    assert.equal((await runProcess({ command: 'sh', args: ['-c', 'cat'] })).stdout, '');
  });

  it('streams whole lines', async () => {
    const lines: string[] = [];
    await runProcess({ command: 'sh', args: ['-c', 'printf "one\\ntw"; sleep 0.1; printf "o\\nthree"'] }, { onLine: (line) => lines.push(line) });
    assert.deepEqual(lines, ['one', 'two', 'three']);
  });

  it('keeps only the end of a long output, where the error is, and streams all of it', async () => {
    let streamed = 0;
    // 3 MB on stdout, then the error on stderr.
    const result = await runProcess(
      { command: 'sh', args: ['-c', 'head -c 3000000 /dev/zero | tr "\\0" x; echo; echo "the real error" >&2'] },
      { onLine: (line) => { streamed += line.length; } },
    );
    assert.equal(streamed, 3_000_000 + 'the real error'.length);
    assert.equal(result.output.length, MAX_KEPT_OUTPUT);
    assert.match(result.output, /x\nthe real error\n$/);
    assert.equal(result.stdout, `${'x'.repeat(MAX_KEPT_OUTPUT - 1)}\n`);
    // A `compose config` output cut like this one is refused as too large, never misread.
    assert.throws(() => parseComposeConfig(result.stdout), /too large to read/);
  });

  it('says when stdout was cut, so that no caller takes its end for the whole', async () => {
    const long = 'é'.repeat(MAX_KEPT_OUTPUT + 1);
    const cut = await runProcess({ command: 'cat', args: [] }, { input: long });
    assert.equal(cut.code, 0);
    assert.equal(cut.stdoutTruncated, true);
    assert.equal(cut.stdout.length, MAX_KEPT_OUTPUT);
    const whole = await runProcess({ command: 'cat', args: [] }, { input: long.slice(1) });
    assert.equal(whole.stdoutTruncated, false);
    assert.equal(whole.stdout, long.slice(1));
  });

  it('says a program is missing instead of failing', async () => {
    const result = await runProcess({ command: 'no-such-program-here', args: [] });
    assert.equal(result.code, undefined);
    assert.equal(result.startError?.code, 'ENOENT');
  });

  it('stops the program and what it started when cancelled, even what ignores the interrupt', async () => {
    const controller = new AbortController();
    const started = Date.now();
    // The background sleep ignores SIGINT (as background jobs of sh do) and holds stdout open:
    // only killing the whole group after the grace period ends the run.
    // Durations no other run on this machine uses, so that pgrep finds this run's processes only.
    const tag = `${String(process.pid)}${String(Date.now() % 1000)}`;
    const run = runProcess({ command: 'sh', args: ['-c', `sleep 31.${tag} & sleep 32.${tag}`] }, { signal: controller.signal });
    setTimeout(() => { controller.abort(); }, 200);
    await assert.rejects(run);
    assert.ok(Date.now() - started < 8000, `settled after ${Date.now() - started} ms`);
    // Killed processes take a moment to be gone from the process table.
    let left = '';
    for (let tries = 0; tries < 20; tries++) {
      left = (await runProcess({ command: 'pgrep', args: ['-f', `sleep 3[12]\\.${tag}`] })).stdout;
      if (left === '') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(left, '', 'no process of the group is left');
  });
});
