import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import type { RenderedFile } from '../../src/core/scaffold';
import { UnsafePathError, createFile, foldersInside, makeFolders, readInside, removeEmptyFolder, removeFile } from '../../src/files/projectFiles';
import { writeRenderedFiles, type Conflict, type ConflictChoice } from '../../src/files/writeRendered';

const posix = process.platform !== 'win32';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'project files '));
after(() => { fs.rmSync(scratch, { recursive: true, force: true }); });

/** A fresh project folder with an `outside` folder next to it, as a repository and its user's home. */
function fixture(): { root: string; outside: string; file: (relative: string) => string } {
  const base = fs.mkdtempSync(path.join(scratch, 'case '));
  const root = path.join(base, 'project');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  return { root, outside, file: (relative) => path.join(root, ...relative.split('/')) };
}

const RENDERED: RenderedFile[] = [
  { path: '.devcontainer/Dockerfile', content: 'FROM x\n' },
  { path: '.devcontainer/entrypoint.sh', content: '#!/bin/sh\n', mode: 0o755 },
  { path: '.devcontainer/devcontainer.json', content: '{}\n' },
  { path: '.devcontainer/.env', content: 'UID=1000\nERLANG_COOKIE=generated\n', mode: 0o600, merge: 'env' },
  { path: '.gitignore', content: '# secrets\n/.devcontainer/.env\n', merge: 'gitignore' },
];

const never = (conflict: Conflict): Promise<ConflictChoice> => Promise.reject(new Error(`unexpected conflict on ${conflict.path}`));

describe('writing the rendered files never goes through a symbolic link', { skip: !posix }, () => {
  let project: ReturnType<typeof fixture>;
  beforeEach(() => { project = fixture(); });

  /** Writing must stop, naming `named`, with nothing written anywhere. */
  async function refuses(named: string): Promise<void> {
    await assert.rejects(writeRenderedFiles(project.root, RENDERED, never), (error: unknown) => {
      assert.ok(error instanceof UnsafePathError);
      assert.equal(error.path, named);
      assert.match(error.message, /symbolic link/);
      return true;
    });
    assert.equal(fs.existsSync(project.file('.gitignore')), false, 'nothing is written when one path is refused');
  }

  it('refuses a dangling link as the file (it would create the target)', async () => {
    fs.mkdirSync(project.file('.devcontainer'));
    fs.symlinkSync('../../outside/.bash_login', project.file('.devcontainer/entrypoint.sh'));
    await refuses('.devcontainer/entrypoint.sh');
    assert.equal(fs.existsSync(path.join(project.outside, '.bash_login')), false);
    assert.equal(fs.existsSync(project.file('.devcontainer/Dockerfile')), false);
  });

  it('refuses a link to an existing file (it would append to it and chmod it)', async () => {
    const target = path.join(project.outside, 'secrets');
    fs.writeFileSync(target, 'MINE=1\n', { mode: 0o644 });
    fs.chmodSync(target, 0o644);
    fs.mkdirSync(project.file('.devcontainer'));
    fs.symlinkSync(target, project.file('.devcontainer/.env'));
    await refuses('.devcontainer/.env');
    assert.equal(fs.readFileSync(target, 'utf8'), 'MINE=1\n');
    assert.equal(fs.statSync(target).mode & 0o777, 0o644);
  });

  it('refuses a folder that is a link, to an existing folder or a missing one', async () => {
    fs.mkdirSync(path.join(project.outside, 'dir'));
    fs.symlinkSync('../outside/dir', project.file('.devcontainer'));
    await refuses('.devcontainer');
    assert.deepEqual(fs.readdirSync(path.join(project.outside, 'dir')), []);

    fs.unlinkSync(project.file('.devcontainer'));
    fs.symlinkSync('../outside/missing', project.file('.devcontainer'));
    await refuses('.devcontainer');
    assert.equal(fs.existsSync(path.join(project.outside, 'missing')), false);
  });

  it('refuses a link at the project root too', async () => {
    fs.writeFileSync(path.join(project.outside, 'gitignore'), '/_build/\n');
    fs.symlinkSync('../outside/gitignore', project.file('.gitignore'));
    await assert.rejects(writeRenderedFiles(project.root, RENDERED, never), /^UnsafePathError: \.gitignore is a symbolic link/);
    assert.equal(fs.existsSync(project.file('.devcontainer')), false);
    assert.equal(fs.readFileSync(path.join(project.outside, 'gitignore'), 'utf8'), '/_build/\n');
  });

  it('refuses any path that leaves the project', async () => {
    for (const outside of ['../outside/x', '/etc/x', 'a/../../x', '']) {
      await assert.rejects(writeRenderedFiles(project.root, [{ path: outside, content: 'x' }], never), /is not a path inside the project/, outside);
    }
  });

  it('creates a file exclusively: a file or a dangling link there by now is not replaced', async () => {
    fs.writeFileSync(project.file('taken'), 'theirs');
    assert.equal(await createFile(project.root, 'taken', Buffer.from('ours')), false);
    assert.equal(fs.readFileSync(project.file('taken'), 'utf8'), 'theirs');
    fs.symlinkSync('../outside/created', project.file('link'));
    await assert.rejects(createFile(project.root, 'link', Buffer.from('ours')), UnsafePathError);
    assert.equal(fs.existsSync(path.join(project.outside, 'created')), false);
    assert.equal(await createFile(project.root, 'new/deeper/file', Buffer.from('ours'), 0o600), true);
    assert.equal(fs.statSync(project.file('new/deeper/file')).mode & 0o777, 0o600);
  });
});

