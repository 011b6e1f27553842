import { lastLines } from '../lines';

/** Why a compose command failed, read from its output. */
export type ComposeFailure =
  | { readonly kind: 'docker-unreachable'; readonly detail: string }
  | { readonly kind: 'invalid-compose-file'; readonly message: string; readonly file: string | undefined; readonly line: number | undefined; readonly column: number | undefined }
  /** step: the failing Dockerfile instruction, e.g. `RUN apt-get install -y foo`. */
  | { readonly kind: 'build-failed'; readonly step: string | undefined; readonly detail: string }
  | { readonly kind: 'port-in-use'; readonly port: number | undefined; readonly hostIp: string | undefined }
  | { readonly kind: 'image-pull-failed'; readonly image: string | undefined; readonly detail: string }
  | { readonly kind: 'other'; readonly detail: string };

const DETAIL_LINES = 10;

/**
 * Classifies the combined stdout and stderr of a failed compose command (v2, v1 or behind podman).
 * The patterns come from real outputs (test/unit/fixtures/compose) and, for engines and
 * platforms not at hand, from outputs users reported. Each pattern runs in time linear in the
 * output (the program's: a pattern that backtracks could stall the extension host), as no two
 * neighbouring quantifiers in it can match the same text.
 */
export function classifyComposeFailure(output: string): ComposeFailure {
  // Every non-empty line without colours: the classic builder colours its errors even under --ansi never.
  const lines = lastLines(output, Infinity);
  const text = lines.join('\n');
  const detail = lines.slice(-DETAIL_LINES).join('\n');
  return dockerUnreachable(text)
    ?? invalidComposeFile(lines, text)
    ?? portInUse(text)
    ?? imagePullFailed(lines, text, detail)
    ?? buildFailed(lines, text, detail)
    ?? { kind: 'other', detail };
}

const UNREACHABLE = [
  // The docker CLI and compose v2 (DOCKER_HOST pointing nowhere, daemon stopped).
  /Cannot connect to the Docker daemon at .*/,
  // compose v2 when the user may not use the socket (not in the docker group).
  /permission denied while trying to connect to the Docker daemon socket.*/,
  // compose v2 on Windows when Docker Desktop is not running.
  /error during connect: .*/,
  // compose v1 release binaries.
  /Couldn't connect to Docker daemon.*/,
  // compose v1 run from Python packages: the last line of docker-py's traceback.
  /Error while fetching server API version: .*/,
];

function dockerUnreachable(text: string): ComposeFailure | undefined {
  for (const pattern of UNREACHABLE) {
    const match = pattern.exec(text);
    if (match !== null) return { kind: 'docker-unreachable', detail: match[0] };
  }
  return undefined;
}

function invalid(message: string | undefined, file?: string, line?: string, column?: string): ComposeFailure {
  return {
    kind: 'invalid-compose-file',
    message: message ?? '',
    file,
    line: line === undefined ? undefined : Number(line),
    column: column === undefined ? undefined : Number(column),
  };
}

const COMPOSE_FILE_ERRORS: readonly (readonly [RegExp, (match: RegExpExecArray) => ComposeFailure])[] = [
  // compose v2's YAML errors name no file, and go-yaml's line can point before the fault.
  [/^yaml: line (\d+): (.+)$/m, (match) => invalid(match[2], undefined, match[1])],
  [/^yaml: unmarshal errors:\n\s*line (\d+): (.+)$/m, (match) => invalid(match[2], undefined, match[1])],
  // compose v2's schema errors: "validating <file>: services.app Additional property portz is not allowed".
  [/^validating (.+?): (.+)$/m, (match) => invalid(match[2], match[1])],
  // ${VAR:?message} with VAR unset, v2 then v1 (which gives the bare name when there is no message).
  [/required variable (\S+) is missing a value(?:: (.+))?$/m, (match) => invalid(match[2] ?? `required variable ${match[1] ?? ''} is missing a value`)],
  [
    /^(?:ERROR: )?Missing mandatory value for "[^"\n]+" option interpolating .* in service "[^"\n]+": (.*)$/m,
    (match) => invalid(/^\w+$/.test(match[1] ?? '') ? `required variable ${match[1] ?? ''} is missing a value` : match[1]),
  ],
  // Project-level errors, such as a dependency on a service that does not exist (v2, then v1).
  [/^(.+): invalid compose project$/m, (match) => invalid(match[1])],
  [/^(?:ERROR: )?(Service '[^'\n]+' depends on service '[^'\n]+' which is undefined\.)$/m, (match) => invalid(match[1])],
];

