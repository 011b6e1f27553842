import * as vscode from 'vscode';
import { discoverTests, MAX_TEST_FILE_LENGTH, type DiscoveredEntry } from '../core/testing/discovery';
import type { TestIdentity } from '../core/testing/events';
import { blockOf, placesOf, reportedTestId, withIds, type FilePlaces } from '../core/testing/itemIds';
import { relativeTo } from '../core/testing/paths';
import type { ContainerMix, MixProject } from './containerMix';
import { readTextUpTo } from './workspaceFiles';

type ItemKind = 'project' | 'file' | 'module' | 'describe' | 'test' | 'doctest' | 'dynamic';

export interface ItemData {
  readonly kind: ItemKind;
  readonly mixProject: MixProject;
  /** The test file (none for a project). */
  readonly file: vscode.Uri | undefined;
  /** The line `mix test file:line` selects it by (1-based), for entries in a file. */
  readonly line: number | undefined;
}

/** A file's places for a run's reports, and the items of its entries by id. */
interface FileEntries {
  readonly places: FilePlaces;
  readonly items: ReadonlyMap<string, vscode.TestItem>;
}

/** The most test files one mix project shows. */
const MAX_TEST_FILES = 5000;
const TEST_FILES = 'test/**/*_test.exs';

/**
 * The Testing view's tree of ExUnit tests: each mix project's test files, read (never run) for
 * their modules, describe blocks, tests and doctests, and the tests only a run reports.
 */
