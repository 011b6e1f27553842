// The fuzz run of test/unit/fuzz.test.ts: every reader of project files, container facts and
// program output in the core, fed mutations of the real fixtures, in a child process (see bounded.ts).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { classifyComposeFailure, parseComposeConfig, parseComposeVersion } from '../../../src/core/compose';
import { listeningSocketInodes, listensOnLoopbackOnly } from '../../../src/core/compose/portHolder';
import { parseContainerEvent } from '../../../src/core/containerEvents';
import { serviceState } from '../../../src/core/containerState';
import { adoptedComposeProjectName } from '../../../src/core/composeProject';
import { readComposeServices } from '../../../src/core/composeYaml';
import { contextDockerHost, currentDockerContext, parseDockerHost } from '../../../src/core/dockerEndpoint';
import { LineSplitter, TextTail, lastLines } from '../../../src/core/lines';
import { blankComments, summarizeMixfile } from '../../../src/core/mixfile';
import { discoverNode, erlangNodeName, splitShellWords, type ContainerFacts } from '../../../src/core/node';
import { ProjectRefusal } from '../../../src/core/projectRefusal';
import { readReleaseProject } from '../../../src/core/release';
import { mergeEnvFile, mergeGitignore, mergeLines, parseEnvFile, readProject, readRootCompose } from '../../../src/core/scaffold';
import { configStatements, keywordValue, makeEdit } from '../../../src/core/scaffold/elixirConfig';
import { chooseBaseImage, parseMiseToml, parseReleaseDockerfile, parseToolVersions, satisfies } from '../../../src/core/scaffold/versions';
import { CompilerOutputReader, MAX_COMPILER_DIAGNOSTICS } from '../../../src/core/testing/compilerDiagnostics';
import { chooseProbeParent, namedVolumeEdits, parseContainerFacts, readWatchConfig, serviceSettings, stdinOpenEdit, watcherFlagEdit } from '../../../src/core/fileWatching';

/** A problem the run found: an exception no reader documents, a broken invariant, or a slow input. */
export interface FuzzFailure {
  readonly target: string;
  readonly index: number;
  readonly problem: string;
  /** The start of the input, for the report. */
  readonly input: string;
}

export interface FuzzReport {
  readonly failures: readonly FuzzFailure[];
  /** Cases run by target. */
  readonly counts: Readonly<Record<string, number>>;
  /** The slowest case and its time. */
  readonly slowest: { readonly label: string; readonly ms: number };
}

/** mulberry32: small, fast and good enough to pick mutations. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(readonly next: () => number) {}

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from no items');
    return item;
  }
}

const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'unit', 'fixtures');

function fixtureFiles(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const root = path.join(FIXTURES, folder);
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
  }
  return files;
}

const compose = fixtureFiles('compose');
const projects = fixtureFiles('projects');
const release = fixtureFiles('release');
const env = fixtureFiles('env');
const COMPILER_OUTPUTS = [...fixtureFiles('compiler').values()];

/** Each fixture project's files, as readProject takes them. */
const PROJECTS = [...new Set([...projects.keys()].map((file) => file.split('/')[0] ?? ''))].map((name) => ({
  name,
  files: Object.fromEntries([...projects].filter(([file]) => file.startsWith(`${name}/`)).map(([file, text]) => [file.slice(name.length + 1), text])),
}));
const byName = (files: ReadonlyMap<string, string>, test: (name: string) => boolean): string[] => [...files].filter(([name]) => test(name)).map(([, text]) => text);
const ELIXIR = [...byName(projects, (name) => name.endsWith('.exs')), ...release.values()];
const MIXFILES = byName(projects, (name) => name.endsWith('mix.exs'));
const VERSION_FILES = byName(projects, (name) => /(^|\/)\.?(tool-versions|mise\.toml)$/.test(name));
const DOCKERFILES = byName(projects, (name) => name.endsWith('Dockerfile'));
const COMPOSE_FILES = [...byName(compose, (name) => name.endsWith('.yml')), ...byName(projects, (name) => name.endsWith('.yml'))];
const COMPOSE_OUTPUTS = byName(compose, (name) => name.endsWith('.txt') && !name.startsWith('proc-net') && !name.startsWith('version'));
const VERSION_OUTPUTS = byName(compose, (name) => name.startsWith('version'));
const PROC_NET = byName(compose, (name) => name.startsWith('proc-net'));
const ENGINE_JSON = byName(compose, (name) => name.endsWith('.json'));
const ENV_FILES = byName(env, (name) => name.endsWith('.env'));
const GITIGNORES = byName(env, (name) => name.startsWith('gitignore'));
const CONTAINERS = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'node', 'containers.json'), 'utf8')) as ContainerFacts[];
const EVERYTHING = [...ELIXIR, ...COMPOSE_FILES, ...COMPOSE_OUTPUTS, ...DOCKERFILES, ...ENV_FILES];

