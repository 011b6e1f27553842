import { blankComments } from '../mixfile';
import { configStatements, keywordValue, listItems, makeEdit, type TextEdit } from '../scaffold/elixirConfig';

/** A config file of the project: its path relative to the root and its text. */
export interface ConfigFile {
  readonly path: string;
  readonly text: string;
}

/** How phoenix_live_reload is set up in the project's config. */
export interface LiveReloadConfig {
  /** The endpoint's `live_reload: [patterns: [...]]`, each pattern as written; undefined without `live_reload:`. */
  readonly patterns: readonly string[] | undefined;
  /** `config :phoenix_live_reload, backend: ...` as written (`:fs_poll`), undefined for the default (inotify on Linux). */
  readonly backend: string | undefined;
  /** `backend_opts: [interval: N]`, in milliseconds. */
  readonly pollIntervalMs: number | undefined;
}

/** An endpoint watcher that builds assets (`esbuild: {Esbuild, :install_and_run, [...]}`). */
export interface AssetWatcher {
  /** The watcher's key: esbuild, tailwind, node, npm... */
  readonly name: string;
  /** How it watches: `--watch` alone, which stops when its standard input closes, or one that never stops. */
  readonly watch: 'plain' | 'forever' | 'always' | 'none';
  /** Where the plain `--watch` is in its file, for the edit. */
  readonly flag: { readonly file: string; readonly start: number; readonly end: number } | undefined;
}

export interface WatchConfig {
  readonly liveReload: LiveReloadConfig;
  readonly watchers: readonly AssetWatcher[];
}

/** Reads the live reload setup and the asset watchers from config/config.exs and config/dev.exs (dev last, as Config merges them). */
export function readWatchConfig(files: readonly ConfigFile[]): WatchConfig {
  let patterns: string[] | undefined;
  let backend: string | undefined;
  let pollIntervalMs: number | undefined;
  const watchers = new Map<string, AssetWatcher>();
  for (const file of files) {
    const code = blankComments(file.text);
    for (const statement of configStatements(code)) {
      const value = (key: string, from = statement.start, to = statement.end): { start: number; end: number } | undefined => keywordValue(code, from, to, key);
      if (statement.app === 'phoenix_live_reload') {
        const backendSpan = value('backend');
        if (backendSpan) backend = code.slice(backendSpan.start, backendSpan.end);
        const opts = value('backend_opts');
        const interval = opts && code[opts.start] === '[' ? keywordValue(code, opts.start + 1, opts.end, 'interval') : undefined;
        const ms = interval && /^\d[\d_]*$/.test(code.slice(interval.start, interval.end)) ? Number(code.slice(interval.start, interval.end).replace(/_/g, '')) : undefined;
        if (ms !== undefined) pollIntervalMs = ms;
        continue;
      }
      if (!statement.key?.endsWith('Endpoint')) continue;
      const liveReload = value('live_reload');
      if (liveReload && code[liveReload.start] === '[') {
        const patternList = keywordValue(code, liveReload.start + 1, liveReload.end, 'patterns');
        patterns = patternList && code[patternList.start] === '[' ? listItems(code, patternList.start).map((item) => file.text.slice(item.start, item.end)) : [];
      }
      const watcherList = value('watchers');
      if (watcherList && code[watcherList.start] === '[') {
        for (const item of listItems(code, watcherList.start)) {
          const watcher = readWatcher(file.path, code, item.start, item.end);
          if (watcher) watchers.set(watcher.name, watcher);
        }
      }
    }
  }
  return { liveReload: { patterns, backend, pollIntervalMs }, watchers: [...watchers.values()] };
}

function readWatcher(path: string, code: string, start: number, end: number): AssetWatcher | undefined {
  const name = /^([a-z_][a-zA-Z0-9_]*):/.exec(code.slice(start, end))?.[1];
  if (name === undefined) return undefined;
  const flag = /--watch(?:=(\w+))?(?![\w-])/.exec(code.slice(start, end));
  if (flag === null) return { name, watch: 'none', flag: undefined };
  if (flag[1] === 'forever' || flag[1] === 'always') return { name, watch: flag[1], flag: undefined };
  const at = start + flag.index;
  return { name, watch: 'plain', flag: { file: path, start: at, end: at + '--watch'.length } };
}

/** The flag that keeps a watcher running without standard input, for the tools that have one. */
export function lastingWatchFlag(watcher: AssetWatcher): string | undefined {
  if (watcher.name === 'esbuild') return '--watch=forever';
  if (watcher.name === 'tailwind') return '--watch=always';
  return undefined;
}

/** The edit that makes a watcher's plain `--watch` one that lasts; undefined for tools without such a flag. */
export function watcherFlagEdit(watcher: AssetWatcher, file: ConfigFile): TextEdit | undefined {
  const flag = lastingWatchFlag(watcher);
  if (flag === undefined || watcher.flag === undefined || watcher.flag.file !== file.path) return undefined;
  return makeEdit(file.path, file.text, watcher.flag.start, watcher.flag.end, flag);
}

/** How often the polling backend looks at the files: often enough that a reload feels immediate. */
export const POLL_INTERVAL_MS = 500;

/** Appends the polling backend to the dev config: valid at the end of any config file, and later settings win. */
export function pollingBackendEdit(file: ConfigFile, intervalMs = POLL_INTERVAL_MS): TextEdit {
  const body = file.text.trimEnd();
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  const lastLine = body.lastIndexOf('\n') + 1;
  const addition = [
    '',
    '# File change events do not reach the container through the bind mount on every host,',
    '# so live reload polls the file system instead.',
    `config :phoenix_live_reload, backend: :fs_poll, backend_opts: [interval: ${intervalMs}]`,
    '',
  ].join(eol);
  return makeEdit(file.path, file.text, lastLine, file.text.length, `${body.slice(lastLine)}${eol}${addition}`);
}
