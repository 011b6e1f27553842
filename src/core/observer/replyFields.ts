import { isRecord } from '../isRecord';

/*
 * Reading the helper's replies, which come from a program running in the container: every field
 * is checked, every text and list is bounded.
 */

const PID = /^<0\.\d{1,10}\.\d{1,10}>$/;

/** A process id as the node itself writes it, e.g. `<0.123.0>`. */
export function isPid(text: string): boolean {
  return PID.test(text);
}

/** A reply that does not have the shape its request asks for. */
export class ReplyShapeError extends Error {}

/** The longest text kept from a reply's field. */
const MAX_TEXT = 1000;
/** The most items kept from a reply's list. */
const MAX_ITEMS = 5000;

export function recordOf(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new ReplyShapeError('expected an object');
  return value;
}

export function listOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new ReplyShapeError('expected a list');
  return value.slice(0, MAX_ITEMS);
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
}

export function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_TEXT) : undefined;
}

export function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.slice(0, MAX_ITEMS).filter((item): item is string => typeof item === 'string').map((item) => item.slice(0, MAX_TEXT)) : [];
}

export function optionalPid(value: unknown): string | undefined {
  return typeof value === 'string' && isPid(value) ? value : undefined;
}

export function pidOf(value: unknown): string {
  const pid = optionalPid(value);
  if (pid === undefined) throw new ReplyShapeError('expected a process id');
  return pid;
}

export function integer(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ReplyShapeError(`expected a number for ${key}`);
  return value;
}

export function count(record: Record<string, unknown>, key: string): number {
  const value = integer(record, key);
  if (value < 0) throw new ReplyShapeError(`expected a count for ${key}`);
  return value;
}
