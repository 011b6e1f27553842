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
