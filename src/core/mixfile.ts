/** What a mix.exs tells about a project, as far as finding Phoenix projects needs. */
export interface MixfileSummary {
  /** The OTP application name (`app: :my_app`), when the file names one. */
  readonly app: string | undefined;
  /** An umbrella root declares `apps_path:`; its Phoenix apps live under that folder. */
  readonly umbrellaAppsPath: string | undefined;
  readonly dependsOnPhoenix: boolean;
}

export function summarizeMixfile(source: string): MixfileSummary {
  const code = stripComments(source);
  return {
    app: /\bapp:\s*:([a-z_][a-zA-Z0-9_]*)/.exec(code)?.[1],
    umbrellaAppsPath: /\bapps_path:\s*"([^"]+)"/.exec(code)?.[1],
    dependsOnPhoenix: /\{\s*:phoenix\s*,/.test(code),
  };
}

/**
 * Removes `#` comments so that a commented-out dependency does not count. Scans character by
 * character because `#` also appears inside strings ("Issue #1", interpolation) and as the
 * character literal `?#`.
 */
function stripComments(source: string): string {
  let result = '';
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const char = source.charAt(i);
    if (inString) {
      result += char;
      if (char === '\\') result += source.charAt(++i);
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      result += char;
    } else if (char === '?' && source[i + 1] === '#') {
      result += '?#';
      i++;
    } else if (char === '#') {
      while (i + 1 < source.length && source[i + 1] !== '\n') i++;
    } else {
      result += char;
    }
  }
  return result;
}
