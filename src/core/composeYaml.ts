import type * as Yaml from 'yaml';
import { isRecord } from './isRecord';

/** The `services:` (and top-level `name:`) of a compose file or of `compose config` output, or why there are none. */
export type ComposeServices =
  | { readonly services: Record<string, unknown>; readonly name: string | undefined }
  | { readonly error: 'yaml'; readonly detail: string }
  | { readonly error: 'no-services' };

export function readComposeServices(text: string): ComposeServices {
  let document: unknown;
  try {
    // Loaded on first use (from a file of its own in the bundle), so activation never pays for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parse } = require('yaml') as typeof Yaml;
    // Merge keys (`<<: *defaults`) are how compose files commonly share settings between services.
    document = parse(text, { merge: true });
  } catch (error) {
    return { error: 'yaml', detail: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) };
  }
  if (!isRecord(document) || !isRecord(document['services'])) return { error: 'no-services' };
  return { services: document['services'], name: typeof document['name'] === 'string' ? document['name'] : undefined };
}
