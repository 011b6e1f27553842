import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from './support';

const EXTENSION_ID = 'phoenix-dev-containers.phoenix-dev-containers';

const COMMANDS = [
  'phoenix.startDevContainer',
  'phoenix.stopDevContainer',
  'phoenix.restartDevContainer',
  'phoenix.rebuildDevContainer',
  'phoenix.scaffoldDevContainer',
  'phoenix.attachRemoteIex',
  'phoenix.showLogs',
  'phoenix.openInBrowser',
  'phoenix.scaffoldReleaseImage',
];

describe('activation', () => {
  before(() => {
    console.log(
      `host: appName=${vscode.env.appName} uiKind=${vscode.UIKind[vscode.env.uiKind]} ` +
        `remoteName=${vscode.env.remoteName ?? 'none'} version=${vscode.version}`,
    );
  });

  it('opened a workspace folder that holds a mix.exs', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const mixfiles = await vscode.workspace.findFiles('mix.exs');
    assert.equal(mixfiles.length, 1, `expected a mix.exs at the root of ${folder.uri.fsPath}`);
  });

  it('activates by itself in a workspace with a mix.exs', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    // The activation event fires on its own; the test only waits for it instead of forcing it.
    await waitFor(() => extension.isActive, `${EXTENSION_ID} to activate`);
  });

  it('registers every Phoenix command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });
});