/** Pieces of syntax that the readers look for, to splice in (often many times over). */
const TOKENS = {
  elixir: ['config :app, ', 'App.Endpoint, ', 'App.Repo, ', 'http: [', 'ip: {127, 0, 0, 1}', 'port: ', 'hostname: "localhost"', '[', ']', '{', '}', '(', ')', ',', '\n', '"', '"""', '\\', '#', '#{', '?', '?#', '?"', '~r/', '~s(', '~w[', "'", 'do', 'end', '{:phoenix, "~> 1.7"}', 'app: :', 'apps_path: "', 'elixir: "', 'import_config "', 'releases: [', 'path: "', 'defmodule ', ' or ', ' and ', '~> '],
  yaml: ['services:\n', '  ', ': ', '- ', '<<: *', '&a ', '*a', '{', '}', '[', ']', ', ', '|\n', '>-\n', '---\n', '? ', '!!str ', '!!binary ', "'", '"', '#', '\t', '\n', 'image: ', 'build: .', 'volumes:\n  - .:/app\n', 'name: ', '%YAML 1.2\n'],
  output: ['Missing mandatory value for "', '" option interpolating ', ' in service "', '": ', 'failed to solve: ', ' > [', 'internal] load metadata for ', 'ERROR [', '1/2] ', ' 1.2s', 'process "/bin/sh -c ', '" did not complete successfully', 'executor failed running [/bin/sh -c ', ']: exit code', 'Bind for ', 'listen tcp4 ', ':4000', 'failed to bind host port ', ': address already in use', 'yaml: line 1: ', 'validating ', 'required variable ', ' is missing a value', "Service '", "' depends on service '", 'Step 1/3 : FROM ', ' ---> ', 'Pulling ', ' Error ', '\u001b[31m', '\r\n', '\n', ' ', '1', '.'],
  shell: ['sh', '-c', '-lc', 'exec', 'elixir', 'iex', 'erl', 'mix', 'phx.server', '--sname', '--name', '-sname', '-name', '--cookie', '-setcookie', 'RELEASE_NODE=', 'RELEASE_COOKIE=', 'RELEASE_DISTRIBUTION=', 'bin/app', 'start', 'daemon', '/app/bin/server', '$X', '${X}', '${X:-y}', '$(hostname)', '`x`', '"', "'", '\\', '&&', ';', '|', '#', '-extra', '-root', '-boot', '..', '/', '$', '${', '$('],
  compiler: ['warning: ', 'error: ', 'hint: ', '    ', '  ', '│', ' │ ', '└─ ', '** (CompileError) ', '** (SyntaxError) ', ' found on ', ' (errors have been logged)', '==> ', 'shop', 'alpha', '== Compilation error in file ', ' ==', 'lib/foo.ex', '/app/', '../', ':', '3', ':0', '\n', ' ', '(elixir 1.16.0) ', '\u001b[33m', '\u001b[0m'],
  lines: ['\n', '\r\n', '\r', ' ', '\t', '=', '#', '"', "'", 'export ', '[', ']', '[tools]\n', 'elixir = ', 'erlang ', '*', '**/', '!', '\\', '/', '?', 'ARG ', 'RUN mix release', 'COPY rel rel', '0A', ':0FA0 '],
} as const;
type Dialect = keyof typeof TOKENS;

/** Characters with long runs that backtracking patterns choke on. */
const RUN_CHARS = [' ', '\n', '\t', '\r\n', '[', '{', '(', '"', '#', '1', '*', '-', ':', ',', 'a', '\\', '$'];

