// Inputs that froze the extension host (a loop that never ended, or quadratic and worse work),
// each run in a child process with a time bound, so a regression fails the suite instead of hanging it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ComposeFailure } from '../../src/core/compose';
import type { ComposeServices } from '../../src/core/composeYaml';
import type { ReleaseReading } from '../../src/core/release/project';
import type { PinnedVersions, ReleaseDockerfileVersions } from '../../src/core/scaffold/versions';
import type { ProjectReading, TextEdit } from '../../src/core/scaffold';
import { compiled, runBounded } from './support/bounded';

/** Calls `name` of a source module's compiled code in a child process; fails when the call takes `boundMs` or more. */
async function within<T>(boundMs: number, source: string, name: string, ...args: unknown[]): Promise<T> {
  const { value, ms } = await runBounded<T>({ modulePath: compiled(source), name, args }, { deadlineMs: boundMs + 10_000 });
  assert.ok(ms < boundMs, `${name} took ${Math.round(ms)} ms, more than ${boundMs} ms`);
  return value;
}

const PROJECT = 'src/core/scaffold/project';
const MIX_EXS = 'defmodule Shop.MixProject do\n  def project, do: [app: :shop, deps: [{:phoenix, "~> 1.7"}, {:postgrex, ">= 0.0.0"}]]\nend\n';

describe('edits of a project file that starts with a newline', () => {
  // makeEdit widened an ambiguous span line by line; at the first line, lastIndexOf('\n', -1) found the
  // newline at 0 again, forever.
  it('makeEdit returns for an edit of a line that the file repeats after a leading newline', async () => {
    const repo = 'config :shop, Shop.Repo, hostname: "localhost"';
    const text = `\n${repo}\n${repo}`;
    const start = text.lastIndexOf('hostname: "localhost"');
    const edit = await within<TextEdit>(1000, 'src/core/scaffold/elixirConfig', 'makeEdit', 'config/dev.exs', text, start, start + 'hostname: "localhost"'.length, 'hostname: "db"');
    assert.equal(edit.file, 'config/dev.exs');
    // readProject reads such a file too.
    const reading = await within<ProjectReading>(1000, PROJECT, 'readProject', { files: { 'mix.exs': MIX_EXS, 'config/dev.exs': text }, folderName: 'shop' });
    assert.equal(reading.project.database, 'postgres');
  });

  it('the release scaffold returns for an umbrella mix.exs of the same shape, with the edit that defines the release', async () => {
    const line = '  def project, do: [apps_path: "apps"]';
    const reading = await within<ReleaseReading>(1000, 'src/core/release/project', 'readReleaseProject', { files: { 'mix.exs': `\n${line}\n${line}` }, folderName: 'shop', folders: [] });
    assert.equal(reading.project.release.umbrellaReleaseEdit?.file, 'mix.exs');
  });
});

describe('makeEdit on repetitive text', () => {
  // Finding whether the span occurs once took indexOf time proportional to the text's length times the span's.
  it('decides in linear time that an 8K span around the only "b" of 1M characters is unique', async () => {
    const text = `${'a'.repeat(1_000_000)}b${'a'.repeat(8000)}`;
    const edit = await within<TextEdit>(500, 'src/core/scaffold/elixirConfig', 'makeEdit', 'f', text, 1_000_000 - 4000, 1_000_000 + 4001, 'x');
    assert.equal(edit.find.length, 8001);
  });
});

describe('compose YAML', () => {
  const environment = (count: number): string => Array.from({ length: count }, (_, i) => `      SETTING_${i}: value\n`).join('');

  // The yaml package's own duplicate-key check compares each key with all the earlier keys of its map.
  it('reads 25,000 services (240 KB) in linear time', async () => {
    const text = `services:\n${Array.from({ length: 25_000 }, (_, i) => `  s${i}:\n`).join('')}`;
    const read = await within<ComposeServices>(2000, 'src/core/composeYaml', 'readComposeServices', text);
    assert.equal('services' in read ? Object.keys(read.services).length : read, 25_000);
  });

  // The library turns a key that is a map into a property name by stringifying it, at every level of nesting.
  it('refuses keys that are maps, nested 500 deep, at once', async () => {
    const read = await within<ComposeServices>(1000, 'src/core/composeYaml', 'readComposeServices', '? '.repeat(500));
    assert.deepEqual(read, { error: 'yaml', detail: 'A key must be a plain value, not a map, list or alias at line 1, column 3' });
  });

  it('still refuses a duplicate key, and says where it is', async () => {
    const read = await within<ComposeServices>(1000, 'src/core/composeYaml', 'readComposeServices', 'services:\n  app:\n    image: a\n    image: b\n');
    assert.deepEqual(read, { error: 'yaml', detail: 'Map keys must be unique at line 4, column 5' });
  });

  it('does not parse a text past the size limit, and says so', async () => {
    const text = `services:\n  app:\n    environment:\n${environment(30_000)}`;
    const read = await within<ComposeServices>(100, 'src/core/composeYaml', 'readComposeServices', text);
    assert.deepEqual(read, { error: 'too-large', detail: `it is ${Math.ceil(text.length / 1024)} KB, more than the 256 KB a compose file is read up to` });
  });
});

