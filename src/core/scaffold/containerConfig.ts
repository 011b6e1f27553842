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
const CONTAINER_CONFIG_ELIXIR = `
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

/** The entrypoint's lines that define the script, with a comment a reader of the entrypoint needs. */
export const CONTAINER_CONFIG_SCRIPT = `# Inside this container, and only here, the project's configuration is adjusted after Mix reads it:
# an endpoint bound to loopback (as mix phx.new writes config/dev.exs) listens on all interfaces,
# since the published port cannot reach loopback here (it is still published on your machine's
# 127.0.0.1 only), and a Repo on localhost uses the database service (DB_HOST) instead. Your config
# files stay as written, so mix phx.server on your machine still listens on loopback only.
${CONTAINER_CONFIG_VARIABLE}='${CONTAINER_CONFIG_ELIXIR}'
export ${CONTAINER_CONFIG_VARIABLE}
`;

const EVAL_CONTAINER_CONFIG = `'Code.eval_string(System.fetch_env!("${CONTAINER_CONFIG_VARIABLE}"))'`;

/**
 * The arguments of `mix` (as shell words) that run `task` after the container's configuration:
 * `do app.config + eval ... + task`. Before Elixir 1.14, `mix do` separates tasks with a comma at
 * the end of a task's last argument instead of a `+`.
 */
export function mixDoAfterContainerConfig(image: string, task: string): string {
  return plusSeparated(image)
    ? `do app.config + eval ${EVAL_CONTAINER_CONFIG} + ${task}`
    : `do app.config, eval ${EVAL_CONTAINER_CONFIG}, ${task}`;
}

/** Whether the image's Elixir (from a hexpm/elixir tag) knows `mix do a + b`; assumed for other images. */
function plusSeparated(image: string): boolean {
  const version = /elixir:(\d+)\.(\d+)\./.exec(image);
  if (version === null) return true;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  return major > 1 || minor >= 14;
}
