import type { ContainerPorts } from './containerState';
import { LABELS } from './contract';

/** Phoenix's URLs on this machine, one per address its port is published on (loopback for all addresses). */
export function publishedUrls(container: { readonly labels: Readonly<Record<string, string>>; readonly ports: ContainerPorts }): string[] {
  const port = container.labels[LABELS.httpPort];
  if (port === undefined) return [];
  const urls = (container.ports[`${port}/tcp`] ?? []).map((binding) => {
    const host = binding.HostIp === '' || binding.HostIp === '0.0.0.0' || binding.HostIp === '::' ? 'localhost' : binding.HostIp;
    return `http://${host.includes(':') ? `[${host}]` : host}:${binding.HostPort}`;
  });
  return [...new Set(urls)];
}