describe('readProject', () => {
  it('reads an endpoint statement with 20,000 nested http: keys in linear time', async () => {
    const dev = `config :shop, ShopWeb.Endpoint, debug: [${'http: 1, '.repeat(20_000)}]\n`;
    const reading = await within<ProjectReading>(1000, PROJECT, 'readProject', { files: { 'mix.exs': MIX_EXS, 'config/dev.exs': dev }, folderName: 'shop' });
    assert.equal(reading.project.http.port, 4000);
  });

  it('reads 20,000 statements that each end with a comma in linear time', async () => {
    const dev = 'config :shop, ShopWeb.Endpoint, debug: true,\n'.repeat(20_000);
    await within<ProjectReading>(1000, PROJECT, 'readProject', { files: { 'mix.exs': MIX_EXS, 'config/dev.exs': dev }, folderName: 'shop' });
  });

  it('does not read a file past the size limit, and says so in a note', async () => {
    const dev = `config :shop, ShopWeb.Endpoint, http: [port: 4123]\n${'#'.repeat(1024 * 1024)}\n`;
    const reading = await within<ProjectReading>(1000, PROJECT, 'readProject', { files: { 'mix.exs': MIX_EXS, 'config/dev.exs': dev }, folderName: 'shop' });
    assert.equal(reading.project.http.port, 4000);
    assert.ok(reading.notes.includes('config/dev.exs is larger than 1 MB, so it was not read; check the generated files against what it sets.'), reading.notes.join('\n'));
  });
});

describe('compose failure classification of crafted output', () => {
  // Outputs of 70 to 270 KB, which the output of a build reaches easily.
  const cases: readonly (readonly [string, string, ComposeFailure['kind']])[] = [
    ['"Missing mandatory value" without its end', `Missing mandatory value for "${'" option interpolating  in service "'.repeat(2000)}`, 'other'],
    ['"depends on service" without its end', `Service '${"' depends on service '".repeat(12_000)}`, 'other'],
    ['a port followed by digits only', `failed to bind host port :${'1'.repeat(70_000)}`, 'other'],
    ['many unclosed BuildKit boxes', ' > [app\n'.repeat(30_000), 'other'],
    ['a failed step followed by spaces', `failed to solve: x\nERROR [app 1/2] RUN x${' '.repeat(70_000)}y`, 'build-failed'],
    ['a shell command repeated without its end', `failed to solve: x\n${'process "/bin/sh -c '.repeat(14_000)}`, 'build-failed'],
  ];
  for (const [name, output, kind] of cases) {
    it(`classifies ${name} in linear time`, async () => {
      const failure = await within<ComposeFailure>(1000, 'src/core/compose/failure', 'classifyComposeFailure', output);
      assert.equal(failure.kind, kind);
    });
  }
});

describe('other readers of project and container text, on crafted input', () => {
  it('parseMiseToml with an unclosed table header', async () => {
    await within<PinnedVersions>(1000, 'src/core/scaffold/versions', 'parseMiseToml', `[tools]\n[${' '.repeat(5000)}`);
  });

  it('parseReleaseDockerfile with many blank lines', async () => {
    await within<ReleaseDockerfileVersions | undefined>(1000, 'src/core/scaffold/versions', 'parseReleaseDockerfile', '\n'.repeat(100_000));
  });

  it('satisfies with a long run of spaces in the requirement', async () => {
    const result = await within<boolean | undefined>(1000, 'src/core/scaffold/versions', 'satisfies', '1.17.3', `~> 1.14${' '.repeat(100_000)}x`);
    assert.equal(result, undefined);
  });

  it('parseEnvFile with a long run of spaces in a value', async () => {
    const values = await within<Record<string, string>>(1000, 'src/core/scaffold/files', 'parseEnvFile', `KEY=a${' '.repeat(100_000)}b`);
    assert.equal(values['KEY']?.length, 100_002);
  });

  it('mergeGitignore with lines of many stars and folder wildcards, and one with a long run of spaces', async () => {
    const gitignore = `${'*'.repeat(40)}x\n/${'**/'.repeat(1400)}doc/\nx${' '.repeat(100_000)}y\n`;
    await within<string>(1000, 'src/core/scaffold/files', 'mergeGitignore', gitignore, ['/.devcontainer/.env']);
  });

  it('the release scaffold with a Dockerfile and config.exs of many blank lines and spaces', async () => {
    const dockerfile = `FROM x\n${'\n'.repeat(100_000)}RUN mix release\n`;
    const files = { 'mix.exs': MIX_EXS, Dockerfile: dockerfile, 'config/config.exs': `import_config${' '.repeat(100_000)}` };
    await within<string[]>(1000, 'test/unit/support/pipelines', 'releaseScaffoldNotes', { files, folderName: 'shop', folders: [] });
  });

});
