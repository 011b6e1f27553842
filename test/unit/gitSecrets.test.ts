import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gitLastCommitArgv, gitShowArgv, gitTrackedArgv, gitUntrackArgv, rotationLines, sharedSecrets } from '../../src/core/gitSecrets';
import { parseEnvFile } from '../../src/core/scaffold';
import { secretsInGit } from '../../src/files/secretsInGit';

const ENV = '.devcontainer/.env';

describe('git commands about a secrets file', () => {
  it('are argv arrays, with the path after --', () => {
    assert.deepEqual(gitTrackedArgv(ENV), { command: 'git', args: ['ls-files', '--error-unmatch', '--', ENV] });
    assert.deepEqual(gitLastCommitArgv(ENV), { command: 'git', args: ['log', '--all', '--format=%H', '-1', '--', ENV] });
    assert.deepEqual(gitShowArgv('abc^', ENV), { command: 'git', args: ['show', `abc^:./${ENV}`] });
    assert.deepEqual(gitUntrackArgv(ENV), { command: 'git', args: ['rm', '--cached', '--quiet', '--', ENV] });
  });

  it('finds the secrets a committed version still shares with the file', () => {
    assert.deepEqual(sharedSecrets('UID=1\nERLANG_COOKIE=abc\n', 'ERLANG_COOKIE=abc\nUID=2\n'), ['ERLANG_COOKIE']);
    assert.deepEqual(sharedSecrets('ERLANG_COOKIE=new\n', 'ERLANG_COOKIE=abc\n'), []);
    assert.deepEqual(sharedSecrets('ERLANG_COOKIE=\n', 'ERLANG_COOKIE=\n'), [], 'an empty value is no secret');
    assert.deepEqual(sharedSecrets('RELEASE_COOKIE=c\nSECRET_KEY_BASE=s\n', 'SECRET_KEY_BASE=s\nRELEASE_COOKIE=c\n'), ['RELEASE_COOKIE', 'SECRET_KEY_BASE']);
  });

  it('rotates by appending fresh values, which then count', () => {
    const current = 'UID=1000\r\nERLANG_COOKIE=public';
    const rotated = current + rotationLines(current, '# fresh\nUID=1000\nERLANG_COOKIE=fresh\n', ['ERLANG_COOKIE']);
    assert.ok(rotated.startsWith(current));
    assert.equal(parseEnvFile(rotated)['ERLANG_COOKIE'], 'fresh');
    assert.match(rotated, /\r\n# The values above were in git, so they are public: these replace them \(the last line of a key counts\)\.\r\nERLANG_COOKIE=fresh\r\n$/);
  });
});

describe('secretsInGit, asking the real git', () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets in git '));
  after(() => { fs.rmSync(repo, { recursive: true, force: true }); });
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', ...args], { cwd: repo, encoding: 'utf8' });
  const env = 'UID=1000\nERLANG_COOKIE=committed-cookie\n';

  it('says nothing outside a repository, or without git', async () => {
    fs.mkdirSync(path.join(repo, '.devcontainer'));
    fs.writeFileSync(path.join(repo, ENV), env);
    assert.equal(await secretsInGit(repo, ENV, env), undefined);
    const pathBefore = process.env['PATH'];
    process.env['PATH'] = path.join(repo, 'no-such-bin');
    try {
      assert.equal(await secretsInGit(repo, ENV, env), undefined);
    } finally {
      process.env['PATH'] = pathBefore;
    }
  });

  it('finds a tracked file, then one committed once whose secrets it still holds, and none once rotated', async () => {
    git('init', '-q');
    assert.equal(await secretsInGit(repo, ENV, env), undefined, 'a repository without commits');
    git('add', ENV);
    git('commit', '-q', '-m', 'oops');
    assert.deepEqual(await secretsInGit(repo, ENV, env), { tracked: true, keys: ['ERLANG_COOKIE'] });

    git('rm', '-q', '--cached', '--', ENV);
    git('commit', '-q', '-m', 'untrack');
    assert.deepEqual(await secretsInGit(repo, ENV, env), { tracked: false, keys: ['ERLANG_COOKIE'] }, 'the deleting commit is the last one: the one before has the file');

    const rotated = env + rotationLines(env, 'ERLANG_COOKIE=fresh\n', ['ERLANG_COOKIE']);
    assert.equal(await secretsInGit(repo, ENV, rotated), undefined);
  });

  it('finds a file committed once in a project that is a folder below the repository\'s root', async () => {
    const project = path.join(repo, 'apps', 'my shop');
    fs.mkdirSync(path.join(project, '.devcontainer'), { recursive: true });
    fs.writeFileSync(path.join(project, ENV), env);
    git('add', '--', path.join('apps', 'my shop', ENV));
    git('commit', '-q', '-m', 'oops again');
    git('rm', '-q', '--cached', '--', path.join('apps', 'my shop', ENV));
    git('commit', '-q', '-m', 'untrack again');
    assert.deepEqual(await secretsInGit(project, ENV, env), { tracked: false, keys: ['ERLANG_COOKIE'] });
  });
});