/** A mutation of `text`: inserted syntax and characters, repeated slices, long runs, cuts, splices of other fixtures. */
function mutate(random: Random, text: string, dialect: Dialect): string {
  let result = text;
  const steps = 1 + random.int(6);
  for (let step = 0; step < steps; step++) {
    const at = random.int(result.length + 1);
    const insert = (piece: string): void => {
      result = result.slice(0, at) + piece + result.slice(at);
    };
    switch (random.int(9)) {
      case 0:
        insert(random.pick(TOKENS[dialect]));
        break;
      case 1:
        // A token many times over: the shape of most quadratic inputs.
        insert(random.pick(TOKENS[dialect]).repeat(1 + random.int(random.chance(0.2) ? 3000 : 30)));
        break;
      case 2:
        insert(random.pick(RUN_CHARS).repeat(1 + random.int(random.chance(0.2) ? 20_000 : 50)));
        break;
      case 3: {
        const length = 1 + random.int(200);
        insert(result.slice(at, at + length).repeat(1 + random.int(random.chance(0.1) ? 300 : 5)));
        break;
      }
      case 4:
        result = result.slice(0, at) + result.slice(at + 1 + random.int(100));
        break;
      case 5:
        result = result.slice(0, at);
        break;
      case 6: {
        const other = random.pick(EVERYTHING);
        const from = random.int(other.length);
        insert(other.slice(from, from + random.int(500)));
        break;
      }
      case 7:
        insert(String.fromCharCode(random.int(random.chance(0.5) ? 128 : 0x10000)));
        break;
      default: {
        const lines = result.split('\n');
        const from = random.int(lines.length);
        const to = random.int(lines.length);
        [lines[from], lines[to]] = [lines[to] ?? '', lines[from] ?? ''];
        result = lines.join('\n');
      }
    }
  }
  return result;
}

const mutated = (random: Random, texts: readonly string[], dialect: Dialect): string => mutate(random, random.pick(texts), dialect);

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`invariant: ${message}`);
}

/** Thrown by readers that document an Error for text that is not what they read. */
function expectedError(error: unknown, pattern: RegExp): void {
  if (!(error instanceof Error) || error.constructor !== Error || !pattern.test(error.message)) throw error;
}

interface Target {
  readonly name: string;
  /** How often it is picked, relative to the others. */
  readonly weight: number;
  /** Makes an input from `random`, and what reads it (throwing on a problem). */
  readonly make: (random: Random) => { readonly input: unknown; readonly read: () => void };
}

function mutatedProject(random: Random): Record<string, string> {
  const project = random.pick(PROJECTS);
  const files: Record<string, string> = {};
  for (const [file, text] of Object.entries(project.files)) {
    const dialect: Dialect = file.endsWith('.yml') ? 'yaml' : file.endsWith('.exs') ? 'elixir' : 'lines';
    files[file] = random.chance(0.4) ? mutate(random, text, dialect) : text;
  }
  if (random.chance(0.2)) files['.tool-versions'] = mutated(random, VERSION_FILES, 'lines');
  if (random.chance(0.2)) files['Dockerfile'] = mutated(random, DOCKERFILES, 'lines');
  return files;
}

function mutatedFacts(random: Random): ContainerFacts {
  const base = random.pick(CONTAINERS);
  const words = (list: readonly string[]): string[] => {
    const result = [...list];
    const changes = random.int(4);
    for (let i = 0; i < changes; i++) {
      const at = random.int(result.length + 1);
      if (random.chance(0.5) || result.length === 0) result.splice(at, 0, random.pick(TOKENS.shell));
      else result[at % result.length] = mutate(random, result[at % result.length] ?? '', 'shell');
    }
    return result;
  };
  const labels = { ...base.labels };
  if (random.chance(0.3)) labels[random.pick(['dev.phoenix.node.name', 'dev.phoenix.node.mode', 'dev.phoenix.role'])] = mutate(random, random.pick(['app@host', 'sname', 'name', '']), 'shell');
  return {
    labels,
    entrypoint: random.chance(0.5) ? words(base.entrypoint) : base.entrypoint,
    cmd: random.chance(0.8) ? words(base.cmd) : base.cmd,
    env: random.chance(0.5) ? words(base.env) : base.env,
    hostname: random.chance(0.2) ? mutate(random, base.hostname, 'shell') : base.hostname,
    ...(base.workingDir !== undefined && { workingDir: random.chance(0.2) ? mutate(random, base.workingDir, 'shell') : base.workingDir }),
    ...(base.releaseCookie !== undefined && { releaseCookie: base.releaseCookie }),
    ...(base.beamArgs !== undefined && { beamArgs: random.chance(0.5) ? words(base.beamArgs) : base.beamArgs }),
  };
}

