/*
 * Sessions: what the extension runs in a container by `docker exec` (an attached remote shell, a
 * test run or mix task, a database reset), marked so that it can be ended: docker exec does not
 * hang up what it started when its client goes.
 */

/** Marks the processes of one session in their environment (a release's `remote` names its own node, so the name alone is not enough). */
export const SESSION_VARIABLE = 'PHOENIX_SESSION';

/*
 * Ends a session's processes, found by its unique name ($1) in their command line (an attached
 * iex's node name) or as the session mark in their environment, and removes the session's private
 * cookie folder. A fixed script: nothing is interpolated into it.
 */
const END_SESSION = [
  'for d in /proc/[0-9]*; do',
  '  p="${d#/proc/}"',
  '  [ "$p" = "$$" ] && continue',
  `  if { grep -q -- "$1" "$d/cmdline" || grep -q -- "${SESSION_VARIABLE}=$1" "$d/environ"; } 2>/dev/null; then kill "$p"; fi`,
  'done',
  'rm -rf "${TMPDIR:-/tmp}/$1"',
].join('\n');

/** The environment entry that marks the processes of a session, so that endSessionArgv ends them all, however they were started. */
export function sessionMark(uniqueName: string): string {
  return `${SESSION_VARIABLE}=${uniqueName}`;
}

/** What runs in the container to end a session: an attached terminal closed, a test run or task cancelled, a reset stopped. */
export function endSessionArgv(uniqueName: string): string[] {
  return ['sh', '-c', END_SESSION, 'sh', uniqueName];
}
