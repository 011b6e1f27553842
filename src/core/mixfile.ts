/** What a mix.exs tells about a project. */
export interface MixfileSummary {
  /** The OTP application name (`app: :my_app`), when the file names one. */
  readonly app: string | undefined;
  /** An umbrella root declares `apps_path:`; its Phoenix apps live under that folder. */
  readonly umbrellaAppsPath: string | undefined;
  readonly dependsOnPhoenix: boolean;
  /** The Elixir version requirement (`elixir: "~> 1.14"`), as written. */
  readonly elixirRequirement: string | undefined;
  /** Names of the dependencies (`{:name, ...}` tuples), in order of appearance. */
  readonly deps: readonly string[];
}

export function summarizeMixfile(source: string): MixfileSummary {
  const code = blankComments(source);
  const deps = new Set<string>();
  for (const match of code.matchAll(/\{\s*:([a-z_][a-zA-Z0-9_]*)\s*,/g)) {
    if (match[1] !== undefined) deps.add(match[1]);
  }
  return {
    app: /\bapp:\s*:([a-z_][a-zA-Z0-9_]*)/.exec(code)?.[1],
    umbrellaAppsPath: /\bapps_path:\s*"([^"]+)"/.exec(code)?.[1],
    dependsOnPhoenix: deps.has('phoenix'),
    elixirRequirement: /\belixir:\s*"([^"]+)"/.exec(code)?.[1],
    deps: [...deps],
  };
}

/**
 * Replaces `#` comments in Elixir source with spaces, keeping every other character where it
 * was, so that a commented-out dependency does not count and offsets found in the result are
 * offsets in the original text. Scans character by character because `#` also appears inside
 * strings ("Issue #1", interpolation) and as the character literal `?#`.
 */
export function blankComments(source: string): string {
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
      result += ' ';
      while (i + 1 < source.length && source[i + 1] !== '\n') {
        i++;
        result += source[i] === '\r' ? '\r' : ' ';
      }
    } else {
      result += char;
    }
  }
  return result;
}
