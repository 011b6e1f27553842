import { CONTAINER_CONFIG_ELIXIR, CONTAINER_CONFIG_VARIABLE } from '../scaffold/containerConfig';

/*
 * Running mix in the dev container: the argv and environment of a run, and the ExUnit formatter
 * the extension sends along with a test run (nothing of it is written into the project or image).
 */

/** The environment variable with the formatter's source, evaluated before Mix starts. */
export const TEST_FORMATTER_VARIABLE = 'PHOENIX_TEST_FORMATTER';
/** The environment variable with the run's prefix, which starts every event line the formatter prints. */
export const TEST_EVENTS_VARIABLE = 'PHOENIX_TEST_EVENTS';
export const FORMATTER_MODULE = 'PhoenixDevContainers.TestEvents';
/** The container's Elixir version when the extension knows it already, which spares the script asking Elixir (a VM start). */
export const ELIXIR_VERSION_VARIABLE = 'PHOENIX_ELIXIR_VERSION';
/** Asks the container's Elixir for its version. */
export const ELIXIR_VERSION_ARGV: readonly string[] = ['elixir', '-e', 'IO.write(System.version())'];
/** What the run script prints (on stderr, exit 127) when the container has no mix. */
export const NO_MIX_MARKER = 'phoenix-dev-containers: no mix in this container';

/**
 * How a mix task runs: `plain` as `mix <task>`; `configured` after `app.config` and the dev
 * container's configuration (a Repo on localhost reaches DB_HOST, as the entrypoint's
 * `configured_mix` does); `test` with the formatter loaded first; `configured-test` both.
 */
export type MixMode = 'plain' | 'configured' | 'test' | 'configured-test';

/*
 * A fixed script: the mode and mix's arguments come as its own arguments ($1, $@), never
 * interpolated. `mix do` separates tasks with `+` since Elixir 1.14 and with a trailing `,` before.
 * `mix test` runs with MIX_ENV=test, as mix itself picks when MIX_ENV is unset (the dev container
 * sets dev). The script sets it rather than the command's environment: a one-off container's
 * `compose run` would hand that to the compose file's interpolation too (`${MIX_ENV:-dev}`).
 */
const RUN_MIX_SCRIPT = `mode="$1"
shift
if [ "$1" = test ]; then
  MIX_ENV=test
  export MIX_ENV
fi
if ! command -v mix >/dev/null 2>&1; then
  echo "${NO_MIX_MARKER}" >&2
  exit 127
fi
if [ "$mode" = plain ]; then
  exec mix "$@"
fi
boot='Code.eval_string(System.get_env("${TEST_FORMATTER_VARIABLE}", ""))'
if [ "$mode" = test ]; then
  exec elixir -e "$boot" -S mix "$@"
fi
config='Code.eval_string(System.fetch_env!("${CONTAINER_CONFIG_VARIABLE}"))'
case "\${${ELIXIR_VERSION_VARIABLE}:-$(elixir -e 'IO.write(System.version())')}" in
  1.[0-9].*|1.1[0-3].*) exec elixir -e "$boot" -S mix do app.config, eval "$config," "$@" ;;
  *) exec elixir -e "$boot" -S mix do app.config + eval "$config" + "$@" ;;
esac
`;

