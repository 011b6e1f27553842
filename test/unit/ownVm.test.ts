import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PRIVATE_COOKIE_VARIABLE, attachingNodeName, cookieVariablesEmptied, privateCookieShellArgs } from '../../src/core/node';

describe('cookieVariablesEmptied', () => {
  it('empties exactly the variables whose value is the cookie', () => {
    const env = ['ERLANG_COOKIE=s3cret', 'RELEASE_COOKIE=s3cret', 'PATH=/usr/bin', 'PREFIX=s3cret-not', 'EMPTY=', '=s3cret', 'NOEQUALS'];
    assert.deepEqual(cookieVariablesEmptied(env, 's3cret'), ['ERLANG_COOKIE=', 'RELEASE_COOKIE=']);
    assert.deepEqual(cookieVariablesEmptied(['A=x=y'], 'x=y'), ['A=']);
  });
});

describe('privateCookieShellArgs', () => {
  it('leaves no process behind that holds the cookie in its environment, the private folder\'s remover included', { skip: process.platform !== 'linux' }, () => {
    const session = attachingNodeName(randomBytes(4).toString('hex'));
    const cookie = `cookie-${randomBytes(8).toString('hex')}`;
    const home = mkdtempSync(join(tmpdir(), 'own vm home '));
    try {
      // In place of a VM: a program that ends at once, after the wrapper made the private folder.
      execFileSync('sh', privateCookieShellArgs(session, ['true']), { env: { ...process.env, [PRIVATE_COOKIE_VARIABLE]: cookie, HOME: home, TMPDIR: '/tmp' } });
      const left = processesWith(session);
      assert.ok(left.length > 0, 'the remover of the private folder waits in the background');
      assert.deepEqual(left.filter((pid) => environ(pid).includes(cookie)), [], 'no process left holds the cookie in its environment');
      assert.deepEqual(left.filter((pid) => cmdline(pid).includes(cookie)), [], 'nor on its command line');
      for (const pid of left) process.kill(Number(pid));
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(`/tmp/${session}`, { recursive: true, force: true });
    }
  });
});

function processesWith(text: string): string[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid && cmdline(entry).includes(text));
}

function cmdline(pid: string): string {
  return read(`/proc/${pid}/cmdline`);
}

function environ(pid: string): string {
  return read(`/proc/${pid}/environ`);
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
