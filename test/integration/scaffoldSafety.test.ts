import assert from 'node:assert/strict';
import { appendFile, chmod, lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseEnvFile } from '../../src/core/scaffold';
import { writeDevContainerFiles, type Conflict, type ConflictChoice, type ScaffoldDecisions, type ScaffoldResult } from '../../src/ui/devContainerScaffold';
import { PhoenixProjects } from '../../src/ui/phoenixProjects';
import { Settings } from '../../src/ui/settings';
import { writeReleaseImageFiles } from '../../src/ui/releaseScaffold';

const SETTINGS = { folder: '.devcontainer', baseImage: '', debian: '', namedVolumes: false, fixedSubnet: '' };

/** Answers like a user; `during` runs while a conflict's question is open, as the user's own edits would. */
function answering(choose: (conflict: Conflict) => ConflictChoice, during: (conflict: Conflict) => Promise<void> = () => Promise.resolve()): ScaffoldDecisions & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    scaffoldWithoutPhoenix: () => Promise.resolve(false),
    adoptComposeFile: () => Promise.resolve('separate'),
    resolveConflict: async (conflict) => {
      asked.push(conflict.path);
      await during(conflict);
      return choose(conflict);
    },
  };
}

const keepAll = (): ConflictChoice => 'keep';

describe('scaffold safety: links, apps_path and edits made meanwhile (real VS Code, no Docker)', function () {
  this.timeout(60_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const root = folder.uri.fsPath;
  const file = (path: string): string => join(root, path);
  // Next to the project, as in the report: `.devcontainer/entrypoint.sh -> ../../outside/.bash_login`.
  const outside = join(root, '..', 'outside');
  const scaffold = (decisions: ScaffoldDecisions): Promise<ScaffoldResult | undefined> => writeDevContainerFiles(folder.uri, folder.name, SETTINGS, decisions, () => Promise.resolve([]));
  const original = new Map<string, Buffer | undefined>();
  const ROOT_FILES = ['.gitignore', '.gitattributes', 'mix.exs'];

  const reset = async (): Promise<void> => {
    await rm(file('.devcontainer'), { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
    await mkdir(outside);
    for (const [path, bytes] of original) {
      if (bytes === undefined) await rm(file(path), { force: true });
      else await writeFile(file(path), bytes);
    }
  };

  before(async () => {
    for (const path of ROOT_FILES) original.set(path, await readFile(file(path)).catch(() => undefined));
  });
  beforeEach(reset);
  after(async () => {
    await reset();
    await rm(outside, { recursive: true, force: true });
  });

  /** The scaffold must stop, naming `path`, having written nothing at all. */
  async function refuses(work: Promise<unknown>, path: RegExp): Promise<void> {
    await assert.rejects(work, (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, path);
      return true;
    });
    assert.deepEqual(await readFile(file('.gitignore')), original.get('.gitignore'), '.gitignore untouched');
  }

  it('scans a project whose .env links to /dev/zero without reading it (the scan runs on opening, trusted or not)', async () => {
    await mkdir(file('.devcontainer'));
    await writeFile(file('.devcontainer/docker-compose.yml'), 'services: {}\n');
    await symlink('/dev/zero', file('.devcontainer/.env'));
    const log = vscode.window.createOutputChannel('scaffold safety scan', { log: true });
    const projects = new PhoenixProjects(log, new Settings(vscode.workspace));
    try {
      const started = Date.now();
      await projects.refresh();
      assert.ok(Date.now() - started < 5000, `the scan took ${Date.now() - started} ms`);
      assert.equal(projects.all[0]?.composeProject, 'hello_phoenix_devcontainer', 'the name compose gives it without a readable .env');
    } finally {
      projects.dispose();
      log.dispose();
    }
  });

  it('refuses a dangling link in place of a file: nothing is created where it points', async () => {
    await mkdir(file('.devcontainer'));
    await symlink('../../outside/.bash_login', file('.devcontainer/entrypoint.sh'));
    await refuses(scaffold(answering(keepAll)), /^\.devcontainer\/entrypoint\.sh is a symbolic link, and the scaffold never writes through one/);
    await assert.rejects(lstat(join(outside, '.bash_login')), { code: 'ENOENT' });
    assert.deepEqual(await readdir(file('.devcontainer')), ['entrypoint.sh']);
  });

  it('refuses a link to an existing file: its content and permissions stay', async () => {
    await writeFile(join(outside, 'secrets'), 'MINE=1\n');
    await chmod(join(outside, 'secrets'), 0o644);
    await mkdir(file('.devcontainer'));
    await symlink('../../outside/secrets', file('.devcontainer/.env'));
    await refuses(scaffold(answering(keepAll)), /^\.devcontainer\/\.env is a symbolic link/);
    assert.equal(await readFile(join(outside, 'secrets'), 'utf8'), 'MINE=1\n');
    assert.equal((await stat(join(outside, 'secrets'))).mode & 0o777, 0o644);
  });

  it('refuses a folder that is a link, whether its target exists or not', async () => {
    await mkdir(join(outside, 'devcontainer'));
    await symlink('../outside/devcontainer', file('.devcontainer'));
    await refuses(scaffold(answering(keepAll)), /^\.devcontainer is a symbolic link/);
    assert.deepEqual(await readdir(join(outside, 'devcontainer')), []);

    await rm(file('.devcontainer'));
    await symlink('../outside/missing', file('.devcontainer'));
    await refuses(scaffold(answering(keepAll)), /^\.devcontainer is a symbolic link/);
    await assert.rejects(lstat(join(outside, 'missing')), { code: 'ENOENT' });
  });

  it('stops the release scaffold on apps_path: "..", reading and planning nothing in a sibling project', async () => {
    const mixfile = (original.get('mix.exs') ?? Buffer.alloc(0)).toString().replace('app: :hello_phoenix,', 'apps_path: "..",');
    await writeFile(file('mix.exs'), mixfile);
    await mkdir(join(outside, 'lib'));
    await writeFile(join(outside, 'mix.exs'), 'defmodule Outside.MixProject do\n  def project, do: [deps: [{:phoenix, "~> 1.7"}, {:ecto_sql, "~> 3.0"}]]\nend\n');
    await refuses(writeReleaseImageFiles(folder, { folder: '.devcontainer', debian: '' }, () => Promise.resolve('keep')), /apps_path: "\.\.", which is not a folder inside the project/);
    assert.deepEqual(await readdir(join(outside, 'lib')), [], 'no release module in the sibling');
    await assert.rejects(stat(file('Dockerfile')), { code: 'ENOENT' });
  });

  it('reads each file again when writing it: edits and files made while a question is open are kept', async () => {
    await mkdir(file('.devcontainer'));
    await writeFile(file('.devcontainer/Dockerfile'), 'FROM mine\n');
    const decisions = answering(
      (conflict) => (conflict.path === '.devcontainer/Dockerfile' ? 'overwrite' : 'keep'),
      async (conflict) => {
        if (conflict.path !== '.devcontainer/Dockerfile') return;
        await appendFile(file('.devcontainer/Dockerfile'), 'RUN edited-meanwhile\n');
        await appendFile(file('.gitignore'), '/edited-meanwhile/\n');
        await writeFile(file('.devcontainer/devcontainer.json'), '{ "mine": true }\n');
        await writeFile(file('.devcontainer/.env'), 'ERLANG_COOKIE=typed-meanwhile\n');
      },
    );
    const result = await scaffold(decisions);
    assert.ok(result);
    assert.deepEqual(decisions.asked, ['.devcontainer/Dockerfile', '.devcontainer/devcontainer.json']);
    assert.equal(await readFile(file('.devcontainer/Dockerfile.bak'), 'utf8'), 'FROM mine\nRUN edited-meanwhile\n');
    assert.equal(await readFile(file('.devcontainer/devcontainer.json'), 'utf8'), '{ "mine": true }\n', 'a file created meanwhile is not overwritten');
    assert.deepEqual(result.kept, ['.devcontainer/devcontainer.json']);
    const gitignore = await readFile(file('.gitignore'), 'utf8');
    assert.ok(gitignore.startsWith(`${(original.get('.gitignore') ?? '').toString()}/edited-meanwhile/\n`));
    assert.match(gitignore, /^\/\.devcontainer\/\.env$/m);
    assert.equal(parseEnvFile(await readFile(file('.devcontainer/.env'), 'utf8'))['ERLANG_COOKIE'], 'typed-meanwhile', 'the cookie typed meanwhile is kept');
  });

  it('appends to merged files byte for byte, keeps the user\'s last cookie, and narrows the .env to its owner', async () => {
    await mkdir(file('.devcontainer'));
    const latin1 = Buffer.concat([original.get('.gitignore') ?? Buffer.alloc(0), Buffer.from('# notes from caf\xe9 r\xe9sum\xe9\n/caf\xe9/\n', 'latin1')]);
    await writeFile(file('.gitignore'), latin1);
    const env = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ERLANG_COOKIE=mine\nERLANG_COOKIE=\n')]);
    await writeFile(file('.devcontainer/.env'), env);
    await chmod(file('.devcontainer/.env'), 0o644);
    const result = await scaffold(answering(keepAll));
    assert.ok(result);
    const gitignore = await readFile(file('.gitignore'));
    assert.ok(gitignore.subarray(0, latin1.length).equals(latin1), 'the Latin-1 bytes are as they were');
    const written = await readFile(file('.devcontainer/.env'));
    assert.ok(written.subarray(0, env.length).equals(env), 'the byte order mark and the user\'s lines are as they were');
    assert.equal(parseEnvFile(written.toString())['ERLANG_COOKIE'], 'mine');
    assert.equal((await stat(file('.devcontainer/.env'))).mode & 0o777, 0o600);
    assert.deepEqual(result.readableSecrets, []);
    assert.equal(result.backups.length, 0);
  });
});