/** Config statements and their keyword values, with the invariants of their spans. */
function readConfig(code: string): void {
  let previousEnd = 0;
  for (const statement of configStatements(code)) {
    check(previousEnd <= statement.start && statement.start <= statement.end && statement.end <= code.length, 'statements in order, apart');
    previousEnd = statement.end;
    for (const key of ['http', 'port', 'hostname', 'backend']) {
      const value = keywordValue(code, statement.start, statement.end, key);
      check(value === undefined || (statement.start <= value.start && value.start <= statement.end && value.end <= statement.end), 'a value inside its statement');
    }
  }
}

/** One of the three readers of compose files (each parses the text: one a case keeps cases quick). */
function readCompose(text: string, reader: number): void {
  try {
    if (reader === 0) readComposeServices(text);
    else if (reader === 1) parseComposeConfig(text);
    else readRootCompose(text);
  } catch (error) {
    expectedError(error, reader === 1 ? /^compose config printed / : /^(it is not valid YAML|it has no "services:" section|it is \d+ KB)/);
  }
}

function readEngineOutput(text: string, state: string): void {
  parseComposeVersion(text);
  listeningSocketInodes(text, 4000);
  listensOnLoopbackOnly(text, 4000);
  // The stream gives one event a line; a few hundred are enough (each bad one costs an exception).
  for (const line of text.split('\n').slice(0, 200)) parseContainerEvent(line);
  serviceState({ state, status: text.slice(0, 2000) });
  erlangNodeName({ labels: {}, command: text });
  currentDockerContext({}, text);
  contextDockerHost(text);
  try {
    parseDockerHost(text);
  } catch (error) {
    expectedError(error, /is not a Docker host address|uses an unsupported scheme/);
  }
}

/** LineSplitter, with and without a limit, and TextTail, against what splitting the whole text gives. */
function splitLines(text: string, chunks: readonly string[], max: number): void {
  const lines: string[] = [];
  const whole: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), max);
  const unbounded = new LineSplitter((line) => whole.push(line), Infinity);
  const tail = new TextTail(max);
  for (const chunk of chunks) {
    splitter.push(chunk);
    unbounded.push(chunk);
    tail.push(chunk);
  }
  splitter.flush();
  unbounded.flush();
  const expected = text.split(/\r?\n/);
  if (expected.at(-1) === '') expected.pop();
  check(JSON.stringify(whole) === JSON.stringify(expected), 'lines as split(/\\r?\\n/) gives them');
  check(lines.every((line) => line.length <= max) && lines.join('') === expected.join(''), 'pieces no longer than the limit, nothing lost');
  check(tail.value === text.slice(-max), 'TextTail keeps the end');
}

