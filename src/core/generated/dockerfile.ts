/** Pieces of Dockerfiles and shell scripts, written as the lines they produce. */

/** A RUN instruction whose lines (each with its own indentation) are joined by ` \` continuations. */
export function run(lines: readonly string[]): string {
  return `RUN ${lines.join(' \\\n')}`;
}

/** Lines joined into a file that ends with a newline. */
export function fileOf(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

export interface AptInstall {
  /** Say which packages are being installed before installing them. */
  readonly announce: boolean;
  /** The command that installs `$missing`. */
  readonly install: string;
  /** What removes the package lists after a successful install. */
  readonly cleanup: string;
}

const TOOLS_PER_LINE = 4;

/**
 * A RUN that installs the package of each `command:package` whose command is missing; a failed
 * install (building without network access) only warns.
 */
export function installMissingTools(tools: readonly string[], apt: AptInstall): string {
  const rows: string[] = [];
  for (let i = 0; i < tools.length; i += TOOLS_PER_LINE) rows.push(tools.slice(i, i + TOOLS_PER_LINE).join(' '));
  return run([
    'set -eu;',
    '    missing="";',
    `    for tool in ${rows.join(' \\\n                ')}; do`,
    '      command -v "${tool%%:*}" >/dev/null 2>&1 && continue;',
    '      case " $missing " in *" ${tool#*:} "*) ;; *) missing="$missing ${tool#*:}" ;; esac;',
    '    done;',
    '    if [ -n "$missing" ]; then',
    ...(apt.announce ? ['      echo "Installing:$missing";'] : []),
    `      if ${apt.install}; then`,
    `        ${apt.cleanup};`,
    '      else',
    '        echo "warning: could not install$missing; continuing without them." >&2;',
    '      fi;',
    '    fi',
  ]);
}
