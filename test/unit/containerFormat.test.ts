import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_FORMAT_LENGTH, formatCommand, formatOutcome } from '../../src/core/testing/mixTasks';
import { MAX_KEPT_OUTPUT, runProcess } from '../../src/docker/process';

describe('formatting a document with mix format', () => {
  it('replaces the document only with a whole output', () => {
    assert.deepEqual(formatOutcome('a  +b', { stdout: 'a + b', stdoutTruncated: false }), { kind: 'formatted', text: 'a + b' });
    assert.deepEqual(formatOutcome('a + b', { stdout: 'a + b', stdoutTruncated: false }), { kind: 'unchanged' });
    // The end of a long output is not the formatted document: nothing of it is taken.
    assert.deepEqual(formatOutcome('x'.repeat(10), { stdout: 'x'.repeat(5), stdoutTruncated: true }), { kind: 'output-cut' });
  });

  it('formats only documents whose formatted text, even twice as long, comes back whole', () => {
    assert.ok(2 * MAX_FORMAT_LENGTH <= MAX_KEPT_OUTPUT);
  });

  it('names the document in one argument and keeps mix quiet', () => {
    const command = formatCommand('-x.ex');
    assert.deepEqual(command.argv.slice(4), ['plain', 'format', '--stdin-filename=-x.ex', '-']);
    assert.equal(command.env['MIX_QUIET'], '1');
  });

  it('gives back only the formatted text with the real mix, even when a formatter plugin is compiled first and the name starts with a dash', { skip: process.platform === 'win32' }, async (t) => {
    if ((await runProcess({ command: 'sh', args: ['-c', 'command -v mix'] })).code !== 0) {
      t.skip('no mix on this machine');
      return;
    }
    const project = await mkdtemp(join(tmpdir(), 'format-plugin-'));
    try {
      await writeFile(join(project, 'mix.exs'), 'defmodule Probe.MixProject do\n  use Mix.Project\n  def project, do: [app: :probe, version: "0.1.0"]\nend\n');
      await writeFile(join(project, '.formatter.exs'), '[plugins: [Probe.Shout], inputs: ["*.{ex,exs}"]]\n');
      await mkdir(join(project, 'lib'));
      // A plugin for .shout files, not built yet: mix format compiles the project first.
      await writeFile(join(project, 'lib', 'shout.ex'), 'defmodule Probe.Shout do\n  @behaviour Mix.Tasks.Format\n  def features(_opts), do: [extensions: [".shout"]]\n  def format(contents, _opts), do: String.upcase(contents)\nend\n');
      const command = formatCommand('-x.ex');
      const [program = '', ...args] = command.argv;
      const result = await runProcess({ command: program, args }, { cwd: project, env: { ...process.env, ...command.env }, input: 'defmodule  X do\nend\n', timeoutMs: 120_000 });
      assert.equal(result.code, 0, result.output);
      assert.equal(result.stdout, 'defmodule X do\nend\n');
      const shouted = formatCommand('-y.shout');
      const [shoutProgram = '', ...shoutArgs] = shouted.argv;
      assert.equal((await runProcess({ command: shoutProgram, args: shoutArgs }, { cwd: project, env: { ...process.env, ...shouted.env }, input: 'hey\n', timeoutMs: 120_000 })).stdout, 'HEY\n');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
