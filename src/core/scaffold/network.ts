/** IPv4 subnets for the optional fixed-address compose network. */

export interface Ipv4Subnet {
  /** The network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

export function parseSubnet(text: string): Ipv4Subnet | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (match === null) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  return { base: address - (address % 2 ** (32 - prefix)), prefix };
}

export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/**
 * The subnets among `existingSubnets` (e.g. those of Docker's networks) that overlap `subnet`.
 * Entries that are not IPv4 subnets are skipped; an unreadable `subnet` conflicts with nothing.
 */
export function subnetConflicts(subnet: string, existingSubnets: readonly string[]): string[] {
  const wanted = parseSubnet(subnet);
  if (wanted === undefined) return [];
  return existingSubnets.filter((existing) => {
    const other = parseSubnet(existing);
    if (other === undefined) return false;
    // Two aligned blocks overlap exactly when the larger one contains the other's base.
    const larger = other.prefix < wanted.prefix ? other : wanted;
    const smaller = larger === other ? wanted : other;
    return smaller.base - (smaller.base % 2 ** (32 - larger.prefix)) === larger.base;
  });
}

/** The addresses the compose network uses in a subnet, or undefined when it is too small. */
export function networkPlan(subnet: Ipv4Subnet): { subnet: string; gateway: string; app: string; dynamicRange: string } | undefined {
  // /29 is the smallest that leaves room: gateway .1, app .2, and a dynamic upper half.
  if (subnet.prefix > 29) return undefined;
  const half = subnet.prefix + 1;
  return {
    subnet: `${formatAddress(subnet.base)}/${subnet.prefix}`,
    gateway: formatAddress(subnet.base + 1),
    app: formatAddress(subnet.base + 2),
    // Containers without a fixed address (the database) get theirs from the upper half, so they
    // never take the app's address before it starts.
    dynamicRange: `${formatAddress(subnet.base + 2 ** (32 - half))}/${half}`,
  };
}
