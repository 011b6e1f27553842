/*
 * Test item ids that stay the same when lines move (VS Code keeps results and "Rerun Failed Tests"
 * by id): built from the ids of the entries an entry is in and its own kind and name, with a count
 * only for a name written again among its siblings.
 */

/** Entries side by side under the item `parentId`, each with its id, in their order. */
export function withIds<T extends { readonly kind: string; readonly name: string }>(parentId: string, entries: readonly T[]): { readonly entry: T; readonly id: string }[] {
  const written = new Map<string, number>();
  return entries.map((entry) => {
    const own = `${entry.kind}:${encodeURIComponent(entry.name)}`;
    const count = (written.get(own) ?? 0) + 1;
    written.set(own, count);
    return { entry, id: `${parentId}/${own}${count === 1 ? '' : `~${String(count)}`}` };
  });
}

/** The id of a test only a run reports (one of a `doctest` line's, a test defined in a loop), under the item it was placed. */
export function reportedTestId(parentId: string, name: string): string {
  return `${parentId}/ran:${encodeURIComponent(name)}`;
}
