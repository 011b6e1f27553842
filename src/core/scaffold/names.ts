/**
 * A container hostname from an app name: lowercase letters, digits and `-`, at most `maxLength`
 * characters (63 for a DNS label, less to leave room for a suffix).
 */
export function hostName(name: string, maxLength = 63): string {
  const host = name.toLowerCase().replace(/_/g, '-').replace(/[^a-z0-9-]/g, '').replace(/^-+|-+$/g, '').slice(0, maxLength).replace(/-+$/, '');
  return host === '' ? 'phoenix' : host;
}

/** An image name from an app name and a suffix (Docker allows lowercase letters, digits and single separators). */
export function imageName(name: string, suffix: string): string {
  const image = name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/[_.-]{2,}/g, '-').replace(/^[_.-]+|[_.-]+$/g, '');
  return `${image === '' ? 'phoenix' : image}-${suffix}`;
}

/** A path as a .gitignore (or .dockerignore) pattern that matches it literally. */
export function escapeGitignore(path: string): string {
  return path.replace(/[\\*?[\]!#]/g, '\\$&').replace(/ $/, '\\ ');
}

/** An OTP application name as mix.exs declares it (`app: :my_app`). */
const APP_NAME = /^[a-z_][a-zA-Z0-9_]*$/;

export function isAppName(name: string): boolean {
  return APP_NAME.test(name);
}

/**
 * Throws unless `name` is an OTP application name: it is written into Dockerfiles, scripts and
 * Elixir code, where anything else could run as a command.
 */
export function requireAppName(name: string, source: string): string {
  if (!isAppName(name)) {
    throw new Error(`${source} ${JSON.stringify(name)} is not an Elixir application name (a lowercase letter or _ first, then letters, digits and _), so the scaffold stopped: rename it.`);
  }
  return name;
}

/** A word for a POSIX shell: as it is when no shell gives its characters a meaning, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
