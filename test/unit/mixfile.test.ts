import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blankComments, summarizeMixfile } from '../../src/core/mixfile';

const phoenixApp = `
defmodule HelloPhoenix.MixProject do
  use Mix.Project

  def project do
    [
      app: :hello_phoenix,
      version: "0.1.0",
      elixir: "~> 1.14",
      deps: deps()
    ]
  end

  defp deps do
    [
      {:phoenix, "~> 1.7.14"},
      {:phoenix_live_reload, "~> 1.2", only: :dev},
      {:jason, "~> 1.2"}
    ]
  end
end
`;

const umbrellaRoot = `
defmodule Shop.Umbrella.MixProject do
  use Mix.Project

  def project do
    [
      apps_path: "apps",
      version: "0.1.0",
      deps: []
    ]
  end
end
`;

describe('summarizeMixfile', () => {
  it('reads the app name, the Elixir requirement and the dependencies', () => {
    assert.deepEqual(summarizeMixfile(phoenixApp), {
      app: 'hello_phoenix',
      umbrellaAppsPath: undefined,
      dependsOnPhoenix: true,
      elixirRequirement: '~> 1.14',
      deps: ['phoenix', 'phoenix_live_reload', 'jason'],
    });
  });

  it('does not take phoenix_live_reload or phoenix_html for phoenix', () => {
    const source = phoenixApp.replace('{:phoenix, "~> 1.7.14"},', '');
    assert.equal(summarizeMixfile(source).dependsOnPhoenix, false);
  });

  it('ignores a commented-out phoenix dependency', () => {
    const source = phoenixApp.replace('{:phoenix, "~> 1.7.14"},', '# {:phoenix, "~> 1.7.14"},');
    assert.equal(summarizeMixfile(source).dependsOnPhoenix, false);
    assert.deepEqual(summarizeMixfile(source).deps, ['phoenix_live_reload', 'jason']);
  });

  it('accepts a path or git dependency on phoenix', () => {
    assert.equal(summarizeMixfile('defp deps, do: [{ :phoenix, path: "vendor/phoenix", override: true }]').dependsOnPhoenix, true);
    assert.equal(summarizeMixfile('[{:phoenix, github: "phoenixframework/phoenix"}]').dependsOnPhoenix, true);
  });

  it('recognizes an umbrella root', () => {
    const summary = summarizeMixfile(umbrellaRoot);
    assert.equal(summary.app, undefined);
    assert.equal(summary.umbrellaAppsPath, 'apps');
    assert.equal(summary.dependsOnPhoenix, false);
  });

  it('keeps a # inside a string', () => {
    const source = 'description: "Issue #1", deps: [{:phoenix, "~> 1.7"}]';
    assert.equal(summarizeMixfile(source).dependsOnPhoenix, true);
  });

  it('does not mistake ?# or a heredoc for a comment', () => {
    const source = 'sep = ?#\n@doc """\nSee #42\n"""\ndeps: [{:phoenix, "~> 1.7"}] # web';
    assert.equal(summarizeMixfile(source).dependsOnPhoenix, true);
  });

  it('returns nothing for a file that is not a mix project', () => {
    assert.deepEqual(summarizeMixfile('not elixir at all {{{'), {
      app: undefined,
      umbrellaAppsPath: undefined,
      dependsOnPhoenix: false,
      elixirRequirement: undefined,
      deps: [],
    });
  });
});

describe('blankComments', () => {
  it('blanks comments in place, so offsets still point into the original', () => {
    const source = 'a: 1, # note\r\n"#x" # y\nb: ?#';
    const blanked = blankComments(source);
    assert.equal(blanked.length, source.length);
    assert.equal(blanked, 'a: 1,       \r\n"#x"    \nb: ?#');
  });
});