describe('writing the rendered files loses nothing of the user\'s', { skip: !posix }, () => {
  it('reads each file again when it writes it: edits and files made during a question are kept', async () => {
    const project = fixture();
    fs.mkdirSync(project.file('.devcontainer'));
    fs.writeFileSync(project.file('.devcontainer/Dockerfile'), 'FROM mine\n');
    fs.writeFileSync(project.file('.gitignore'), '/_build/\n');
    const asked: string[] = [];
    const outcome = await writeRenderedFiles(project.root, RENDERED, (conflict) => {
      asked.push(conflict.path);
      if (conflict.path === '.devcontainer/Dockerfile') {
        // While the dialog is open the user edits the Dockerfile and .gitignore and creates devcontainer.json.
        fs.appendFileSync(project.file('.devcontainer/Dockerfile'), 'RUN edited-meanwhile\n');
        fs.appendFileSync(project.file('.gitignore'), '/edited-meanwhile\n');
        fs.writeFileSync(project.file('.devcontainer/devcontainer.json'), '{"mine": true}\n');
        return Promise.resolve('overwrite');
      }
      return Promise.resolve('keep');
    });
    assert.deepEqual(asked, ['.devcontainer/Dockerfile', '.devcontainer/devcontainer.json']);
    assert.equal(fs.readFileSync(project.file('.devcontainer/Dockerfile.bak'), 'utf8'), 'FROM mine\nRUN edited-meanwhile\n', 'the backup holds the file as it was when replaced');
    assert.equal(fs.readFileSync(project.file('.devcontainer/Dockerfile'), 'utf8'), 'FROM x\n');
    assert.equal(fs.readFileSync(project.file('.devcontainer/devcontainer.json'), 'utf8'), '{"mine": true}\n');
    assert.equal(
      fs.readFileSync(project.file('.gitignore'), 'utf8'),
      '/_build/\n/edited-meanwhile\n\n# Dev container secrets (docker compose reads them; never commit them)\n/.devcontainer/.env\n',
    );
    assert.deepEqual(outcome.kept, ['.devcontainer/devcontainer.json']);
    assert.deepEqual(outcome.backups, ['.devcontainer/Dockerfile.bak']);
    assert.equal(fs.statSync(project.file('.devcontainer/entrypoint.sh')).mode & 0o777, 0o755);
  });

  it('appends to merged files byte for byte: Latin-1 and a byte order mark stay', async () => {
    const project = fixture();
    fs.mkdirSync(project.file('.devcontainer'));
    const latin1 = Buffer.from('# r\xe9sum\xe9s\n/_build/', 'latin1');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ERLANG_COOKIE=mine\r\nERLANG_COOKIE=\r\n')]);
    fs.writeFileSync(project.file('.gitignore'), latin1);
    fs.writeFileSync(project.file('.devcontainer/.env'), bom, { mode: 0o644 });
    fs.chmodSync(project.file('.devcontainer/.env'), 0o644);
    const outcome = await writeRenderedFiles(project.root, RENDERED, never);
    const gitignore = fs.readFileSync(project.file('.gitignore'));
    assert.ok(gitignore.subarray(0, latin1.length).equals(latin1));
    assert.equal(gitignore.subarray(latin1.length).toString('latin1'), '\n\n# Dev container secrets (docker compose reads them; never commit them)\n/.devcontainer/.env\n');
    const env = fs.readFileSync(project.file('.devcontainer/.env'));
    assert.ok(env.subarray(0, bom.length).equals(bom));
    assert.equal(env.subarray(bom.length).toString(), 'UID=1000\r\nERLANG_COOKIE=mine\r\n', 'the user\'s last cookie again, never the generated one');
    assert.equal(fs.statSync(project.file('.devcontainer/.env')).mode & 0o777, 0o600, 'the cookie file is narrowed to its owner');
    assert.deepEqual(outcome.readableSecrets, []);
    assert.equal(fs.readdirSync(project.file('.devcontainer')).some((name) => name.endsWith('.bak')), false, 'appending needs no backup');
  });

  it('writes the new file next to the user\'s when asked, under a name not taken yet', async () => {
    const project = fixture();
    fs.mkdirSync(project.file('.devcontainer'));
    fs.writeFileSync(project.file('.devcontainer/Dockerfile'), 'FROM mine\n');
    fs.writeFileSync(project.file('.devcontainer/Dockerfile.new'), 'an older proposal\n');
    const outcome = await writeRenderedFiles(project.root, RENDERED.slice(0, 1), () => Promise.resolve('alongside'));
    assert.deepEqual(outcome.alongside, ['.devcontainer/Dockerfile.new.1']);
    assert.equal(fs.readFileSync(project.file('.devcontainer/Dockerfile.new'), 'utf8'), 'an older proposal\n');
    assert.equal(fs.readFileSync(project.file('.devcontainer/Dockerfile'), 'utf8'), 'FROM mine\n');
  });
});

