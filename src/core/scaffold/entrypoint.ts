import { OVERRIDE_FILE, RESET_DATABASE_ARGUMENT, STEP_MARKER } from '../contract';
import { DATABASES } from '../generated/compose';
import { fileOf } from '../generated/dockerfile';
import { shellDoubleQuoted } from '../generated/quoting';
import { CONFIGURED_SERVER, CONTAINER_CONFIG_SCRIPT } from './containerConfig';
import type { DevContainerContext } from './context';

/**
 * entrypoint.sh: starts the Phoenix dev server as a distributed Erlang node, after fetching
 * dependencies, compiling and (with Ecto) preparing the database; each step prints a marker.
 */
export function renderEntrypoint(c: DevContainerContext): string {
  const folder = shellDoubleQuoted(c.folder);
  const nodeNameFile = c.adopt === undefined ? 'docker-compose.yml' : OVERRIDE_FILE;
  return [
    fileOf([
      '#!/bin/sh',
      `# Starts ${c.project.app}'s Phoenix dev server as a distributed Erlang node, so that a remote IEx`,
      '# shell can attach to it. The dev container\'s compose file runs it with sh from the bind-mounted project.',
      'set -eu',
      '',
      '# Each step says when it begins, and a failed one says so, so that the Phoenix extension can show',
      '# the step under way and name the one that failed.',
      'step=start',
      'begin() {',
      '  step="$1"',
      `  echo "${STEP_MARKER} $1"`,
      '}',
      `trap 'status=$?; [ "$status" -eq 0 ] || echo "${STEP_MARKER} failed $step (exit $status)" >&2' EXIT`,
      '',
      'if [ -z "${ERLANG_COOKIE:-}" ]; then',
      `  echo "ERLANG_COOKIE is empty: run \\"Phoenix: Scaffold Dev Container\\" again or set it in ${folder}/.env, then recreate the container." >&2`,
      '  exit 1',
      'fi',
      'if [ -z "${NODE_NAME:-}" ]; then',
      `  echo "NODE_NAME is empty: set it in ${folder}/${nodeNameFile}, then recreate the container." >&2`,
      '  exit 1',
      'fi',
      '',
    ]),
    CONTAINER_CONFIG_SCRIPT,
    c.project.usesEcto ? renderResetDatabase(c) : '',
    fileOf([
      '',
      '# Fetch dependencies only when Mix reports some missing or out of date, so that a project whose',
      '# dependencies are all present (or all path dependencies) starts without network access.',
      'begin dependencies',
      'if ! mix deps.loadpaths --no-compile >/dev/null 2>&1; then',
      '  # Hex and rebar3 are missing when the image was built offline: try again now.',
      '  mix local.hex --force --if-missing || echo "warning: could not install Hex." >&2',
      '  mix local.rebar --force --if-missing || echo "warning: could not install rebar3." >&2',
      '  mix deps.get',
      'fi',
      '',
      'begin compile',
      'mix compile',
    ]),
    c.project.usesEcto ? renderPrepareDatabase(c) : '',
    fileOf([
      '',
      '# A host part with a dot (an IP address) needs a long node name.',
      'case "$NODE_NAME" in',
      '  *@*.*) name_option=--name ;;',
      '  *) name_option=--sname ;;',
      'esac',
      '',
      '# The cookie goes to a file only this user can read, where Erlang looks for it, rather than onto',
      '# the command line, which every user of the host can read in the process list.',
      '# A user without a writable home (no passwd entry) gets a private one for the cookie.',
      'if [ ! -w "${HOME:-/nonexistent}" ]; then',
      '  HOME="$(mktemp -d)"',
      '  export HOME',
      'fi',
      'rm -f "$HOME/.erlang.cookie"',
      '(umask 077 && printf \'%s\' "$ERLANG_COOKIE" > "$HOME/.erlang.cookie")',
      '# The node reads the file: its environment, which its child processes inherit, need not hold it too.',
      'unset ERLANG_COOKIE',
      '',
      '# exec: the BEAM replaces this shell, so it receives the container\'s stop signal.',
      'begin server',
    ]),
    CONFIGURED_SERVER,
  ].join('');
}

/** The entrypoint's reset mode, run by "Phoenix: Reset Database" in the running container. */
function renderResetDatabase(c: DevContainerContext): string {
  // Postgres refuses to drop a database the running app is connected to, unless forced (13 and later).
  const drop = c.dbService === 'postgres' ? 'ecto.drop --force-drop' : 'ecto.drop';
  return fileOf([
    '',
    `# "Phoenix: Reset Database" runs this script with ${RESET_DATABASE_ARGUMENT} in the running dev`,
    '# container: the database is dropped, created and migrated again, then seeded when there are seeds.',
    `if [ "\${1:-}" = ${RESET_DATABASE_ARGUMENT} ]; then`,
    '  begin ecto.drop',
    `  configured_mix ${drop}`,
    '  begin ecto.create',
    '  configured_mix ecto.create',
    '  begin ecto.migrate',
    '  configured_mix ecto.migrate',
    '  if [ -f priv/repo/seeds.exs ]; then',
    '    begin seeds',
    '    configured_mix run priv/repo/seeds.exs',
    '  fi',
    '  exit 0',
    'fi',
  ]);
}

/** Waits for the database (when the compose file runs one), then creates and migrates it. */
function renderPrepareDatabase(c: DevContainerContext): string {
  const wait = c.dbService === undefined ? [] : waitForDatabase(DATABASES[c.dbService].port, c.dbHost.replace(/[^\w.-]/g, ''));
  return fileOf([
    ...wait,
    '',
    'begin ecto.create',
    'configured_mix ecto.create',
    'begin ecto.migrate',
    'configured_mix ecto.migrate',
  ]);
}

function waitForDatabase(port: number, service: string): string[] {
  return [
    '',
    '# Wait until the database accepts connections, for at most DB_WAIT_SECONDS (60 by default).',
    'if [ -n "${DB_HOST:-}" ]; then',
    '  begin database',
    `  echo "Waiting for the database at \${DB_HOST}:\${DB_PORT:-${port}}..."`,
    "  elixir -e '",
    '    host = String.to_charlist(System.fetch_env!("DB_HOST"))',
    `    port = String.to_integer(System.get_env("DB_PORT", "${port}"))`,
    '    deadline = System.monotonic_time(:second) + String.to_integer(System.get_env("DB_WAIT_SECONDS", "60"))',
    '',
    '    wait = fn wait ->',
    '      case :gen_tcp.connect(host, port, [], 1000) do',
    '        {:ok, socket} ->',
    '          :gen_tcp.close(socket)',
    '',
    '        {:error, reason} ->',
    '          if System.monotonic_time(:second) >= deadline do',
    `            IO.puts(:stderr, "The database at #{host}:#{port} does not accept connections (#{:inet.format_error(reason)}); check it with: docker compose logs ${service}")`,
    '            System.halt(1)',
    '          end',
    '',
    '          Process.sleep(1000)',
    '          wait.(wait)',
    '      end',
    '    end',
    '',
    '    wait.(wait)',
    "  '",
    'fi',
  ];
}
