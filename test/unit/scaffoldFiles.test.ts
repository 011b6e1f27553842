import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeEnvFile, mergeGitignore, mergeLines, parseEnvFile, planWrites, unifiedDiff } from '../../src/core/scaffold';

describe('mergeEnvFile', () => {
  it('keeps existing values, lines and comments, and adds missing keys', () => {
    const existing = '# mine\nERLANG_COOKIE=keep-me\nEXTRA="quoted value"\n';
    const merged = mergeEnvFile(existing, { UID: '1000', GID: '1000', ERLANG_COOKIE: 'new-cookie' });
    assert.equal(merged, '# mine\nERLANG_COOKIE=keep-me\nEXTRA="quoted value"\nUID=1000\nGID=1000\n');
    assert.equal(parseEnvFile(merged)['ERLANG_COOKIE'], 'keep-me');
    assert.equal(parseEnvFile(merged)['EXTRA'], 'quoted value');
  });

  it('fills a key that is present but empty, in place', () => {
    assert.equal(mergeEnvFile('ERLANG_COOKIE=\nUID=501\n', { UID: '1000', ERLANG_COOKIE: 'abc' }), 'ERLANG_COOKIE=abc\nUID=501\n');
  });

  it('changes nothing when every key is there, and keeps CRLF line endings', () => {
    const existing = 'UID=1000\r\nGID=1000\r\nERLANG_COOKIE=x';
    assert.equal(mergeEnvFile(existing, { UID: '0', GID: '0', ERLANG_COOKIE: 'y' }), existing);
    assert.equal(mergeEnvFile('UID=1\r\n', { GID: '2' }), 'UID=1\r\nGID=2\r\n');
    assert.equal(mergeEnvFile('', { GID: '2' }), 'GID=2\n');
  });

  it('does not take a commented-out key for a value', () => {
    assert.equal(mergeEnvFile('# ERLANG_COOKIE=old\n', { ERLANG_COOKIE: 'new' }), '# ERLANG_COOKIE=old\nERLANG_COOKIE=new\n');
  });
});

describe('mergeGitignore', () => {
  it('creates the file when there is none', () => {
    assert.equal(mergeGitignore(undefined, ['/.devcontainer/.env']), '# Dev container secrets (docker compose reads them; never commit them)\n/.devcontainer/.env\n');
  });

  it('appends after the existing lines, without touching them', () => {
    assert.equal(mergeGitignore('/_build/\n/deps/', ['/.devcontainer/.env']), '/_build/\n/deps/\n\n# Dev container secrets (docker compose reads them; never commit them)\n/.devcontainer/.env\n');
  });

  it('recognizes patterns that already ignore the file', () => {
    for (const existing of ['.env', '**/.env', '.devcontainer/.env', '/.devcontainer/.env', '*.env', '.devcontainer/', '/.devcontainer/*', '.devcontainer/**', '**/.devcontainer/.env', '.env ', '.[e]nv']) {
      assert.equal(mergeGitignore(`/_build/\n${existing}\n`, ['/.devcontainer/.env']), `/_build/\n${existing}\n`, existing);
    }
  });

  it('adds the line when the existing patterns do not cover the file', () => {
    for (const existing of ['/.env', 'other/.env', '.env/', '.envrc', '# .env', '.env\n!.devcontainer/.env', '\\#.env']) {
      assert.match(mergeGitignore(`${existing}\n`, ['/.devcontainer/.env']), /\n\/\.devcontainer\/\.env\n$/, existing);
    }
  });

  it('handles a folder with special characters', () => {
    assert.equal(mergeGitignore('/dev\\ box/.env\n', ['/dev\\ box/.env']), '/dev\\ box/.env\n');
  });
});

describe('planWrites', () => {
  const files = [
    { path: '.devcontainer/Dockerfile', content: 'FROM x\n' },
    { path: '.devcontainer/entrypoint.sh', content: '#!/bin/sh\n', mode: 0o755 },
    { path: '.devcontainer/.env', content: 'UID=1000\nERLANG_COOKIE=new\n', mode: 0o600, merge: 'env' as const },
    { path: '.gitignore', content: '# secrets\n/.devcontainer/.env\n', merge: 'gitignore' as const },
  ];

  it('creates what is missing', () => {
    assert.deepEqual(planWrites(files, {}).map((plan) => plan.action), ['create', 'create', 'create', 'create']);
    assert.deepEqual(planWrites(files, {})[1], { path: '.devcontainer/entrypoint.sh', action: 'create', content: '#!/bin/sh\n', mode: 0o755 });
  });

  it('never overwrites: a different file is a conflict that carries both texts', () => {
    const plans = planWrites(files, {
      '.devcontainer/Dockerfile': 'FROM x\r\n',
      '.devcontainer/entrypoint.sh': '#!/bin/bash\n',
      '.devcontainer/.env': 'ERLANG_COOKIE=old\n',
      '.gitignore': '.env\n',
    });
    assert.deepEqual(plans, [
      { path: '.devcontainer/Dockerfile', action: 'unchanged' },
      { path: '.devcontainer/entrypoint.sh', action: 'conflict', oldContent: '#!/bin/bash\n', content: '#!/bin/sh\n', mode: 0o755 },
      { path: '.devcontainer/.env', action: 'update', oldContent: 'ERLANG_COOKIE=old\n', content: 'ERLANG_COOKIE=old\nUID=1000\n' },
      { path: '.gitignore', action: 'unchanged' },
    ]);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\n', 'a\n', 'x'), '');
  });

  it('shows a change with three lines of context', () => {
    const before = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n';
    const after = 'one\ntwo\nthree\nfour\nFIVE\nsix\nseven\neight\n';
    assert.equal(unifiedDiff(before, after, '.devcontainer/Dockerfile'), '--- a/.devcontainer/Dockerfile\n+++ b/.devcontainer/Dockerfile\n@@ -2,7 +2,7 @@\n two\n three\n four\n-five\n+FIVE\n six\n seven\n eight\n');
  });

  it('splits distant changes into hunks and marks a missing final newline', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 2\n', 'line 2\ninserted\n').replace('line 19\n', '') + '\n';
    assert.equal(
      unifiedDiff(before, after, 'f'),
      [
        '--- a/f',
        '+++ b/f',
        '@@ -1,5 +1,6 @@',
        ' line 1',
        ' line 2',
        '+inserted',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -16,5 +17,4 @@',
        ' line 16',
        ' line 17',
        ' line 18',
        '-line 19',
        '-line 20',
        '\\ No newline at end of file',
        '+line 20',
        '',
      ].join('\n'),
    );
  });

  it('diffs a new file against nothing', () => {
    assert.equal(unifiedDiff('', 'a\nb\n', 'new'), '--- a/new\n+++ b/new\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });
});

describe('mergeLines', () => {
  const rule = '# Dev container scripts\n/.devcontainer/*.sh text eol=lf\n';

  it('creates the file, or appends the missing rule with its comment after the existing lines', () => {
    assert.equal(mergeLines('', rule), rule);
    assert.equal(mergeLines('*.png binary', rule), `*.png binary\n\n${rule}`);
  });

  it('changes nothing when the rule is there already, whatever the comments and line endings', () => {
    const existing = '*.png binary\r\n/.devcontainer/*.sh text eol=lf\r\n';
    assert.equal(mergeLines(existing, rule), existing);
  });
});
