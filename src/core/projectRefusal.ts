/**
 * A project the scaffolds refuse to work on as it is (an apps_path outside it, a name that is no
 * Elixir application name, a path a Dockerfile cannot take literally): the message says what to
 * change. Any other error from reading a project is a bug.
 */
export class ProjectRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectRefusal';
  }
}