function invalidComposeFile(lines: readonly string[], text: string): ComposeFailure | undefined {
  for (const [pattern, read] of COMPOSE_FILE_ERRORS) {
    const match = pattern.exec(text);
    if (match !== null) return read(match);
  }
  // compose v1's schema errors: "The Compose file '<file>' is invalid because:" and one line per problem.
  const header = lines.findIndex((line) => /^(?:ERROR: )?The Compose file '.+' is invalid because:$/.test(line));
  if (header >= 0) return invalid(lines.slice(header + 1).join('; '), /'(.+)'/.exec(lines[header] ?? '')?.[1]);
  return pyYamlError(lines);
}

/**
 * compose v1's PyYAML error: `yaml.parser.ParserError: while parsing ...`, then lines that say
 * what went wrong, each followed by `in "<file>", line L, column C`; the last mark is the fault.
 */
function pyYamlError(lines: readonly string[]): ComposeFailure | undefined {
  const start = lines.findIndex((line) => /^(?:ERROR: )?yaml\.\w+\.\w+Error: /.test(line));
  if (start < 0) return undefined;
  const rest = lines.slice(start);
  const marks = rest.map((line) => /^\s*in "(.+)", line (\d+), column (\d+)$/.exec(line)).filter((mark) => mark !== null);
  const problems = rest.slice(1).filter((line) => !/^\s*in ".+", line \d+, column \d+$/.test(line));
  const mark = marks.at(-1);
  return {
    kind: 'invalid-compose-file',
    message: problems.at(-1) ?? (rest[0] ?? '').replace(/^(?:ERROR: )?yaml\.\w+\.\w+Error: /, ''),
    file: mark?.[1],
    line: mark === undefined ? undefined : Number(mark[2]),
    column: mark === undefined ? undefined : Number(mark[3]),
  };
}

// The host address is bracketed or bare, IPv6 included (`Bind for :::4000`), so it is cut before the last colon.
const PORT_IN_USE = [
  // Another container publishes the port: "Bind for 127.0.0.1:4000 failed: port is already allocated".
  /Bind for (\S*):(\d+) failed: port is already allocated/,
  // A host process listens on it: "listen tcp4 0.0.0.0:4000: bind: address already in use".
  /listen (?:tcp|udp)[46]? (\S*):(\d+): bind: address already in use/,
  // Docker Engine 28: "failed to bind host port for 0.0.0.0:4000:172.18.0.2:4000/tcp: address already in use".
  /failed to bind host port (?:for )?(\[[^\]\s]*\]|[^\s:]*):(\d+)(?:[^\d\s]\S*)?: address already in use/,
];

function portInUse(text: string): ComposeFailure | undefined {
  for (const pattern of PORT_IN_USE) {
    const match = pattern.exec(text);
    if (match !== null) {
      const hostIp = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
      return { kind: 'port-in-use', port: Number(match[2]), hostIp: hostIp === '' ? undefined : hostIp };
    }
  }
  return undefined;
}

// What registries and the network say when an image cannot be fetched.
const PULL_ERROR = /registry|manifest|pull access denied|repository does not exist|unauthorized|no such host|i\/o timeout|TLS handshake|x509|toomanyrequests|connection refused/i;

function imagePullFailed(lines: readonly string[], text: string, detail: string): ComposeFailure | undefined {
  const pullFailed = (image: string | undefined): ComposeFailure => ({ kind: 'image-pull-failed', image, detail });
  // BuildKit could not resolve the Dockerfile's base image: " > [app internal] load metadata for docker.io/x:y:".
  const metadata = /^ > \[(?:[^\]\n]*[ \t])?internal\] load metadata for (\S+):$/m.exec(text);
  if (metadata !== null) return pullFailed(userImageName(metadata[1] ?? ''));
  // The classic builder stopped at a FROM it could not pull.
  const fromStep = classicBaseImageFailure(lines);
  if (fromStep !== undefined) return pullFailed(fromStep);
  // compose v1: "Pulling db (postgres:16)..." and the registry's answer after it.
  const pulling = lastIndexMatching(lines, /^Pulling \S+ \(.+\)\.\.\.$/);
  if (pulling >= 0 && lines.slice(pulling + 1).some((line) => PULL_ERROR.test(line))) {
    return pullFailed(/\((.+)\)\.\.\.$/.exec(lines[pulling] ?? '')?.[1]);
  }
  // compose v2: " db Pulling" then " db Error <reason>"; it names the service, and the image only in some reasons.
  const named = /pull access denied for ([^\s,]+)|manifest for (\S+) not found/.exec(text);
  const pullingServices = new Set(lines.flatMap((line) => /^\s*(\S+) Pulling\s*$/.exec(line)?.[1] ?? []));
  const v2PullError = lines.some((line) => pullingServices.has(/^\s*(\S+) Error\b/.exec(line)?.[1] ?? ''));
  if (named !== null || v2PullError) return pullFailed(named?.[1] ?? named?.[2]);
  return undefined;
}

