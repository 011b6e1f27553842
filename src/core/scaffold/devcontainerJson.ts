import { OVERRIDE_FILE } from '../contract';
import type { DevContainerContext } from './context';

/** devcontainer.json, for the Dev Containers extension and the devcontainer CLI. */
export function renderDevcontainerJson(c: DevContainerContext): string {
  const config = {
    name: c.project.app,
    dockerComposeFile: c.adopt === undefined ? 'docker-compose.yml' : [`${c.rootFromFolder}/${c.adopt.file}`, OVERRIDE_FILE],
    service: c.adopt?.service.name ?? 'app',
    workspaceFolder: c.workdir,
    forwardPorts: [c.project.http.port],
    // The adopted image has its own users; the generated one has "phoenix" (root for UID 0).
    ...(c.adopt === undefined && { remoteUser: c.uid === 0 ? 'root' : 'phoenix' }),
    shutdownAction: 'stopCompose',
    customizations: { vscode: { extensions: ['JakeBecker.elixir-ls', 'phoenixframework.phoenix'] } },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
