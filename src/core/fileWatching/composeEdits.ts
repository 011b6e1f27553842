import { makeEdit, type TextEdit } from '../scaffold/elixirConfig';
import type { ConfigFile } from './projectConfig';

/** A service's block in a compose file, found line by line (the file as written, comments kept). */
interface ServiceBlock {
  /** Offsets of the service's `name:` line. */
  readonly lineStart: number;
  readonly lineEnd: number;
  /** The indentation of the service's keys. */
  readonly keyIndent: string;
  /** The block's lines after the `name:` line, with their offsets. */
  readonly lines: readonly { readonly text: string; readonly start: number }[];
}

const MAX_COMPOSE_LINES = 20_000;

function linesOf(text: string): { text: string; start: number }[] {
  const lines: { text: string; start: number }[] = [];
  let start = 0;
  for (const line of text.split('\n', MAX_COMPOSE_LINES)) {
    lines.push({ text: line.replace(/\r$/, ''), start });
    start += line.length + 1;
  }
  return lines;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');

function serviceBlock(text: string, service: string): ServiceBlock | undefined {
  const lines = linesOf(text);
  const services = lines.findIndex((line) => /^services:\s*(#.*)?$/.test(line.text));
  if (services < 0) return undefined;
  let serviceIndent: number | undefined;
  for (let i = services + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || !isContent(line.text)) continue;
    const indent = indentOf(line.text);
    if (indent === 0) return undefined;
    serviceIndent ??= indent;
    if (indent !== serviceIndent || line.text.trim().replace(/\s*#.*$/, '') !== `${service}:`) continue;
    const block: { text: string; start: number }[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j];
      if (next === undefined) break;
      if (isContent(next.text) && indentOf(next.text) <= serviceIndent) break;
      block.push(next);
    }
    const firstKey = block.find((candidate) => isContent(candidate.text));
    const keyIndent = ' '.repeat(firstKey === undefined ? serviceIndent * 2 : indentOf(firstKey.text));
    return { lineStart: line.start, lineEnd: line.start + line.text.length, keyIndent, lines: block };
  }
  return undefined;
}

/** What a compose file says about a service, for the check. */
export interface ServiceSettings {
  readonly found: boolean;
  readonly stdinOpen: boolean;
  readonly tty: boolean;
}

export function serviceSettings(text: string, service: string): ServiceSettings {
  const block = serviceBlock(text, service);
  if (block === undefined) return { found: false, stdinOpen: false, tty: false };
  const key = (name: string): boolean => block.lines.some((line) => line.text.startsWith(`${block.keyIndent}${name}:`) && /:\s*(true|"true"|yes)\s*(#.*)?$/.test(line.text));
  return { found: true, stdinOpen: key('stdin_open'), tty: key('tty') };
}

/** Adds `stdin_open: true` to the service, so a watcher that stops when its input closes keeps running. */
export function stdinOpenEdit(file: ConfigFile, service: string): TextEdit | undefined {
  const block = serviceBlock(file.text, service);
  if (block === undefined) return undefined;
  const line = file.text.slice(block.lineStart, block.lineEnd);
  return makeEdit(file.path, file.text, block.lineStart, block.lineEnd, `${line}\n${block.keyIndent}stdin_open: true`);
}

/**
 * Keeps deps and _build in named volumes over the bind mount of `projectDir`: the compose file's
 * volume entries and top-level volumes, and, for a generated Dockerfile, the folders created with
 * the user's ownership (a new volume takes the owner of the folder it covers in the image).
 */
export function namedVolumeEdits(compose: ConfigFile, service: string, projectDir: string, dockerfile: ConfigFile | undefined): TextEdit[] | undefined {
  const block = serviceBlock(compose.text, service);
  if (block === undefined) return undefined;
  const volumesKey = block.lines.findIndex((line) => line.text.startsWith(`${block.keyIndent}volumes:`));
  const bind = block.lines.slice(volumesKey + 1).find((line) => new RegExp(`^\\s*- .*:${escapeRegExp(projectDir)}["']?\\s*(#.*)?$`).test(line.text));
  if (volumesKey < 0 || bind === undefined) return undefined;
  const itemIndent = ' '.repeat(indentOf(bind.text));
  const bindEnd = bind.start + bind.text.length;
  const edits = [
    makeEdit(compose.path, compose.text, bind.start, bindEnd, `${bind.text}\n${itemIndent}- deps:${projectDir}/deps\n${itemIndent}- build:${projectDir}/_build`),
  ];
  const topLevel = linesOf(compose.text).find((line) => /^volumes:\s*(#.*)?$/.test(line.text));
  if (topLevel === undefined) {
    const body = compose.text.trimEnd();
    edits.push(makeEdit(compose.path, compose.text, body.length, compose.text.length, '\n\nvolumes:\n  deps:\n  build:\n'));
  } else {
    const end = topLevel.start + topLevel.text.length;
    edits.push(makeEdit(compose.path, compose.text, topLevel.start, end, `${topLevel.text}\n  deps:\n  build:`));
  }
  if (dockerfile !== undefined) {
    for (const command of ['mkdir -p /app;', 'chown "$USER_UID:$USER_GID" /app;']) {
      const at = dockerfile.text.indexOf(command);
      if (at >= 0) edits.push(makeEdit(dockerfile.path, dockerfile.text, at, at + command.length, command.replace('/app;', '/app /app/deps /app/_build;')));
    }
  }
  return edits;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
