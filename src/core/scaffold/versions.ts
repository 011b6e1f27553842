/**
 * Chooses the hexpm/elixir base image: exact versions when the project pins them, otherwise a
 * known published combination that satisfies the mix.exs Elixir requirement.
 */

/** Versions a version manager file pins, as written (`1.17.3-otp-27`, `27.1.2`). */
export interface PinnedVersions {
  readonly elixir?: string;
  readonly erlang?: string;
}

/** Versions read from a `mix phx.gen.release --docker` Dockerfile. */
export interface ReleaseDockerfileVersions {
  readonly elixir?: string;
  readonly otp?: string;
  readonly debian?: string;
}

/** The Debian part of hexpm/elixir tags used when nothing else decides it. */
export const DEFAULT_DEBIAN = 'bookworm-20250113-slim';
const DEBIAN_TAG = /^[a-z]+-\d{8}(-slim)?$/;

interface Combination {
  readonly elixir: string;
  readonly otp: string;
}

const NEWEST: Combination = { elixir: '1.18.2', otp: '27.2' };

/**
 * Elixir/OTP combinations that hexpm/elixir publishes, newest first: the latest patch of each
 * Elixir minor with an OTP release it supports.
 */
export const KNOWN_COMBINATIONS: readonly Combination[] = [
  NEWEST,
  { elixir: '1.17.3', otp: '27.2' },
  { elixir: '1.16.3', otp: '26.2.5.6' },
  { elixir: '1.15.8', otp: '26.2.5.6' },
  { elixir: '1.14.5', otp: '25.3.2.16' },
  { elixir: '1.13.4', otp: '25.3.2.16' },
];

/** The latest known patch release of each OTP major, for a pin that names only the major. */
const KNOWN_OTP_BY_MAJOR: Readonly<Record<string, string>> = {
  '24': '24.3.4.17',
  '25': '25.3.2.16',
  '26': '26.2.5.6',
  '27': '27.2',
};

/** Debian releases that package watchman (trixie dropped it). */
const RELEASES_WITH_WATCHMAN = ['bullseye', 'bookworm'];

export function parseToolVersions(text: string): PinnedVersions {
  const found: { elixir?: string; erlang?: string } = {};
  for (const line of text.split(/\r?\n/)) {
    const [tool, version] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (version === undefined) continue;
    if (tool === 'elixir' && found.elixir === undefined) found.elixir = version;
    if (tool === 'erlang' && found.erlang === undefined) found.erlang = version;
  }
  return found;
}

/** Reads `[tools]` from mise's TOML: `elixir = "1.17.3-otp-27"`, `["27.1.2"]` or `{ version = "..." }`. */
export function parseMiseToml(text: string): PinnedVersions {
  const found: { elixir?: string; erlang?: string } = {};
  let table = '';
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]*)\]\s*(#.*)?$/.exec(line);
    if (header?.[1] !== undefined) {
      table = header[1].trim();
      continue;
    }
    if (table !== 'tools') continue;
    const entry = /^\s*"?(elixir|erlang)"?\s*=\s*(.*)$/.exec(line);
    const version = entry?.[2] === undefined ? undefined : /"([^"]+)"|'([^']+)'/.exec(entry[2]);
    const value = version?.[1] ?? version?.[2];
    if (entry?.[1] === 'elixir' && value !== undefined) found.elixir ??= value;
    if (entry?.[1] === 'erlang' && value !== undefined) found.erlang ??= value;
  }
  return found;
}

/** Reads the ARG lines (or a literal BUILDER_IMAGE) of a `mix phx.gen.release --docker` Dockerfile. */
export function parseReleaseDockerfile(text: string): ReleaseDockerfileVersions | undefined {
  // Spaces and tabs only: `\s` would also match newlines, and rescanning every run of blank lines is quadratic.
  const arg = (name: string): string | undefined =>
    new RegExp(`^[ \\t]*ARG[ \\t]+${name}=["']?([^"'\\s$]+)["']?[ \\t]*\\r?$`, 'm').exec(text)?.[1];
  const literal = /hexpm\/elixir:(\d[\w.]*)-erlang-(\d[\w.]*)-debian-([a-z]+-\d{8}(?:-slim)?)/.exec(text);
  const elixir = arg('ELIXIR_VERSION') ?? literal?.[1];
  const otp = arg('OTP_VERSION') ?? literal?.[2];
  const debian = arg('DEBIAN_VERSION') ?? literal?.[3];
  if (elixir === undefined && otp === undefined && debian === undefined) return undefined;
  return { ...(elixir && { elixir }), ...(otp && { otp }), ...(debian && { debian }) };
}

