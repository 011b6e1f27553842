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
 * writes, and parsed within a fraction of a second, so a stray huge file never stalls the host.
 */
export const MAX_COMPOSE_YAML_LENGTH = 512 * 1024;

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

/** Parses one YAML document as `yaml.parse` does, throwing its first error. */
function parseYaml(text: string): unknown {
  // Loaded on first use (from a file of its own in the bundle), so activation never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('yaml') as typeof Yaml;
  const lineCounter = new yaml.LineCounter();
  // The library's own duplicate-key check compares each key with every earlier key of its map,
  // which is quadratic in the keys of a map: firstDuplicateKey does it with a set instead.
  // Merge keys (`<<: *defaults`) are how compose files commonly share settings between services.
  const document = yaml.parseDocument(text, { merge: true, uniqueKeys: false, lineCounter });
  const [error] = document.errors;
  if (error !== undefined) throw error;
  const duplicate = firstDuplicateKey(yaml, document.contents);
  if (duplicate !== undefined) {
    const at = lineCounter.linePos(duplicate.range?.[0] ?? 0);
    throw new Error(`Map keys must be unique at line ${at.line}, column ${at.col}`);
  }
  return document.toJS();
}

/**
 * The first key that repeats an earlier scalar key of its map (what the library's `uniqueKeys`
 * rejects), in one pass over the nodes with a stack of its own, so deep nesting cannot overflow.
 */
function firstDuplicateKey(yaml: typeof Yaml, root: unknown): Yaml.Scalar | undefined {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (yaml.isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (yaml.isScalar(pair.key)) {
          if (seen.has(pair.key.value)) return pair.key;
          seen.add(pair.key.value);
        }
        pending.push(pair.key, pair.value);
      }
    } else if (yaml.isSeq(node)) {
      for (const item of node.items) pending.push(item);
    }
  }
  return undefined;
}
