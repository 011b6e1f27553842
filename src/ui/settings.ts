import type * as vscode from 'vscode';
import type { ComposeSetting } from '../core/compose';
import { DEFAULT_FOLDER } from '../core/contract';
import { attachPlace, type AttachModeSetting } from '../core/node';
import { DEFAULT_READY_TIMEOUT_MS } from '../docker/readiness';
import type { ScaffoldSettings } from './devContainerScaffold';

interface SettingTypes {
  readonly devContainerFolder: string;
  readonly dockerHost: string;
  readonly baseImage: string;
  readonly debianRelease: string;
  readonly namedVolumes: boolean;
  readonly fixedSubnet: string;
  readonly composeCommand: ComposeSetting;
  readonly readyTimeout: number;
  readonly attachMode: string;
  readonly formatInContainer: boolean;
}

export type SettingKey = keyof SettingTypes;

/**
 * The `phoenix.*` settings: their defaults (the same as package.json's `contributes.configuration`)
 * and whether they are read per workspace folder (`"scope": "resource"`).
 */
export const SETTINGS: { readonly [K in SettingKey]: { readonly default: SettingTypes[K]; readonly perFolder: boolean } } = {
  devContainerFolder: { default: DEFAULT_FOLDER, perFolder: true },
  dockerHost: { default: '', perFolder: false },
  baseImage: { default: '', perFolder: true },
  debianRelease: { default: '', perFolder: true },
  namedVolumes: { default: false, perFolder: true },
  fixedSubnet: { default: '', perFolder: true },
  composeCommand: { default: 'auto', perFolder: false },
  readyTimeout: { default: DEFAULT_READY_TIMEOUT_MS / 1000, perFolder: true },
  attachMode: { default: 'container', perFolder: false },
  formatInContainer: { default: false, perFolder: true },
};

const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The parts of `vscode.workspace` the settings are read from (a stand-in in unit tests). */
export type SettingsWorkspace = Pick<typeof vscode.workspace, 'getConfiguration' | 'onDidChangeConfiguration' | 'workspaceFolders'>;

/**
 * Reads the `phoenix.*` settings, typed, with their defaults. In an untrusted workspace VS Code
 * itself answers the restricted ones (package.json's `restrictedConfigurations`) from the user's
 * settings only.
 */
export class Settings {
  constructor(private readonly workspace: SettingsWorkspace) {}

  /** The engine `phoenix.dockerHost` names, '' for Docker's own choice. */
  get dockerHost(): string {
    return this.get('dockerHost');
  }

  get composeCommand(): ComposeSetting {
    return this.get('composeCommand');
  }

  /** The dev container folder as set for `folder` (not yet checked to be a folder inside the project). */
  devContainerFolder(folder: vscode.WorkspaceFolder): string {
    return this.get('devContainerFolder', folder);
  }

  /** What a dev container or release image scaffold is made with. */
  scaffold(folder: vscode.WorkspaceFolder): ScaffoldSettings {
    return {
      folder: this.get('devContainerFolder', folder),
      baseImage: this.get('baseImage', folder),
      debian: this.get('debianRelease', folder),
      namedVolumes: this.get('namedVolumes', folder),
      fixedSubnet: this.get('fixedSubnet', folder),
    };
  }

  /** How long a start or an attach waits for the node and Phoenix to answer. */
  readyTimeoutMs(folder: vscode.WorkspaceFolder): number {
    return this.get('readyTimeout', folder) * 1000;
  }

  /** Whether the folder's Elixir files are formatted in the dev container even when another formatter is installed. */
  formatInContainer(folder: vscode.WorkspaceFolder): boolean {
    return this.get('formatInContainer', folder);
  }

  /** `phoenix.attachMode` by where it is set: only the user's own value may choose host mode (see attachPlace). */
  attachMode(): AttachModeSetting | undefined {
    return this.workspace.getConfiguration('phoenix').inspect('attachMode');
  }

  /** Calls `listener` with the `phoenix.*` settings that changed, in any scope. */
  onDidChange(listener: (changed: ReadonlySet<SettingKey>) => void): vscode.Disposable {
    return this.workspace.onDidChangeConfiguration((event) => {
      const changed = new Set(SETTING_KEYS.filter((key) => event.affectsConfiguration(`phoenix.${key}`)));
      if (changed.size > 0) listener(changed);
    });
  }

  /**
   * The settings in effect, for the log: the window's, then each folder's where they differ. The
   * attach mode is the place it resolves to; a Docker host's user and password are left out.
   */
  describe(): string[] {
    const shown = (key: SettingKey, scope?: vscode.WorkspaceFolder): string => {
      if (key === 'attachMode') return attachPlace(this.attachMode());
      const value = this.get(key, scope);
      return key === 'dockerHost' ? withoutCredentials(String(value)) : JSON.stringify(value);
    };
    const windowValues = new Map(SETTING_KEYS.map((key) => [key, shown(key)]));
    const lines = [`Settings: ${[...windowValues].map(([key, value]) => `${key}=${value}`).join(', ')}`];
    for (const folder of this.workspace.workspaceFolders ?? []) {
      const differing = SETTING_KEYS
        .filter((key) => SETTINGS[key].perFolder)
        .map((key) => [key, shown(key, folder)] as const)
        .filter(([key, value]) => windowValues.get(key) !== value);
      if (differing.length > 0) lines.push(`Settings of ${folder.name}: ${differing.map(([key, value]) => `${key}=${value}`).join(', ')}`);
    }
    return lines;
  }

  private get<K extends SettingKey>(key: K, folder?: vscode.WorkspaceFolder): SettingTypes[K] {
    return this.workspace.getConfiguration('phoenix', folder).get<SettingTypes[K]>(key, SETTINGS[key].default);
  }
}

/** `tcp://user:secret@host:2376` as `tcp://…@host:2376`. */
function withoutCredentials(host: string): string {
  return JSON.stringify(host.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1…@'));
}
