import { isRecord } from './isRecord';

/** A container event from the engine's event stream, reduced to what the view needs. */
export interface ContainerEvent {
  /** start, die, stop, destroy, "health_status: healthy", ... */
  readonly action: string;
  readonly containerId: string;
  readonly project: string | undefined;
  readonly service: string | undefined;
}

/**
 * Parses one line of the engine's event stream (one JSON object per line). Exec events are left
 * out: they do not change a container's state, and each probe or shell would cause one.
 */
export function parseContainerEvent(line: string): ContainerEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value['Type'] !== 'container') return undefined;
  const action = value['Action'];
  const actor = value['Actor'];
  if (typeof action !== 'string' || action.startsWith('exec_') || !isRecord(actor) || typeof actor['ID'] !== 'string') return undefined;
  const attributes = isRecord(actor['Attributes']) ? actor['Attributes'] : {};
  const text = (key: string): string | undefined => (typeof attributes[key] === 'string' ? attributes[key] : undefined);
  return {
    action,
    containerId: actor['ID'],
    project: text('com.docker.compose.project'),
    service: text('com.docker.compose.service'),
  };
}