const TARGETS: readonly Target[] = [
  {
    name: 'readProject',
    weight: 12,
    make: (random) => {
      const input = { files: mutatedProject(random), folderName: mutate(random, 'my app', 'shell') };
      return {
        input,
        read: () => {
          try {
            chooseBaseImage(readProject(input).project.versions, {});
          } catch (error) {
            // A project the scaffold refuses, saying what to change, is read as it should be.
            if (!(error instanceof ProjectRefusal)) throw error;
          }
        },
      };
    },
  },
  {
    name: 'readReleaseProject',
    weight: 6,
    make: (random) => {
      const files = mutatedProject(random);
      for (const [name, text] of release) if (random.chance(0.5)) files[`config/${name}`] = mutate(random, text, 'elixir');
      return {
        input: files,
        read: () => {
          try {
            readReleaseProject({ files, folderName: 'shop', folders: ['assets', 'lib', 'priv'] });
          } catch (error) {
            if (!(error instanceof ProjectRefusal)) throw error;
          }
        },
      };
    },
  },
  {
    name: 'summarizeMixfile',
    weight: 6,
    make: (random) => {
      const text = mutated(random, MIXFILES, 'elixir');
      return {
        input: text,
        read: () => {
          summarizeMixfile(text);
          check(blankComments(text).length === text.length, 'blankComments keeps every offset');
        },
      };
    },
  },
  {
    name: 'configStatements',
    weight: 8,
    make: (random) => {
      const text = mutated(random, ELIXIR, 'elixir');
      return { input: text, read: () => { readConfig(blankComments(text)); } };
    },
  },
  {
    name: 'makeEdit',
    weight: 4,
    make: (random) => {
      const text = mutated(random, ELIXIR, 'elixir');
      const start = random.int(text.length + 1);
      const end = start + random.int(text.length - start + 1);
      return {
        input: { text, start, end },
        read: () => {
          const edit = makeEdit('f', text, start, end, 'new');
          check(edit.find.endsWith(text.slice(start, end)) && text.includes(edit.find) && edit.replace.endsWith('new'), 'the edit finds the span');
        },
      };
    },
  },
  {
    name: 'watch config',
    weight: 6,
    make: (random) => {
      const text = mutated(random, ELIXIR, 'elixir');
      return {
        input: text,
        read: () => {
          const file = { path: 'config/dev.exs', text };
          for (const watcher of readWatchConfig([file]).watchers) {
            const edit = watcherFlagEdit(watcher, file);
            check(edit === undefined || text.includes(edit.find), 'a watcher edit finds its text');
          }
        },
      };
    },
  },
  {
    name: 'container watch facts',
    weight: 4,
    make: (random) => {
      const text = mutated(random, [...PROC_NET, '== mounts\noverlay / overlay rw 0 0\n/dev/sda1 /app ext4 rw 0 0\n== max_user_watches\n8192\n== inotify_in_use\n2 40\n== tools\ninotifywait yes\n'], 'lines');
      return { input: text, read: () => { parseContainerFacts(text); chooseProbeParent(text, ['deps']); } };
    },
  },
  {
    name: 'compose watch edits',
    weight: 4,
    make: (random) => {
      const text = mutated(random, COMPOSE_FILES, 'yaml').slice(0, 32 * 1024);
      return {
        input: text,
        read: () => {
          const file = { path: 'docker-compose.yml', text };
          serviceSettings(text, 'app');
          stdinOpenEdit(file, 'app');
          namedVolumeEdits(file, 'app', '/app', undefined);
        },
      };
    },
  },
  {
    name: 'version files',
    weight: 6,
    make: (random) => {
      const text = mutated(random, [...VERSION_FILES, ...DOCKERFILES], 'lines');
      const version = random.pick(['1.17.3', '1.18', '1.14.5-otp-25', 'x']);
      const requirement = mutate(random, random.pick(['~> 1.14', '>= 1.14.0 and < 2.0.0', '== 1.17.3 or ~> 1.18']), random.pick(['elixir', 'lines'] as const));
      return {
        input: { text, version, requirement },
        read: () => {
          parseToolVersions(text);
          parseMiseToml(text);
          parseReleaseDockerfile(text);
          satisfies(version, requirement);
        },
      };
    },
  },
  {
    name: 'compose files',
    weight: 10,
    make: (random) => {
      // The yaml package takes up to about 4 µs a character of garbage: 32K keeps each case quick.
      const text = mutated(random, COMPOSE_FILES, 'yaml').slice(0, 32 * 1024);
      const reader = random.int(3);
      return { input: text, read: () => { readCompose(text, reader); } };
    },
  },
  {
    name: 'compose output',
    weight: 16,
    make: (random) => {
      const text = mutated(random, COMPOSE_OUTPUTS, 'output');
      return {
        input: text,
        read: () => {
          classifyComposeFailure(text);
          lastLines(text, 10);
        },
      };
    },
  },
  {
    name: 'engine output',
    weight: 8,
    make: (random) => {
      const text = mutated(random, [...VERSION_OUTPUTS, ...PROC_NET, ...ENGINE_JSON], random.pick(['lines', 'output'] as const));
      const state = random.pick(['running', 'exited', 'paused', 'x']);
      return { input: text, read: () => { readEngineOutput(text, state); } };
    },
  },
  {
    name: 'discoverNode',
    weight: 12,
    make: (random) => {
      const facts = mutatedFacts(random);
      return {
        input: facts,
        read: () => {
          discoverNode(facts);
          splitShellWords(facts.cmd.join(' '));
        },
      };
    },
  },
  {
    name: 'env and ignore files',
    weight: 8,
    make: (random) => {
      const text = mutated(random, [...ENV_FILES, ...GITIGNORES], 'lines');
      return {
        input: text,
        read: () => {
          parseEnvFile(text);
          mergeEnvFile(text, { COMPOSE_PROJECT_NAME: 'shop', ERLANG_COOKIE: 'c' });
          adoptedComposeProjectName(text, 'shop', 'my app');
          mergeGitignore(text, ['/.devcontainer/.env', '/.devcontainer/release/.env']);
          mergeLines(text, '/.devcontainer/.env\n');
        },
      };
    },
  },
  {
    name: 'compiler output',
    weight: 10,
    make: (random) => {
      const text = mutated(random, COMPILER_OUTPUTS, random.pick(['compiler', 'output'] as const));
      const umbrella = random.chance(0.5) ? { appsPath: random.pick(['apps', './apps/', '../x', '']), apps: ['alpha', 'beta'] } : undefined;
      return {
        input: text,
        read: () => {
          const reader = new CompilerOutputReader({ containerRoot: '/app', app: random.chance(0.5) ? 'shop' : undefined, umbrella });
          const found = [...text.split('\n').flatMap((line) => reader.push(line)), ...reader.end()];
          check(found.length <= MAX_COMPILER_DIAGNOSTICS, 'at most MAX_COMPILER_DIAGNOSTICS');
          for (const diagnostic of found) {
            check(diagnostic.file !== '' && !diagnostic.file.startsWith('/') && !diagnostic.file.split('/').includes('..'), `a file inside the project: ${diagnostic.file}`);
            check(Number.isInteger(diagnostic.line) && diagnostic.line >= 1 && (diagnostic.column === undefined || diagnostic.column >= 1), 'lines and columns from 1');
            check(diagnostic.message.length <= 4001, 'a bounded message');
          }
        },
      };
    },
  },
  {
    name: 'LineSplitter',
    weight: 4,
    make: (random) => {
      const text = mutated(random, COMPOSE_OUTPUTS, 'output');
      const max = 1 + random.int(100);
      const chunks: string[] = [];
      for (let at = 0; at < text.length; at += chunks.at(-1)?.length ?? 1) chunks.push(text.slice(at, at + 1 + random.int(200)));
      return { input: text, read: () => { splitLines(text, chunks, max); } };
    },
  },
];

