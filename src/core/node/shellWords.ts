/*
 * A container's command as the shell would run it: its words, the scripts of `sh -c` split into
 * words of their own, and the variables they set and expand. Every loop is bounded by its input.
 */

/** A word of the container's command; `shell` when it went through a shell, so `$VAR` expands. */
export interface Word {
  readonly text: string;
  readonly shell: boolean;
}

const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);
const OPERATOR_CHARS = '|&;<>()';

/** The command's words, with the script of each `sh -c '...'` split into words of its own. */
export function commandWords(argv: readonly string[], shell: boolean, depth: number): Word[] {
  const words: Word[] = [];
  for (let i = 0; i < argv.length; i++) {
    const text = argv[i] ?? '';
    words.push({ text, shell });
    if (!SHELLS.has(basename(text)) || depth > 2) continue;
    // Options up to the script: -c, -ec, -lc...
    let script = i + 1;
    let runsScript = false;
    while (script < argv.length && (argv[script] ?? '').startsWith('-')) {
      runsScript ||= /^-[a-z]*c[a-z]*$/.test(argv[script] ?? '');
      script++;
    }
    const body = argv[script];
    if (!runsScript || body === undefined) continue;
    for (let option = i + 1; option < script; option++) words.push({ text: argv[option] ?? '', shell });
    // One by one: spreading a script of many words as arguments would overflow the call stack.
    for (const word of commandWords(splitShellWords(body), true, depth + 1)) words.push(word);
    i = script;
  }
  return words;
}

/** Config.Env, then the assignments in the command (`RELEASE_NODE=x exec bin/app start`, `env X=y`). */
export function variables(env: readonly string[], words: readonly Word[]): Map<string, string> {
  const vars = new Map<string, string>();
  const assign = (name: string, value: string | undefined): void => {
    // An empty value counts as unset, as `${VAR:-...}` in the release script and the entrypoint treat it.
    if (value === undefined || value === '') vars.delete(name);
    else vars.set(name, value);
  };
  for (const line of env) {
    const eq = line.indexOf('=');
    if (eq > 0) assign(line.slice(0, eq), line.slice(eq + 1));
  }
  for (const word of words) {
    const assignment = /^([A-Za-z_]\w*)=/.exec(word.text);
    if (assignment?.[1] === undefined) continue;
    const value = word.text.slice(assignment[0].length);
    assign(assignment[1], word.shell ? expand(value, vars) : value);
  }
  return vars;
}

/** Expands `$VAR`, `${VAR}` and `${VAR:-default}`; undefined when the text needs more (`$(...)`, an unset variable). */
export function expand(text: string, vars: ReadonlyMap<string, string>): string | undefined {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (char === '`') return undefined;
    if (char !== '$') {
      out += char;
      i++;
      continue;
    }
    const rest = text.slice(i + 1);
    const braced = /^\{([A-Za-z_]\w*)(?:(:?-)([^}]*))?\}/.exec(rest);
    const plain = /^[A-Za-z_]\w*/.exec(rest);
    if (braced?.[1] !== undefined) {
      const value = vars.get(braced[1]);
      const expanded = value === undefined && braced[2] !== undefined ? expand(braced[3] ?? '', vars) : value;
      if (expanded === undefined) return undefined;
      out += expanded;
      i += 1 + braced[0].length;
    } else if (plain !== null) {
      const value = vars.get(plain[0]);
      if (value === undefined) return undefined;
      out += value;
      i += 1 + plain[0].length;
    } else if (!/^[\w{(@*#?$!-]/.test(rest)) {
      // A `$` that starts no expansion stays as it is.
      out += '$';
      i++;
    } else {
      return undefined;
    }
  }
  return out;
}
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function isOperator(word: string): boolean {
  return /^[|&;<>()]+$/.test(word);
}
/**
 * Splits a `sh -c` command string into words the way the shell would for simple cases (quotes,
 * no expansion); used to look inside `sh -c "..."` commands. Quotes are removed; `$(...)`,
 * backquotes and `${...}` stay whole inside their word; control operators and redirections
 * (`&&`, `;`, `|`, `>`) come out as words of their own; a `#` comment is dropped. The quoting of
 * `$` is lost, so a `'$VAR'` later expands like `$VAR`.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word may be empty (`''`), so whether one has started is tracked apart from its text.
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (/\s/.test(char)) {
      endWord();
      i++;
    } else if (char === '#' && !inWord) {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? text.length : newline;
    } else if (OPERATOR_CHARS.includes(char)) {
      endWord();
      let end = i;
      while (end < text.length && OPERATOR_CHARS.includes(text.charAt(end))) end++;
      words.push(text.slice(i, end));
      i = end;
    } else if (char === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close === -1 ? text.length : close;
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (char === '"') {
      inWord = true;
      i++;
      while (i < text.length && text.charAt(i) !== '"') {
        const inner = text.charAt(i);
        const next = text.charAt(i + 1);
        if (inner === '\\' && next !== '' && '$`"\\\n'.includes(next)) {
          if (next !== '\n') word += next;
          i += 2;
        } else if ((inner === '$' && (next === '(' || next === '{')) || inner === '`') {
          const end = substitutionEnd(text, i);
          word += text.slice(i, end);
          i = end;
        } else {
          word += inner;
          i++;
        }
      }
      i++;
    } else if (char === '\\') {
      const next = text.charAt(i + 1);
      // A backslash before a newline joins the lines.
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else if ((char === '$' && (text.charAt(i + 1) === '(' || text.charAt(i + 1) === '{')) || char === '`') {
      const end = substitutionEnd(text, i);
      word += text.slice(i, end);
      inWord = true;
      i = end;
    } else {
      word += char;
      inWord = true;
      i++;
    }
  }
  endWord();
  return words;
}

/** Where a `$(...)`, `${...}` or backquoted substitution starting at `start` ends (quotes inside it included). */
function substitutionEnd(text: string, start: number): number {
  if (text.charAt(start) === '`') {
    const close = text.indexOf('`', start + 1);
    return close === -1 ? text.length : close + 1;
  }
  const open = text.charAt(start + 1);
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '\\') {
      i++;
    } else if (char === "'" && open === '(') {
      const quote = text.indexOf("'", i + 1);
      if (quote === -1) return text.length;
      i = quote;
    } else if (char === '"') {
      i++;
      while (i < text.length && text.charAt(i) !== '"') i += text.charAt(i) === '\\' ? 2 : 1;
    } else if (char === open) {
      depth++;
    } else if (char === close && --depth === 0) {
      return i + 1;
    }
  }
  return text.length;
}
