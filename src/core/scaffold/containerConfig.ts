/*
 * The configuration a project gets inside its dev container, applied after Mix has read the
 * project's own config files and before the task runs, in that VM only. The files stay as the
 * user wrote them, so the same project still runs on the host as before.
 */

/** The environment variable that carries the script to `mix eval`, which then needs no quoting. */
export const CONTAINER_CONFIG_VARIABLE = 'PHOENIX_CONTAINER_CONFIG';

/*
 * Elixir, evaluated by `mix eval` right after `mix app.config`:
 * - an endpoint bound to loopback (as `mix phx.new` writes config/dev.exs) listens on all
 *   interfaces instead: a published port cannot reach loopback inside the container;
 * - a Repo whose hostname is localhost reaches the database service named by DB_HOST (and
 *   DB_PORT) instead.
 * Only the project's own applications are touched, `persistent` so that loading them keeps it.
 * It holds no single quote: the entrypoint keeps it in a single-quoted shell string.
 */
export const CONTAINER_CONFIG_ELIXIR = `
loopback? = fn
  {127, _, _, _} -> true
  {0, 0, 0, 0, 0, 0, 0, 1} -> true
  _ -> false
end

db_host = System.get_env("DB_HOST", "")
db_port = System.get_env("DB_PORT", "")
apps = Map.keys(Mix.Project.apps_paths() || %{}) ++ List.wrap(Mix.Project.config()[:app])

for app <- apps, {key, config} <- Application.get_all_env(app), Keyword.keyword?(config) do
  http = config[:http]

  adjusted =
    if Keyword.keyword?(http) and loopback?.(http[:ip]) do
      any = if tuple_size(http[:ip]) == 4, do: {0, 0, 0, 0}, else: {0, 0, 0, 0, 0, 0, 0, 0}
      Keyword.put(config, :http, Keyword.put(http, :ip, any))
    else
      config
    end

  adjusted =
    if db_host != "" and Keyword.has_key?(adjusted, :database) and adjusted[:hostname] in ["localhost", "127.0.0.1", "::1"] do
      adjusted = Keyword.put(adjusted, :hostname, db_host)
      if db_port == "", do: adjusted, else: Keyword.put(adjusted, :port, String.to_integer(db_port))
    else
      adjusted
    end

  if adjusted != config, do: Application.put_env(app, key, adjusted, persistent: true)
end
`;

/**
 * The entrypoint's lines that define the script and `configured_mix`, which runs one mix task
 * (its arguments) after `app.config` and the script, with a comment a reader of the entrypoint
 * needs. `mix do` separates tasks with `+` since Elixir 1.14 and with a trailing `,` before; the
 * Elixir in the image decides, since a custom image's tag may not say.
 */
export const CONTAINER_CONFIG_SCRIPT = `# Inside this container, and only here, the project's configuration is adjusted after Mix reads it:
# an endpoint bound to loopback (as mix phx.new writes config/dev.exs) listens on all interfaces,
# since the published port cannot reach loopback here (it is still published on your machine's
# 127.0.0.1 only), and a Repo on localhost uses the database service (DB_HOST) instead. Your config
# files stay as written, so mix phx.server on your machine still listens on loopback only.
${CONTAINER_CONFIG_VARIABLE}='${CONTAINER_CONFIG_ELIXIR}'
export ${CONTAINER_CONFIG_VARIABLE}
eval_container_config='Code.eval_string(System.fetch_env!("${CONTAINER_CONFIG_VARIABLE}"))'
case "$(elixir -e 'IO.write(System.version())')" in
  1.[0-9].*|1.1[0-3].*) mix_do_separator=, ;;
  *) mix_do_separator=+ ;;
esac

# Runs mix with its arguments (one task) after app.config and the configuration above.
configured_mix() {
  if [ "$mix_do_separator" = + ]; then
    mix do app.config + eval "$eval_container_config" + "$@"
  else
    mix do app.config, eval "$eval_container_config," "$@"
  fi
}
`;

/** The entrypoint's last lines: the dev server, as a named node, after the configuration above. */
export const CONFIGURED_SERVER = `if [ "$mix_do_separator" = + ]; then
  exec elixir "$name_option" "$NODE_NAME" -S mix do app.config + eval "$eval_container_config" + phx.server
fi
exec elixir "$name_option" "$NODE_NAME" -S mix do app.config, eval "$eval_container_config," phx.server
`;
