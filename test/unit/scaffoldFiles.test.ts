import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeEnvFile, mergeGitignore, mergeLines, parseEnvFile } from '../../src/core/scaffold';
import { planWrites } from './fixtures/planWrites';

describe('mergeEnvFile', () => {
  it('keeps existing values, lines and comments, and adds missing keys', () => {
    const existing = '# mine\nERLANG_COOKIE=keep-me\nEXTRA="quoted value"\n';
    const merged = mergeEnvFile(existing, { UID: '1000', GID: '1000', ERLANG_COOKIE: 'new-cookie' });
    assert.equal(merged, '# mine\nERLANG_COOKIE=keep-me\nEXTRA="quoted value"\nUID=1000\nGID=1000\n');
    assert.equal(parseEnvFile(merged)['ERLANG_COOKIE'], 'keep-me');
    assert.equal(parseEnvFile(merged)['EXTRA'], 'quoted value');
  });

  it("fills a key that is present but empty by appending it, leaving the user's line as it is", () => {
    const merged = mergeEnvFile('ERLANG_COOKIE=\nUID=501\n', { UID: '1000', ERLANG_COOKIE: 'abc' });
    assert.equal(merged, 'ERLANG_COOKIE=\nUID=501\nERLANG_COOKIE=abc\n');
    assert.equal(parseEnvFile(merged)['ERLANG_COOKIE'], 'abc');
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
    // A bracket class never matches the / between folders, as in git.
    for (const existing of ['/.env', 'other/.env', '.env/', '.envrc', '# .env', '.env\n!.devcontainer/.env', '\\#.env', '.devcontainer[!a].env', '.devcontainer[/].env']) {
      assert.match(mergeGitignore(`${existing}\n`, ['/.devcontainer/.env']), /\n\/\.devcontainer\/\.env\n$/, existing);
    }
  });

  it('leaves out a class that is no regular expression, instead of failing', () => {
    assert.match(mergeGitignore('[z-a].env\n', ['/.devcontainer/.env']), /\n\/\.devcontainer\/\.env\n$/);
  });

  it('handles a folder with special characters', () => {
    assert.equal(mergeGitignore('/dev\\ box/.env\n', ['/dev\\ box/.env']), '/dev\\ box/.env\n');
  });
});

describe('planWrite', () => {
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

describe('mergeLines', () => {
  const rule = '# Dev container scripts\n/.devcontainer/*.sh text eol=lf\n';

  it('creates the file, or appends the missing rule with its comment after the existing lines', () => {
    assert.equal(mergeLines('', rule), rule);
    assert.equal(mergeLines('*.png binary', rule), `*.png binary\n\n${rule}`);
  });

  it('changes nothing when the rule is there already, whatever the comments, spacing and line endings', () => {
    const existing = '*.png binary\r\n/.devcontainer/*.sh text eol=lf\r\n';
    assert.equal(mergeLines(existing, rule), existing);
    const spaced = '/.devcontainer/*.sh   text\teol=lf\n';
    assert.equal(mergeLines(spaced, rule), spaced);
  });
});