const CLASSIC_STEP = /^Step \d+\/\d+ : /;

/** The image of the last classic-builder step when it is a FROM that never completed. */
function classicBaseImageFailure(lines: readonly string[]): string | undefined {
  const step = lastIndexMatching(lines, CLASSIC_STEP);
  const image = /^Step \d+\/\d+ : FROM (\S+)/i.exec(lines[step] ?? '')?.[1];
  // A completed step prints " ---> <image id>".
  return image !== undefined && !lines.slice(step + 1).some((line) => /^ ---> [0-9a-f]{12}$/.test(line)) ? image : undefined;
}

/** BuildKit's fully qualified name back in the form users write it (docker.io/library/postgres:16 is postgres:16). */
function userImageName(image: string): string {
  return image.replace(/^docker\.io\/(?:library\/)?/, '');
}

function buildFailed(lines: readonly string[], text: string, detail: string): ComposeFailure | undefined {
  const failed = /^(?:ERROR: )?failed to solve: |returned a non-zero code: \d+|^Service '.+' failed to build/m.test(text);
  return failed ? { kind: 'build-failed', step: failingStep(lines, text), detail } : undefined;
}

function failingStep(lines: readonly string[], text: string): string | undefined {
  // BuildKit repeats the failing step above its log excerpt: " > [app 4/9] RUN apt-get install -y foo:".
  const boxed = /^ > \[(?:[^\]\n]*[ \t])?\d+\/\d+\] (.+):$/m.exec(text)?.[1];
  if (boxed !== undefined) return boxed;
  // BuildKit's terminal display: "ERROR [app 4/9] RUN apt-get install -y foo".
  const flagged = /^\s*(?:=> )?ERROR \[(?:[^\]\n]*[ \t])?\d+\/\d+\] (.+)$/m.exec(text)?.[1];
  if (flagged !== undefined) return withoutDuration(flagged);
  // The classic builder: "Step 4/9 : RUN ..." is the last step it started.
  const classic = lines[lastIndexMatching(lines, CLASSIC_STEP)];
  if (classic !== undefined) return classic.replace(CLASSIC_STEP, '');
  // Only the shell command is left: BuildKit 0.11+ `process "/bin/sh -c ..." did not complete`, older `executor failed running [/bin/sh -c ...]`.
  const command = between(lines, 'process "/bin/sh -c ', '" did not complete successfully') ?? between(lines, 'executor failed running [/bin/sh -c ', ']: exit code');
  return command === undefined ? undefined : `RUN ${command.replace(/\\"/g, '"')}`;
}

/** A step without BuildKit's duration after it: "RUN mix compile 12.3s" is "RUN mix compile". */
function withoutDuration(step: string): string {
  // The last word, found by hand: /\s+\d+\.\d+s$/ would retry every position of a long run of spaces or digits.
  const space = Math.max(step.lastIndexOf(' '), step.lastIndexOf('\t'));
  const rest = step.slice(0, space).trimEnd();
  return space > 0 && rest !== '' && /^\d+\.\d+s$/.test(step.slice(space + 1)) ? rest : step;
}

/**
 * The text between `before` and the last `after` on the same line, on the first line where both
 * are, with something between them.
 */
function between(lines: readonly string[], before: string, after: string): string | undefined {
  for (const line of lines) {
    const start = line.indexOf(before);
    const end = line.lastIndexOf(after);
    if (start >= 0 && end > start + before.length) return line.slice(start + before.length, end);
  }
  return undefined;
}

/** The index of the last line matching a pattern, or -1. */
function lastIndexMatching(lines: readonly string[], pattern: RegExp): number {
  for (let index = lines.length - 1; index >= 0; index--) {
    if (pattern.test(lines[index] ?? '')) return index;
  }
  return -1;
}