/** The program and arguments to run in the container, and the environment it needs (passed by name, off the command line). */
export interface ContainerCommand {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** `mix <args>` in the container the way `mode` says. */
export function mixCommand(mode: MixMode, args: readonly string[], env: Readonly<Record<string, string>> = {}): ContainerCommand {
  return {
    argv: ['sh', '-c', RUN_MIX_SCRIPT, 'sh', mode, ...args],
    env: { ...env, ...(mode === 'configured' || mode === 'configured-test' ? { [CONTAINER_CONFIG_VARIABLE]: CONTAINER_CONFIG_ELIXIR } : {}) },
  };
}

/**
 * `mix test` with the extension's formatter (events after `eventPrefix`) and ExUnit's own (the
 * output the user reads), for `locations` (`test/foo_test.exs` or `test/foo_test.exs:12`,
 * relative to the mix project; none for all); after the dev container's configuration when
 * `configured` (see testsNeedContainerConfig).
 */
export function testCommand(locations: readonly string[], eventPrefix: string, configured: boolean): ContainerCommand {
  return mixCommand(configured ? 'configured-test' : 'test', ['test', '--formatter', FORMATTER_MODULE, '--formatter', 'ExUnit.CLIFormatter', ...locations], {
    [TEST_FORMATTER_VARIABLE]: TEST_FORMATTER_SOURCE,
    [TEST_EVENTS_VARIABLE]: eventPrefix,
  });
}

/**
 * The `mix test` runs that select `locations` exactly, each run's location arguments. mix takes
 * a line (`file:line`) only when it names the one file of the run ("Line numbers can only be used
 * when running a single test file"), and ExUnit's line filter (`--include line:N`, what
 * `file:line` means) picks the test at or before N in every file of the run. So: whole files
 * together in one run; each file with lines in a run of its own, several lines through the filter.
 */
export function testBatches(locations: readonly string[]): string[][] {
  if (locations.length === 0) return [[]];
  const wholeFiles: string[] = [];
  const linesByFile = new Map<string, string[]>();
  for (const location of locations) {
    const match = /^(.+):(\d+)$/.exec(location);
    const file = match?.[1];
    const line = match?.[2];
    if (file === undefined || line === undefined) {
      if (!wholeFiles.includes(location)) wholeFiles.push(location);
      continue;
    }
    const lines = linesByFile.get(file) ?? [];
    if (!lines.includes(line)) lines.push(line);
    linesByFile.set(file, lines);
  }
  const batches = wholeFiles.length === 0 ? [] : [wholeFiles];
  for (const [file, lines] of linesByFile) {
    // A file also asked for whole runs whole, with the other whole files.
    if (wholeFiles.includes(file)) continue;
    const [only] = lines;
    batches.push(lines.length === 1 && only !== undefined ? [`${file}:${only}`] : ['--exclude', 'test', ...lines.flatMap((line) => ['--include', `line:${line}`]), file]);
  }
  return batches;
}

/** A config file longer than this is not read: the run keeps the dev container's configuration. */
export const MAX_CONFIG_FILE_LENGTH = 1024 * 1024;
/** What the dev container's configuration acts on in a test run: a Repo (its hostname, or one defaulting to localhost). */
const DATABASE_CONFIG = /\bRepo\b|\bhostname\b|\becto_repos\b/;

/**
 * Whether a test run needs the dev container's configuration (`app.config`, then its script):
 * in the test environment it only matters for a Repo on localhost, which must reach the database
 * service. A project whose config files (`config/*.exs`, their text) name no Repo or hostname runs
 * `mix test` directly, without `mix do`, the script's evaluation or asking Elixir its version; an
 * unread file (`undefined`) keeps the configuration.
 */
export function testsNeedContainerConfig(configFiles: readonly (string | undefined)[]): boolean {
  return configFiles.some((text) => text === undefined || text.length > MAX_CONFIG_FILE_LENGTH || DATABASE_CONFIG.test(text));
}

/**
 * An ExUnit formatter (a GenServer receiving ExUnit's events) that prints one JSON object per
 * test event on its own line after the run's prefix. Its JSON encoder is its own: the project may
 * not depend on Jason.
 */
export const TEST_FORMATTER_SOURCE = String.raw`
defmodule PhoenixDevContainers.TestEvents do
  @moduledoc false
  # An ExUnit formatter that prints one JSON object per event on its own line, after the prefix
  # in PHOENIX_TEST_EVENTS, for the Phoenix Dev Containers extension to read.
  use GenServer

  @impl true
  def init(_opts), do: {:ok, System.get_env("PHOENIX_TEST_EVENTS", "")}

  @impl true
  def handle_cast({:test_started, %ExUnit.Test{} = test}, prefix) do
    emit(prefix, Map.put(describe_test(test), "event", "test_started"))
    {:noreply, prefix}
  end

  def handle_cast({:test_finished, %ExUnit.Test{} = test}, prefix) do
    event =
      test
      |> describe_test()
      |> Map.merge(outcome(test.state))
      |> Map.merge(%{"event" => "test_finished", "time_us" => test.time})

    emit(prefix, event)
    {:noreply, prefix}
  end

  def handle_cast({:module_finished, %ExUnit.TestModule{state: {:failed, failures}} = module}, prefix) do
    emit(prefix, %{"event" => "module_failed", "module" => inspect(module.name), "file" => module.file, "failures" => Enum.map(failures, &failure/1)})
    {:noreply, prefix}
  end

  def handle_cast({:suite_finished, _times}, prefix) do
    emit(prefix, %{"event" => "suite_finished"})
    {:noreply, prefix}
  end

  def handle_cast(_event, prefix), do: {:noreply, prefix}

  defp describe_test(test) do
    %{
      "module" => inspect(test.module),
      "name" => Atom.to_string(test.name),
      "file" => test.tags[:file],
      "line" => test.tags[:line],
      "describe" => test.tags[:describe],
      "doctest" => test.tags[:test_type] == :doctest
    }
  end

  defp outcome(nil), do: %{"state" => "passed"}
  defp outcome({:skipped, reason}), do: %{"state" => "skipped", "reason" => text(reason)}
  defp outcome({:excluded, reason}), do: %{"state" => "excluded", "reason" => text(reason)}
  defp outcome({:invalid, module}), do: %{"state" => "invalid", "reason" => "setup_all failed in " <> inspect(module.name)}
  defp outcome({:failed, failures}), do: %{"state" => "failed", "failures" => Enum.map(List.wrap(failures), &failure/1)}

  defp failure({kind, reason, stack}) do
    base = %{"stack" => Enum.flat_map(stack, &frame/1)}

    case reason do
      %ExUnit.AssertionError{} = error ->
        base
        |> Map.put("message", error.message)
        |> Map.put("expr", code(error.expr))
        |> put_value("left", error.left)
        |> put_value("right", error.right)

      _ ->
        Map.put(base, "message", Exception.format_banner(kind, reason, stack))
    end
  end

  defp failure(other), do: %{"message" => inspect(other), "stack" => []}

  defp put_value(map, key, value) do
    if value == ExUnit.AssertionError.no_value(), do: map, else: Map.put(map, key, inspect(value, pretty: true, limit: 500, printable_limit: 6000))
  end

  defp code(expr) do
    cond do
      expr == ExUnit.AssertionError.no_value() -> nil
      is_binary(expr) -> expr
      true -> Macro.to_string(expr)
    end
  end

  defp frame({_module, _fun, _arity, location} = entry) when is_list(location) do
    case {location[:file], location[:line]} do
      {file, line} when (is_list(file) or is_binary(file)) and is_integer(line) ->
        [%{"file" => Path.expand(to_string(file)), "line" => line, "text" => Exception.format_stacktrace_entry(entry)}]

      _ ->
        [%{"text" => Exception.format_stacktrace_entry(entry)}]
    end
  end

  defp frame(_entry), do: []

  defp text(value) when is_binary(value), do: value
  defp text(value), do: inspect(value)

  # The extension reads lines up to 64 KiB: an event stays under half of it. Its strings are cut to
  # the first of these lengths (in characters) that makes the line fit; if none does, the
  # failures are replaced by one that says so, and the test still gets its result.
  @max_line_bytes 32_000
  @string_caps [6000, 1500, 160]

  defp emit(prefix, event) do
    line =
      Enum.find_value(@string_caps, fn cap ->
        json = encode(event, cap)
        if byte_size(json) <= @max_line_bytes, do: json
      end) || encode(Map.put(event, "failures", [%{"message" => "The failure is too large to report here: see the test output.", "stack" => []}]), 160)

    IO.write(prefix <> line <> "\n")
  end

  # JSON without a dependency: the project may not have Jason. Strings longer than cap are cut.
  defp encode(map, cap) when is_map(map) do
    "{" <> Enum.map_join(map, ",", fn {key, value} -> encode(to_string(key), cap) <> ":" <> encode(value, cap) end) <> "}"
  end

  defp encode(list, cap) when is_list(list), do: "[" <> Enum.map_join(list, ",", &encode(&1, cap)) <> "]"
  defp encode(nil, _cap), do: "null"
  defp encode(value, _cap) when is_boolean(value), do: Atom.to_string(value)
  defp encode(value, _cap) when is_integer(value), do: Integer.to_string(value)
  defp encode(value, _cap) when is_float(value), do: Float.to_string(value)
  defp encode(value, cap) when is_atom(value), do: encode(Atom.to_string(value), cap)

  defp encode(value, cap) when is_binary(value) do
    value = if String.valid?(value), do: value, else: inspect(value, printable_limit: cap)
    "\"" <> escape(cut(value, cap), "") <> "\""
  end

  defp encode(value, cap), do: encode(inspect(value, limit: 50, printable_limit: cap), cap)

  defp cut(text, cap) when byte_size(text) <= cap, do: text

  defp cut(text, cap) do
    case String.split_at(text, cap) do
      {kept, ""} -> kept
      {kept, rest} -> kept <> "\n… (" <> Integer.to_string(String.length(rest)) <> " more characters cut)"
    end
  end

  defp escape(<<>>, acc), do: acc
  defp escape(<<?", rest::binary>>, acc), do: escape(rest, acc <> "\\\"")
  defp escape(<<?\\, rest::binary>>, acc), do: escape(rest, acc <> "\\\\")
  defp escape(<<c, rest::binary>>, acc) when c < 0x20, do: escape(rest, acc <> "\\u" <> String.pad_leading(Integer.to_string(c, 16), 4, "0"))
  defp escape(<<c::utf8, rest::binary>>, acc), do: escape(rest, acc <> <<c::utf8>>)
end
`;
