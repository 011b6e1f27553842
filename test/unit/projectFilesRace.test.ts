import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UnsafePathError, createFile } from '../../src/files/projectFiles';

/*
 * Swaps the project's .devcontainer folder with a link to a folder outside it, atomically and
 * without end (renameat2 with RENAME_EXCHANGE), as a process with the project mounted could.
 */
const SWAPPER = `
import ctypes, os, sys
libc = ctypes.CDLL("libc.so.6", use_errno=True)
a = os.path.join(sys.argv[1], ".devcontainer").encode()
b = os.path.join(sys.argv[1], ".swap").encode()
while True:
    libc.renameat2(-100, a, -100, b, 2)
`;

describe('writing project files while a folder above them is swapped for a link', { skip: process.platform !== 'linux' }, () => {
  it('never leaves a file outside the project', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'swap race '));
    const project = join(scratch, 'project');
    const outside = join(scratch, 'outside');
    mkdirSync(join(project, '.devcontainer'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(project, '.swap'));
    const swapper = spawn('python3', ['-c', SWAPPER, project], { stdio: 'ignore' });
    let refused = 0;
    try {
      const until = Date.now() + 3000;
      for (let n = 0; Date.now() < until; n++) {
        try {
          await createFile(project, `.devcontainer/file-${n}`, Buffer.from('generated'));
        } catch (error) {
          if (!(error instanceof UnsafePathError)) throw error;
          refused += 1;
        }
      }
    } finally {
      swapper.kill('SIGKILL');
      await new Promise((resolve) => swapper.once('close', resolve));
    }
    const escaped = readdirSync(outside);
    rmSync(scratch, { recursive: true, force: true });
    assert.ok(refused > 0, 'the race was run: some writes met the link');
    assert.deepEqual(escaped, [], 'files written outside the project');
  });
});
