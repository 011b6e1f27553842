import * as vscode from 'vscode';
import type { ComposeCli, ComposeSetting } from '../core/compose';
import { detectComposeCli } from '../docker/lifecycle';

/**
 * The compose CLI the lifecycle commands run, found once per setting value, and the environment
 * it runs in: the engine chosen by `phoenix.dockerHost` when set, so compose and the view agree.
 */
export class ComposeSession {
  private detected: { setting: ComposeSetting; cli: Promise<ComposeCli> } | undefined;

  cli(): Promise<ComposeCli> {
    const setting = vscode.workspace.getConfiguration('phoenix').get<ComposeSetting>('composeCommand', 'auto');
    if (this.detected?.setting !== setting) {
      const cli = detectComposeCli(setting, this.env());
      this.detected = { setting, cli };
      // Installing compose after a failure must not need a reload.
      cli.catch(() => {
        if (this.detected?.cli === cli) this.detected = undefined;
      });
    }
    return this.detected.cli;
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
    const dockerHost = vscode.workspace.getConfiguration('phoenix').get<string>('dockerHost', '').trim();
    return dockerHost === '' ? {} : { DOCKER_HOST: dockerHost };
  }
}