const TOTAL_WEIGHT = TARGETS.reduce((sum, target) => sum + target.weight, 0);

function preview(input: unknown): string {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  return `${JSON.stringify(text.slice(0, 300))}${text.length > 300 ? ` … (${text.length} characters)` : ''}`;
}

/** Case `index` of the run from `seed`: its target, its input and what reads it. */
export function fuzzCase(seed: number, index: number): { readonly target: string; readonly input: unknown; readonly read: () => void } {
  const random = new Random(prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0));
  let ticket = random.int(TOTAL_WEIGHT);
  const target = TARGETS.find((candidate) => (ticket -= candidate.weight) < 0) ?? TARGETS[0];
  if (target === undefined) throw new Error('no fuzz targets');
  return { target: target.name, ...target.make(random) };
}

/**
 * Runs `cases` cases from `seed`: each one's input comes from a generator seeded by the seed and
 * its index, so a seed reproduces a run. A case fails when it throws what its reader does not
 * document, breaks an invariant, or takes `caseBoundMs` or more.
 */
export function runFuzz(seed: number, cases: number, caseBoundMs: number, progress: (label: string) => void): FuzzReport {
  const failures: FuzzFailure[] = [];
  const counts: Record<string, number> = {};
  let slowest = { label: '', ms: 0 };
  // Untimed, so that loading modules and compiling the readers' code counts against no case.
  for (const target of TARGETS) {
    try {
      target.make(new Random(prng(seed))).read();
    } catch {
      // The cases below find what this one would.
    }
  }
  for (let index = 0; index < cases; index++) {
    const { target, input, read } = fuzzCase(seed, index);
    counts[target] = (counts[target] ?? 0) + 1;
    const label = `${target} #${index}`;
    progress(label);
    const started = performance.now();
    try {
      read();
    } catch (error) {
      const problem = error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 4).join('\n') : String(error);
      failures.push({ target, index, problem, input: preview(input) });
      continue;
    }
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { label, ms };
    if (ms >= caseBoundMs) failures.push({ target, index, problem: `took ${Math.round(ms)} ms`, input: preview(input) });
  }
  return { failures, counts, slowest };
}
