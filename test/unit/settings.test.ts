import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { SETTINGS, Settings, type SettingKey, type SettingsWorkspace } from '../../src/ui/settings';

const REPO = path.resolve(__dirname, '..', '..', '..');

interface ManifestSetting {
  readonly default: unknown;
  readonly scope?: string;
}

function manifestSettings(): Record<string, ManifestSetting> {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, ManifestSetting> } };
  };
  return manifest.contributes.configuration.properties;
}

const folder = (name: string): vscode.WorkspaceFolder => ({ name, index: 0, uri: { fsPath: `/work/${name}` } as unknown as vscode.Uri });

/**
 * A workspace whose `phoenix.*` values are `window` (read without a folder), `folders` (read for
 * one) and the user's global `attachMode`; it records each read and lets the test fire changes.
 */
function fakeWorkspace(values: {
  window?: Partial<Record<SettingKey, unknown>>;
  folders?: Record<string, Partial<Record<SettingKey, unknown>>>;
  attachMode?: { globalValue?: unknown; workspaceValue?: unknown };
  workspaceFolders?: vscode.WorkspaceFolder[];
}): { workspace: SettingsWorkspace; reads: string[]; change(affected: string[]): void } {
  const reads: string[] = [];
  const listeners: ((event: vscode.ConfigurationChangeEvent) => void)[] = [];
  const workspace = {
    workspaceFolders: values.workspaceFolders,
    getConfiguration: (section: string, scope?: vscode.WorkspaceFolder) => ({
      get: (key: SettingKey, fallback: unknown) => {
        reads.push(`${section}.${key}@${scope?.name ?? 'window'}`);
        const own = scope === undefined ? values.window : values.folders?.[scope.name];
        return own?.[key] ?? values.window?.[key] ?? fallback;
      },
      inspect: (key: string) => {
        reads.push(`inspect ${section}.${key}`);
        return { key, defaultValue: 'container', ...values.attachMode };
      },
    }),
    onDidChangeConfiguration: (listener: (event: vscode.ConfigurationChangeEvent) => void) => {
      listeners.push(listener);
      return { dispose: () => { listeners.splice(listeners.indexOf(listener), 1); } };
    },
  } as unknown as SettingsWorkspace;
  return {
    workspace,
    reads,
    change: (affected) => {
      for (const listener of [...listeners]) listener({ affectsConfiguration: (name: string) => affected.includes(name) });
    },
  };
}

describe('settings: package.json', () => {
  it('declares every setting the extension reads, with the same default', () => {
    const declared = manifestSettings();
    assert.deepEqual(Object.keys(declared).sort(), Object.keys(SETTINGS).map((key) => `phoenix.${key}`).sort());
    for (const [key, setting] of Object.entries(SETTINGS)) {
      assert.deepEqual(setting.default, declared[`phoenix.${key}`]?.default, `the default of phoenix.${key}`);
    }
  });

  it('reads per workspace folder exactly the settings it declares with the resource scope', () => {
    const declared = manifestSettings();
    for (const [key, setting] of Object.entries(SETTINGS)) {
      assert.equal(setting.perFolder, declared[`phoenix.${key}`]?.scope === 'resource', `the scope of phoenix.${key}`);
    }
  });
});

describe('settings: reading', () => {
  it('gives the defaults when nothing is set', () => {
    const settings = new Settings(fakeWorkspace({}).workspace);
    const app = folder('app');
    assert.equal(settings.dockerHost, '');
    assert.equal(settings.composeCommand, 'auto');
    assert.equal(settings.devContainerFolder(app), '.devcontainer');
    assert.equal(settings.readyTimeoutMs(app), 300_000);
    assert.deepEqual(settings.scaffold(app), { folder: '.devcontainer', baseImage: '', debian: '', namedVolumes: false, fixedSubnet: '' });
    assert.equal(settings.formatInContainer(app), false);
  });

  it('reads resource-scoped settings for the folder, the others for the window', () => {
    const { workspace, reads } = fakeWorkspace({
      window: { readyTimeout: 60, dockerHost: 'unix:///run/other.sock', composeCommand: 'docker-compose' },
      folders: { app: { readyTimeout: 30, devContainerFolder: 'dev', fixedSubnet: '172.40.0.0/24' } },
    });
    const settings = new Settings(workspace);
    const app = folder('app');
    assert.equal(settings.readyTimeoutMs(app), 30_000);
    assert.equal(settings.readyTimeoutMs(folder('other')), 60_000);
    assert.equal(settings.scaffold(app).folder, 'dev');
    assert.equal(settings.scaffold(app).fixedSubnet, '172.40.0.0/24');
    assert.equal(settings.dockerHost, 'unix:///run/other.sock');
    assert.equal(settings.composeCommand, 'docker-compose');
    assert.ok(reads.includes('phoenix.dockerHost@window') && reads.includes('phoenix.composeCommand@window'), reads.join(', '));
    assert.ok(!reads.some((read) => /(dockerHost|composeCommand)@(?!window)/.test(read)), reads.join(', '));
  });

  it('hands attachMode over as inspected, by where it is set, for attachPlace to honour the user value only', () => {
    const settings = new Settings(fakeWorkspace({ attachMode: { workspaceValue: 'host' } }).workspace);
    assert.deepEqual(settings.attachMode(), { key: 'attachMode', defaultValue: 'container', workspaceValue: 'host' });
  });
});

describe('settings: changes', () => {
  it('reports which phoenix settings changed, and nothing for other sections', () => {
    const fake = fakeWorkspace({});
    const seen: string[][] = [];
    const subscription = new Settings(fake.workspace).onDidChange((changed) => { seen.push([...changed].sort()); });
    fake.change(['phoenix.dockerHost', 'phoenix', 'editor.fontSize']);
    fake.change(['editor.fontSize']);
    fake.change(['phoenix.readyTimeout', 'phoenix.composeCommand']);
    subscription.dispose();
    fake.change(['phoenix.dockerHost']);
    assert.deepEqual(seen, [['dockerHost'], ['composeCommand', 'readyTimeout']]);
  });
});

describe('settings: the log line', () => {
  it('shows the settings in effect, and each folder only where it differs', () => {
    const settings = new Settings(fakeWorkspace({
      window: { readyTimeout: 120 },
      folders: { app: { readyTimeout: 30 }, same: {} },
      workspaceFolders: [folder('app'), folder('same')],
    }).workspace);
    assert.deepEqual(settings.describe(), [
      'Settings: devContainerFolder=".devcontainer", dockerHost="", baseImage="", debianRelease="", namedVolumes=false, fixedSubnet="", composeCommand="auto", readyTimeout=120, attachMode=container, formatInContainer=false',
      'Settings of app: readyTimeout=30',
    ]);
  });

  it('leaves out a Docker host\'s credentials and shows the attach place the user value chooses', () => {
    const lines = new Settings(fakeWorkspace({
      window: { dockerHost: 'tcp://deploy:s3cret@docker.example:2376' },
      attachMode: { globalValue: 'container', workspaceValue: 'host' },
    }).workspace).describe();
    assert.ok(lines[0]?.includes('dockerHost="tcp://…@docker.example:2376"'), lines[0]);
    assert.ok(!lines.join('\n').includes('s3cret') && !lines.join('\n').includes('deploy'), lines.join('\n'));
    assert.ok(lines[0]?.includes('attachMode=container,'), lines[0]);
    const host = new Settings(fakeWorkspace({ attachMode: { globalValue: 'host' } }).workspace).describe();
    assert.ok(host[0]?.includes('attachMode=host,'), host[0]);
  });
});