type Version = readonly [number, number, number];

function parseVersion(text: string): Version | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?(?:-[\w.]+)?$/.exec(text.trim());
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Whether `version` satisfies an Elixir version requirement (`~> 1.14`, `>= 1.14.0 and < 2.0.0`,
 * `or`), or undefined when the requirement cannot be read.
 */
export function satisfies(version: string, requirement: string): boolean | undefined {
  const target = parseVersion(version);
  if (target === undefined) return undefined;
  let anyOr = false;
  // Single spaces first: splitting at /\s+or\s+/ rescans each run of spaces from every position in it.
  const words = requirement.trim().replace(/\s+/g, ' ');
  for (const alternative of words.split(' or ')) {
    let all = true;
    for (const clause of alternative.split(' and ')) {
      const match = /^\s*(~>|==|!=|>=|<=|>|<)?\s*(\S+)\s*$/.exec(clause);
      const bound = match?.[2] === undefined ? undefined : parseVersion(match[2]);
      if (match === null || bound === undefined) return undefined;
      const order = compare(target, bound);
      switch (match[1] ?? '==') {
        case '~>': {
          // ~> 1.14 allows < 2.0.0; ~> 1.14.0 allows < 1.15.0.
          const twoParts = match[2]?.split('-')[0]?.split('.').length === 2;
          const upper: Version = twoParts ? [bound[0] + 1, 0, 0] : [bound[0], bound[1] + 1, 0];
          all &&= order >= 0 && compare(target, upper) < 0;
          break;
        }
        case '==':
          all &&= order === 0;
          break;
        case '!=':
          all &&= order !== 0;
          break;
        case '>=':
          all &&= order >= 0;
          break;
        case '<=':
          all &&= order <= 0;
          break;
        case '>':
          all &&= order > 0;
          break;
        default:
          all &&= order < 0;
      }
    }
    anyOr ||= all;
  }
  return anyOr;
}

export interface BaseImageInputs {
  readonly elixirRequirement: string | undefined;
  /** Versions pinned by .tool-versions or mise, with the file they came from. */
  readonly pinned: (PinnedVersions & { readonly source: string }) | undefined;
  readonly release: ReleaseDockerfileVersions | undefined;
}

export interface BaseImageOptions {
  /** An image to use as is, instead of choosing one. */
  readonly baseImage?: string;
  /** The Debian part of the hexpm tag, e.g. `bookworm-20250113-slim`. */
  readonly debian?: string;
}

export interface BaseImageChoice {
  readonly image: string;
  /** The Debian release name (bookworm, trixie...), when the image says. */
  readonly debianRelease: string | undefined;
  /** Whether the image's distribution packages watchman. */
  readonly hasWatchman: boolean;
  readonly notes: readonly string[];
}

export function chooseBaseImage(inputs: BaseImageInputs, options: BaseImageOptions): BaseImageChoice {
  const notes: string[] = [];
  const override = options.baseImage?.trim();
  if (override) {
    if (/^[\w.\-/:@]+$/.test(override)) {
      if (/alpine/i.test(override)) {
        notes.push(`The base image ${override} looks like Alpine, but the generated Dockerfile uses Debian tools (apt-get, useradd); choose a Debian-based image.`);
      }
      return { image: override, ...releaseFacts(/debian[-:]([a-z]+)/.exec(override)?.[1]), notes };
    }
    notes.push(`The base image setting "${override}" is not a plain image name, so it was ignored; set it to a name such as hexpm/elixir:1.17.3-erlang-27.1.2-debian-bookworm-20241016-slim.`);
  }

  const { elixir, otp } = chooseVersions(inputs, notes);
  const requested = options.debian?.trim() || inputs.release?.debian || DEFAULT_DEBIAN;
  // The value lands in the Dockerfile's FROM line: anything but a tag part is refused, never written.
  const debian = DEBIAN_TAG.test(requested) ? requested : DEFAULT_DEBIAN;
  if (debian !== requested) {
    notes.push(`The Debian release "${requested}" is not a hexpm/elixir tag part such as ${DEFAULT_DEBIAN}, so ${DEFAULT_DEBIAN} is used; pick one from https://hub.docker.com/r/hexpm/elixir/tags.`);
  }
  const facts = releaseFacts(/^[a-z]+/.exec(debian)?.[0]);
  if (facts.debianRelease === 'trixie') {
    notes.push('Debian trixie images have no watchman package, so the dev container goes without it; choose a bookworm release if your asset tools need watchman.');
  }
  return { image: `hexpm/elixir:${elixir}-erlang-${otp}-debian-${debian}`, ...facts, notes };
}

