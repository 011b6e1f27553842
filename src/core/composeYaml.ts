import type * as Yaml from 'yaml';
import { isRecord } from './isRecord';

/** The `services:` (and top-level `name:`) of a compose file or of `compose config` output, or why there are none. */
export type ComposeServices =
  | { readonly services: Record<string, unknown>; readonly name: string | undefined }
  | { readonly error: 'yaml'; readonly detail: string }
  | { readonly error: 'no-services' }
  /** Past MAX_COMPOSE_YAML_LENGTH the text is not parsed at all; `detail` says so in words. */
  | { readonly error: 'too-large'; readonly detail: string };

/**
 * The longest compose text that is parsed (UTF-16 units): far beyond any compose file a person
 * writes. A valid one this long is parsed in a few tenths of a second, and garbage in about one.
 */
export const MAX_COMPOSE_YAML_LENGTH = 256 * 1024;

export function readComposeServices(text: string): ComposeServices {
  if (text.length > MAX_COMPOSE_YAML_LENGTH) {
    return { error: 'too-large', detail: `it is ${Math.ceil(text.length / 1024)} KB, more than the ${MAX_COMPOSE_YAML_LENGTH / 1024} KB a compose file is read up to` };
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return { error: 'yaml', detail: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) };
  }
  if (!isRecord(document) || !isRecord(document['services'])) return { error: 'no-services' };
  return { services: document['services'], name: typeof document['name'] === 'string' ? document['name'] : undefined };
}

/**
 * Parses one YAML document as `yaml.parse` does, but in time linear in the text and refusing keys
 * that are not plain values; throws its first error.
 */
function parseYaml(text: string): unknown {
  // Loaded on first use (from a file of its own in the bundle), so activation never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('yaml') as typeof Yaml;
  const lineCounter = new yaml.LineCounter();
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `at line ${line}, column ${col}`;
  };
  // Merge keys (`<<: *defaults`) are how compose files commonly share settings between services.
  // Duplicate keys are found by keyFault instead of the library's `uniqueKeys`.
  const document = withoutStackTraces(() => yaml.parseDocument(text, { merge: true, uniqueKeys: false, prettyErrors: false, lineCounter }));
  const [error] = document.errors;
  if (error !== undefined) throw new Error(`${error.message} ${at(error.pos[0])}`);
  const fault = keyFault(yaml, document.contents);
  if (fault !== undefined) throw new Error(`${fault.problem} ${at(fault.offset)}`);
  return document.toJS();
}

/**
 * Runs `parse` without capturing stack traces: the parser makes an Error for each fault it
 * finds, garbage has one every few characters, and their stacks made it three times slower.
 */
function withoutStackTraces<T>(parse: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The first key no compose file has, in one pass over the nodes with a stack of its own (so deep
 * nesting cannot overflow the call stack): a key that repeats one of its map (the library's
 * `uniqueKeys` compares each key with all the earlier ones, quadratic in the keys of a map), or
 * a map, list or alias as a key (made a property name, it is stringified, in time exponential in
 * its nesting).
 */
function keyFault(yaml: typeof Yaml, root: unknown): { problem: string; offset: number } | undefined {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (yaml.isMap(node)) {
      const seen = new Set<unknown>();
      for (const { key, value } of node.items) {
        if (yaml.isScalar(key)) {
          if (seen.has(key.value)) return { problem: 'Map keys must be unique', offset: key.range?.[0] ?? 0 };
          seen.add(key.value);
        } else if (key !== null) {
          return { problem: 'A key must be a plain value, not a map, list or alias', offset: yaml.isNode(key) ? key.range?.[0] ?? 0 : 0 };
        }
        pending.push(value);
      }
    } else if (yaml.isSeq(node)) {
      for (const item of node.items) pending.push(item);
    }
  }
  return undefined;
}