describe('reading the project\'s own files', { skip: !posix }, () => {
  it('follows a link only inside the project, and refuses one that leads out', async () => {
    const project = fixture();
    fs.writeFileSync(project.file('real.exs'), 'inside');
    fs.symlinkSync('real.exs', project.file('mix.exs'));
    assert.equal((await readInside(project.root, 'mix.exs'))?.toString(), 'inside');
    fs.writeFileSync(path.join(project.outside, 'mix.exs'), 'outside');
    fs.mkdirSync(project.file('apps'));
    fs.symlinkSync('../../outside/mix.exs', project.file('apps/mix.exs'));
    await assert.rejects(readInside(project.root, 'apps/mix.exs'), /apps\/mix\.exs is a symbolic link to .*, outside the project, so the scaffold stopped/);
    assert.equal(await readInside(project.root, 'missing/mix.exs'), undefined);
    fs.symlinkSync('../outside', project.file('umbrella'));
    await assert.rejects(foldersInside(project.root, 'umbrella'), UnsafePathError);
    assert.deepEqual(await foldersInside(project.root, 'apps'), []);
  });

  it('does not wait on a FIFO a repository may hold in place of a file', async () => {
    const project = fixture();
    execFileSync('mkfifo', [project.file('mix.exs')]);
    assert.equal(await readInside(project.root, 'mix.exs'), undefined);
  });
});

describe('the file watching probe\'s folder and file never go through a symbolic link', { skip: !posix }, () => {
  it('makes its folders inside the project and removes them again', async () => {
    const { root, file } = fixture();
    await makeFolders(root, '_build/.phoenix-file-watch-ab12');
    assert.ok(await createFile(root, '_build/.phoenix-file-watch-ab12/probe', new Uint8Array([1])));
    await removeFile(root, '_build/.phoenix-file-watch-ab12/probe');
    await removeEmptyFolder(root, '_build/.phoenix-file-watch-ab12');
    assert.deepEqual(fs.readdirSync(file('_build')), []);
    // Gone already: nothing to do, nothing thrown.
    await removeFile(root, '_build/.phoenix-file-watch-ab12/probe');
    await removeEmptyFolder(root, '_build/.phoenix-file-watch-ab12');
  });

  it('refuses a _build that links outside the project, and makes nothing there', async () => {
    const { root, outside, file } = fixture();
    fs.symlinkSync(outside, file('_build'));
    await assert.rejects(makeFolders(root, '_build/.phoenix-file-watch-ab12'), UnsafePathError);
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it('removes no file and no folder through a link', async () => {
    const { root, outside, file } = fixture();
    fs.writeFileSync(path.join(outside, 'probe'), 'keep');
    fs.mkdirSync(path.join(outside, 'empty'));
    fs.mkdirSync(file('_build'));
    fs.symlinkSync(path.join(outside, 'probe'), file('_build/probe'));
    fs.symlinkSync(outside, file('_build/linked'));
    await assert.rejects(removeFile(root, '_build/probe'), UnsafePathError);
    await assert.rejects(removeFile(root, '_build/linked/probe'), UnsafePathError);
    await assert.rejects(removeEmptyFolder(root, '_build/linked/empty'), UnsafePathError);
    await assert.rejects(removeEmptyFolder(root, '_build/linked'), UnsafePathError);
    assert.equal(fs.readFileSync(path.join(outside, 'probe'), 'utf8'), 'keep');
    assert.ok(fs.statSync(path.join(outside, 'empty')).isDirectory());
  });
});