function releaseFacts(release: string | undefined): Pick<BaseImageChoice, 'debianRelease' | 'hasWatchman'> {
  return { debianRelease: release, hasWatchman: release !== undefined && RELEASES_WITH_WATCHMAN.includes(release) };
}

function chooseVersions(inputs: BaseImageInputs, notes: string[]): { elixir: string; otp: string } {
  const { pinned, release, elixirRequirement } = inputs;
  const pin = readElixirPin(pinned, notes);

  let elixir: string | undefined;
  if (pin?.exact) elixir = pin.version;
  else if (release?.elixir !== undefined && /^\d+\.\d+\.\d+$/.test(release.elixir)) elixir = release.elixir;
  if (elixir !== undefined && elixirRequirement !== undefined && satisfies(elixir, elixirRequirement) === false) {
    const source = pin?.exact ? (pinned?.source ?? '') : 'Dockerfile';
    notes.push(`${source} pins Elixir ${elixir}, but mix.exs requires "${elixirRequirement}"; align the two so that the project compiles in the container.`);
  }
  // Without an exact Elixir pin, take a known combination: for the pinned minor, else the newest
  // that satisfies mix.exs.
  const known =
    elixir !== undefined
      ? undefined
      : (KNOWN_COMBINATIONS.find((combination) => pin !== undefined && minorOf(combination.elixir) === pin.version) ??
        pickForRequirement(elixirRequirement, notes));
  elixir ??= known?.elixir ?? NEWEST.elixir;

  const exactOtpVersion = exactOtp(pinned?.erlang) ?? exactOtp(release?.otp);
  const otpMajor = pin?.otpMajor ?? /^(\d+)$/.exec(pinned?.erlang ?? '')?.[1];
  let otp = exactOtpVersion ?? (otpMajor === undefined ? undefined : KNOWN_OTP_BY_MAJOR[otpMajor]);
  const assumed = known !== undefined || exactOtpVersion === undefined;
  otp ??= KNOWN_COMBINATIONS.find((combination) => minorOf(combination.elixir) === minorOf(elixir))?.otp ?? NEWEST.otp;

  if (assumed) {
    notes.push(`Assumed Elixir ${elixir} on Erlang/OTP ${otp} for the dev container; pin exact versions in .tool-versions (for example "elixir ${elixir}-otp-${otp.split('.')[0] ?? ''}" and "erlang ${otp}") to choose others.`);
  }
  return { elixir, otp };
}

function readElixirPin(pinned: BaseImageInputs['pinned'], notes: string[]): { version: string; exact: boolean; otpMajor?: string } | undefined {
  if (pinned?.elixir === undefined) return undefined;
  const match = /^(\d+\.\d+)(\.\d+)?(?:-otp-(\d+))?$/.exec(pinned.elixir);
  if (match?.[1] === undefined) {
    notes.push(`${pinned.source} names Elixir "${pinned.elixir}", which is not a release version, so it was not used; pin a release such as 1.17.3-otp-27 to use it in the dev container.`);
    return undefined;
  }
  const exact = match[2] !== undefined;
  return { version: exact ? match[1] + (match[2] ?? '') : match[1], exact, ...(match[3] !== undefined && { otpMajor: match[3] }) };
}

function exactOtp(version: string | undefined): string | undefined {
  return version !== undefined && /^\d+(\.\d+)+$/.test(version) ? version : undefined;
}

function minorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

function pickForRequirement(requirement: string | undefined, notes: string[]): Combination {
  if (requirement === undefined) return NEWEST;
  const results = KNOWN_COMBINATIONS.map((known) => ({ known, ok: satisfies(known.elixir, requirement) }));
  const match = results.find((result) => result.ok === true);
  if (match !== undefined) return match.known;
  notes.push(
    results.every((result) => result.ok === undefined)
      ? `The Elixir requirement "${requirement}" in mix.exs could not be read; pin the Elixir and Erlang versions in .tool-versions to choose the base image.`
      : `No known hexpm/elixir image satisfies "${requirement}" from mix.exs; pin the Elixir and Erlang versions in .tool-versions to choose the base image.`,
  );
  return NEWEST;
}
