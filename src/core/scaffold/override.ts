import { OVERRIDE_FILE } from '../contract';
import { hostnameLines, labelLines } from '../generated/compose';
import { databaseAddress } from './compose';
import { fileOf } from '../generated/dockerfile';
import { yamlLiteral } from '../generated/quoting';
import type { AdoptedCompose, DevContainerContext } from './context';

/** The adopted service's additions, merged by compose over the user's file (left as written). */
export function renderOverride(c: DevContainerContext, adopt: AdoptedCompose): string {
  const { project } = c;
  return fileOf([
    `# Makes the "${adopt.service.name}" service of ${adopt.file} (left as you wrote it) the dev container of`,
    `# ${project.app}: a named, cookie-protected Erlang node. Compose merges this file over ${adopt.file};`,
    '# relative paths in it start at the project root. To run it without VS Code, from the project root:',
    `#   docker compose -f ${adopt.file} -f ${c.folder}/${OVERRIDE_FILE} up`,
    'services:',
    `  ${yamlLiteral(adopt.service.name)}:`,
    ...hostnameLines(c.nodeName, c.hostname),
    ...(adopt.service.hasWorkingDir ? [] : [`    working_dir: ${yamlLiteral(c.workdir)}`]),
    '    # A small init as PID 1 forwards stop signals and reaps processes such as epmd.',
    '    init: true',
    `    command: ["sh", ${yamlLiteral(`${c.workdir}/${c.folder}/entrypoint.sh`)}]`,
    '    # The cookie comes from the git-ignored .env, straight into the container.',
    '    env_file:',
    `      - ${yamlLiteral(`${c.folder}/.env`)}`,
    '    environment:',
    `      NODE_NAME: ${yamlLiteral(c.nodeName)}`,
    ...databaseAddress(c),
    ...labelLines({ role: 'app', app: project.app, nodeName: c.nodeName, nodeMode: c.nodeMode, httpPort: project.http.port }),
  ]);
}
