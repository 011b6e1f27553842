import { fileOf, installMissingTools, run } from '../generated/dockerfile';
import type { DevContainerContext } from './context';

/** Commands the dev workflow uses and the Debian package that provides each. */
const TOOLS: readonly (readonly [string, string])[] = [
  ['git', 'git'],
  ['make', 'build-essential'],
  ['gcc', 'build-essential'],
  ['inotifywait', 'inotify-tools'],
  ['watchman', 'watchman'],
  ['ps', 'procps'],
  ['ip', 'iproute2'],
  ['lsof', 'lsof'],
  ['update-ca-certificates', 'ca-certificates'],
];

/** The dev image: the base image, the dev tools, Hex and rebar3, and a user with the host's UID. */
export function renderDockerfile(c: DevContainerContext): string {
  const tools = TOOLS.filter(([command]) => command !== 'watchman' || c.hasWatchman).map(([command, pkg]) => `${command}:${pkg}`);
  const appDirs = c.namedVolumes ? '/app /app/deps /app/_build' : '/app';
  return fileOf([
    `# Development image for ${c.project.app}. docker-compose.yml in this folder builds it and`,
    '# bind-mounts the project at /app: nothing of the project is copied into the image.',
    `FROM ${c.image}`,
    '',
    '# Hex and rebar3 go to MIX_HOME and HEX_HOME, outside any home folder, so every user shares them.',
    'ENV LANG=C.UTF-8 \\',
    '    MIX_HOME=/opt/mix \\',
    '    HEX_HOME=/opt/hex',
    '',
    '# Development tools, as command:package. A package is installed only when its command is',
    '# missing, and a failed install (building offline) only warns: the image may have them all.',
    installMissingTools(tools, {
      announce: true,
      install: 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing',
      cleanup: 'rm -rf /var/lib/apt/lists/*',
    }),
    '',
    '# Hex and rebar3, only when absent. Offline the build goes on, and the entrypoint tries again',
    '# when it has to fetch dependencies.',
    run([
      'set -eu;',
      '    mkdir -p "$MIX_HOME" "$HEX_HOME";',
      '    if ! mix hex.info >/dev/null 2>&1; then',
      '      mix local.hex --force || echo "warning: could not install Hex; continuing without it." >&2;',
      '    fi;',
      '    if [ -z "$(find "$MIX_HOME" -name rebar3 -type f)" ]; then',
      '      mix local.rebar --force || echo "warning: could not install rebar3; continuing without it." >&2;',
      '    fi',
    ]),
    '',
    '# docker-compose.yml passes your UID and GID (from .env) so that the files the container writes',
    '# in the project belong to you on the host. Declared here, after the slow steps, so that another',
    '# UID reuses their cached layers.',
    'ARG USER_UID=1000',
    'ARG USER_GID=1000',
    '',
    '# The user "phoenix" gets your UID and GID: a group that already has the GID is reused, and a',
    '# user that already has the UID is renamed. UID 0 means you run as root on the host; the',
    '# container then runs as root too, so the bind-mounted project stays writable on both sides.',
    run([
      'set -eu;',
      '    if [ "$USER_UID" != 0 ]; then',
      '      group="$(getent group "$USER_GID" | cut -d: -f1)";',
      '      if [ -z "$group" ]; then groupadd --gid "$USER_GID" phoenix; group=phoenix; fi;',
      '      user="$(getent passwd "$USER_UID" | cut -d: -f1)";',
      '      if [ -z "$user" ]; then',
      '        useradd --no-log-init --uid "$USER_UID" --gid "$group" --home-dir /home/phoenix --create-home --shell /bin/bash phoenix;',
      '      elif [ "$user" != phoenix ]; then',
      '        usermod --login phoenix --gid "$group" --home /home/phoenix "$user";',
      '      fi;',
      '      mkdir -p /home/phoenix;',
      '      chown "$USER_UID:$USER_GID" /home/phoenix;',
      '    fi;',
      `    mkdir -p ${appDirs};`,
      `    chown "$USER_UID:$USER_GID" ${appDirs};`,
      '    chown -R "$USER_UID:$USER_GID" "$MIX_HOME" "$HEX_HOME"',
    ]),
    '',
    'WORKDIR /app',
    'USER ${USER_UID}:${USER_GID}',
  ]);
}