export class TestItemTree {
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  /** By file item: a file read again gets a new item. */
  private readonly files = new WeakMap<vscode.TestItem, FileEntries>();
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly controller: vscode.TestController, private readonly mix: ContainerMix, private readonly log: vscode.LogOutputChannel) {}

  dataOf(item: vscode.TestItem): ItemData | undefined {
    return this.data.get(item);
  }

  /** Finds every mix project's test files again; resolves once the tree shows them. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.discover(), () => this.discover());
    return this.refreshing;
  }

  private async discover(): Promise<void> {
    const roots: vscode.TestItem[] = [];
    for (const mixProject of await this.mix.mixProjects()) {
      const root = this.controller.createTestItem(projectId(mixProject), mixProject.name, mixProject.dir);
      this.data.set(root, { kind: 'project', mixProject, file: undefined, line: undefined });
      const files = await vscode.workspace.findFiles(new vscode.RelativePattern(mixProject.dir, TEST_FILES), new vscode.RelativePattern(mixProject.dir, '{deps,_build,node_modules}/**'), MAX_TEST_FILES);
      files.sort((a, b) => a.path.localeCompare(b.path));
      for (const uri of files) {
        const item = await this.fileItem(mixProject, uri);
        if (item !== undefined) root.children.add(item);
      }
      roots.push(root);
    }
    this.controller.items.replace(roots);
  }

  private async fileItem(mixProject: MixProject, uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    const relative = relativeTo(mixProject.dir.path, uri.path);
    if (relative === undefined) return undefined;
    const item = this.controller.createTestItem(fileId(uri), relative, uri);
    this.data.set(item, { kind: 'file', mixProject, file: uri, line: undefined });
    const source = await readTextUpTo(uri, MAX_TEST_FILE_LENGTH, (bytes) => {
      this.log.warn(`${uri.fsPath} was not read for tests: it is ${Math.ceil(bytes / 1024)} KB.`);
    });
    if (source === undefined) return item;
    const entries = discoverTests(source);
    const items = new Map<string, vscode.TestItem>();
    item.children.replace(this.entryItems(mixProject, uri, item.id, entries, items));
    this.files.set(item, { places: placesOf(item.id, entries), items });
    return item;
  }

  private entryItems(mixProject: MixProject, file: vscode.Uri, parentId: string, entries: readonly DiscoveredEntry[], items: Map<string, vscode.TestItem>): vscode.TestItem[] {
    return withIds(parentId, entries).map(({ entry, id }) => {
      const item = this.controller.createTestItem(id, entry.kind === 'doctest' ? `doctest ${entry.name}` : entry.name, file);
      item.range = new vscode.Range(entry.line - 1, 0, entry.line - 1, 0);
      if (entry.tags.length > 0) item.description = entry.tags.map((tag) => `@${tag}`).join(' ');
      this.data.set(item, { kind: entry.kind, mixProject, file, line: entry.kind === 'module' ? undefined : entry.line });
      items.set(id, item);
      item.children.replace(this.entryItems(mixProject, file, id, entry.children, items));
      return item;
    });
  }

  /** Reads a created or changed test file again. */
  async updateFile(uri: vscode.Uri): Promise<void> {
    if (/[\\/](deps|_build|node_modules)[\\/]/.test(uri.fsPath)) return;
    await this.refreshing;
    for (const [, root] of this.controller.items) {
      const mixProject = this.data.get(root)?.mixProject;
      if (mixProject === undefined || relativeTo(mixProject.dir.path, uri.path)?.startsWith('test/') !== true) continue;
      const item = await this.fileItem(mixProject, uri);
      if (item !== undefined) root.children.add(item);
      return;
    }
  }

  removeFile(uri: vscode.Uri): void {
    for (const [, root] of this.controller.items) root.children.delete(fileId(uri));
  }

  projectItem(mixProject: MixProject): vscode.TestItem | undefined {
    return this.controller.items.get(projectId(mixProject));
  }

  findFileItem(file: vscode.Uri): vscode.TestItem | undefined {
    for (const [, root] of this.controller.items) {
      const item = root.children.get(fileId(file));
      if (item !== undefined) return item;
    }
    return undefined;
  }

  /** What `mix test` takes to select an item: its file, with the line for an entry in it. */
  location(item: vscode.TestItem): string | undefined {
    const data = this.data.get(item);
    if (data?.file === undefined) return undefined;
    const relative = relativeTo(data.mixProject.dir.path, data.file.path);
    if (relative === undefined) return undefined;
    return data.line === undefined ? relative : `${relative}:${String(data.line)}`;
  }

  /**
   * The item of a test that ran: the test at its line in its file (the first name a run reports
   * there claims it: a test defined in a loop reports others), else an item under that entry (each
   * doctest of a `doctest` line), under its describe block or module (a test the source does not
   * show), or under the file. A new item is made only when `mayCreate` accepts its parent.
   */
  itemFor(mixProject: MixProject, file: vscode.Uri, test: Pick<TestIdentity, 'module' | 'describe' | 'name' | 'line'>, claims: Map<vscode.TestItem, string>, mayCreate: (parent: vscode.TestItem) => boolean): vscode.TestItem | undefined {
    const fileItem = this.findFileItem(file);
    if (fileItem === undefined) return undefined;
    const entries = this.files.get(fileItem);
    const itemOf = (id: string | undefined) => (id === undefined ? undefined : entries?.items.get(id));
    const atLine = itemOf(entries?.places.atLine.get(test.line));
    if (atLine !== undefined && this.data.get(atLine)?.kind === 'test' && (claims.get(atLine) ?? test.name) === test.name) {
      claims.set(atLine, test.name);
      return atLine;
    }
    const parent = atLine ?? itemOf(entries === undefined ? undefined : blockOf(entries.places, test.module, test.describe)) ?? fileItem;
    const id = reportedTestId(parent.id, test.name);
    const existing = parent.children.get(id);
    if (existing !== undefined || !mayCreate(parent)) return existing;
    let label = test.name.replace(/^(test|doctest|property) /, '');
    // ExUnit's name holds the describe block's: its item shows the test's own.
    if (test.describe !== undefined && this.data.get(parent)?.kind === 'describe' && label.startsWith(`${test.describe} `)) label = label.slice(test.describe.length + 1);
    const item = this.controller.createTestItem(id, label, file);
    item.range = new vscode.Range(test.line - 1, 0, test.line - 1, 0);
    this.data.set(item, { kind: 'dynamic', mixProject, file, line: test.line });
    parent.children.add(item);
    return item;
  }
}

/** The tests under an item (or the item itself when it has none). */
export function leavesOf(item: vscode.TestItem): vscode.TestItem[] {
  if (item.children.size === 0) return [item];
  return [...item.children].flatMap(([, child]) => leavesOf(child));
}

function projectId(mixProject: MixProject): string {
  return `project:${mixProject.dir.toString()}`;
}

function fileId(file: vscode.Uri): string {
  return `file:${file.toString()}`;
}
