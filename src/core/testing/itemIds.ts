import type { DiscoveredEntry } from './discovery';

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
    // `#` is always escaped in a name: a count never reads as part of one.
    return { entry, id: `${parentId}/${own}${count === 1 ? '' : `#${String(count)}`}` };
  });
}

/** The id of a test only a run reports (one of a `doctest` line's, a test defined in a loop), under the item it was placed. */
export function reportedTestId(parentId: string, name: string): string {
  return `${parentId}/ran:${encodeURIComponent(name)}`;
}

/** Where a run's reports of a file's tests are placed, by the ids of the file's entries. */
export interface FilePlaces {
  /** The first test or doctest written at each line (1-based). */
  readonly atLine: ReadonlyMap<number, string>;
  /** Each module by its full name, and each describe block by its module's and its own. */
  readonly blocks: ReadonlyMap<string, string>;
}

/** The places of the entries of the file item `fileId`. */
export function placesOf(fileId: string, entries: readonly DiscoveredEntry[]): FilePlaces {
  const atLine = new Map<number, string>();
  const blocks = new Map<string, string>();
  const visit = (parentId: string, children: readonly DiscoveredEntry[], module: string | undefined): void => {
    for (const { entry, id } of withIds(parentId, children)) {
      let inModule = module;
      if (entry.kind === 'module') {
        inModule = module === undefined ? entry.name : `${module}.${entry.name}`;
        if (!blocks.has(blockKey(inModule, undefined))) blocks.set(blockKey(inModule, undefined), id);
      } else if (entry.kind === 'describe') {
        if (module !== undefined && !blocks.has(blockKey(module, entry.name))) blocks.set(blockKey(module, entry.name), id);
      } else if (!atLine.has(entry.line)) {
        atLine.set(entry.line, id);
      }
      visit(id, entry.children, inModule);
    }
  };
  visit(fileId, entries, undefined);
  return { atLine, blocks };
}

/**
 * The id of the entry a test the source does not show (a StreamData `property`, a test a macro or a
 * loop defines) goes under: its describe block in its module, else its module.
 */
export function blockOf(places: FilePlaces, module: string, describe: string | undefined): string | undefined {
  return (describe === undefined ? undefined : places.blocks.get(blockKey(module, describe))) ?? places.blocks.get(blockKey(module, undefined));
}

function blockKey(module: string, describe: string | undefined): string {
  return describe === undefined ? module : `${module}\n${describe}`;
}
