/** The release module whose migrate/0 bin/migrate calls, as phx.gen.release writes it. */
export function renderReleaseModule(app: string, module: string): string {
  return `defmodule ${module} do
  @moduledoc """
  Used for executing DB release tasks when run in production without Mix
  installed.
  """
  @app :${app}

  def migrate do
    load_app()

    for repo <- repos() do
      {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))
    end
  end

  def rollback(repo, version) do
    load_app()
    {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :down, to: version))
  end

  defp repos do
    Application.fetch_env!(@app, :ecto_repos)
  end

  defp load_app do
    # Many platforms require SSL when connecting to the database
    Application.ensure_all_started(:ssl)
    Application.ensure_loaded(@app)
  end
end
`;
}

