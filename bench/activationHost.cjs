// One fresh process: load dist/extension.js against a minimal stand-in for the `vscode` module,
// run activate(), and print how long that took and whether the Docker client was loaded.
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const disposable = { dispose() {} };
const event = () => disposable;
class EventEmitter {
  event = event;
  fire() {}
  dispose() {}
}
const vscodeStub = {
  EventEmitter,
  Uri: { joinPath: (base, ...parts) => ({ ...base, fsPath: path.join(base.fsPath, ...parts) }) },
  l10n: { t: (message) => message },
  window: {
    createOutputChannel: () => ({ ...disposable, trace() {}, debug() {}, info() {}, warn() {}, error() {}, show() {} }),
    createTreeView: () => ({ ...disposable, visible: false, onDidChangeVisibility: event }),
    createStatusBarItem: () => ({ ...disposable, show() {}, hide() {} }),
    onDidCloseTerminal: event,
    onDidChangeWindowState: event,
  },
  StatusBarAlignment: { Left: 1, Right: 2 },
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: (_key, fallback) => fallback, inspect: () => undefined }),
    createFileSystemWatcher: () => ({ ...disposable, onDidCreate: event, onDidDelete: event, onDidChange: event }),
    onDidChangeWorkspaceFolders: event,
    onDidGrantWorkspaceTrust: event,
    onDidChangeConfiguration: event,
    registerTextDocumentContentProvider: () => disposable,
  },
  commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
};

const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
};

const dist = path.join(__dirname, '..', 'dist');
const context = { subscriptions: [], extension: { id: 'phoenix-dev-containers.phoenix-dev-containers' } };
const start = performance.now();
require(path.join(dist, 'extension.js')).activate(context);
const elapsed = performance.now() - start;
const dockerodeLoaded = Object.keys(require.cache).some((file) => file.endsWith(`${path.sep}dockerode.js`));
process.stdout.write(JSON.stringify({ elapsed, dockerodeLoaded }));
