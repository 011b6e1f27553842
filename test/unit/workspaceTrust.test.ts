import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { requireTrust, type TrustPrompt } from '../../src/core/workspaceTrust';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** VS Code's side of the trust step, recording what it was asked; `choose` answers the warning. */
function workspace(trusted: boolean, choose: boolean): TrustPrompt & { warnings: string[]; managed: number } {
  const state = {
    warnings: [] as string[],
    managed: 0,
    isTrusted: () => trusted,
    warn: (message: string, action: string) => {
      state.warnings.push(`${message} [${action}]`);
      return Promise.resolve(choose);
    },
    manageTrust: () => {
      state.managed += 1;
      return Promise.resolve();
    },
  };
  return state;
}

/** The step does not wait for the answer; the test lets it arrive. */
const answered = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

describe('the trust step of a command that writes or runs', () => {
  it('lets a trusted workspace through without a word', () => {
    const trusted = workspace(true, false);
    assert.equal(requireTrust(trusted, 'why', 'Manage Workspace Trust'), true);
    assert.deepEqual(trusted.warnings, []);
  });

  it('stops in an untrusted workspace, says why, and opens the trust editor when asked', async () => {
    const accepts = workspace(false, true);
    assert.equal(requireTrust(accepts, 'Trust this workspace first: scaffolding writes files.', 'Manage Workspace Trust'), false);
    assert.deepEqual(accepts.warnings, ['Trust this workspace first: scaffolding writes files. [Manage Workspace Trust]']);
    await answered();
    assert.equal(accepts.managed, 1);

    const dismisses = workspace(false, false);
    assert.equal(requireTrust(dismisses, 'why', 'Manage Workspace Trust'), false);
    await answered();
    assert.equal(dismisses.managed, 0);
  });
});

describe('the manifest in a workspace that is not trusted', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: { menus: { commandPalette: { command: string; when: string }[] }; viewsWelcome: { contents: string; when: string }[] };
  };
  const nls = JSON.parse(fs.readFileSync(path.join(REPO, 'package.nls.json'), 'utf8')) as Record<string, string>;

  it('keeps the scaffold commands in the palette: running them explains and offers trust', () => {
    for (const command of ['phoenix.scaffoldDevContainer', 'phoenix.scaffoldReleaseImage']) {
      // No entry at all: listed always.
      const entry = manifest.contributes.menus.commandPalette.find((candidate) => candidate.command === command);
      assert.doesNotMatch(entry?.when ?? '', /isWorkspaceTrusted|false/, command);
    }
  });

  it('offers Manage Workspace Trust in the welcome view instead of a scaffold that would only be refused', () => {
    const untrusted = manifest.contributes.viewsWelcome.filter((view) => /!isWorkspaceTrusted/.test(view.when) && /!phoenix\.devContainerExists/.test(view.when));
    assert.equal(untrusted.length, 1);
    const contents = nls[(untrusted[0]?.contents ?? '').replace(/^%|%$/g, '')] ?? '';
    assert.match(contents, /\(command:workbench\.trust\.manage\)/);
    assert.doesNotMatch(contents, /command:phoenix\.startDevContainer/, 'Start is not offered where it cannot run');
    const offeringStart = manifest.contributes.viewsWelcome.filter((view) => (nls[view.contents.replace(/^%|%$/g, '')] ?? '').includes('command:phoenix.startDevContainer'));
    assert.ok(offeringStart.length >= 2);
    assert.ok(offeringStart.every((view) => /(^|&& )isWorkspaceTrusted/.test(view.when)), 'the scaffold-and-start buttons only where they run');
  });
});
