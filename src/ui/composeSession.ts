import type * as vscode from 'vscode';
import type { ComposeCli } from '../core/compose';
import { detectComposeCli } from '../docker/composeCli';
import type { Settings } from './settings';

/**
 * The compose CLI the lifecycle commands run, found once per setting value, and the environment
 * it runs in: the engine chosen by `phoenix.dockerHost` when set, so compose and the view agree.
 */
export class ComposeSession implements vscode.Disposable {
  private detected: Promise<ComposeCli> | undefined;
  private readonly settingChanges: vscode.Disposable;

  constructor(private readonly settings: Settings) {
    this.settingChanges = settings.onDidChange((changed) => {
      if (changed.has('composeCommand')) this.detected = undefined;
    });
  }

  cli(): Promise<ComposeCli> {
    if (this.detected === undefined) {
      const cli = detectComposeCli(this.settings.composeCommand, this.env());
      this.detected = cli;
      // Installing compose after a failure must not need a reload.
      cli.catch(() => {
        if (this.detected === cli) this.detected = undefined;
      });
    }
    return this.detected;
  }

  /** The program for `exec` into a container: podman where compose is Podman's (there may be no docker), else docker. */
  async containerCli(): Promise<string> {
    const cli = await this.cli().catch(() => undefined);
    return cli?.flavour === 'podman compose' ? 'podman' : 'docker';
  }

  env(): NodeJS.ProcessEnv {
    return { ...process.env, ...this.terminalEnv() };
  }

  /** What a terminal running docker or compose needs on top of its usual environment. */
  terminalEnv(): Record<string, string> {
    const dockerHost = this.settings.dockerHost.trim();
    return dockerHost === '' ? {} : { DOCKER_HOST: dockerHost };
  }

  dispose(): void {
    this.settingChanges.dispose();
  }
}
