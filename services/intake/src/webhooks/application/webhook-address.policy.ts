import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// SSRF: a subscription must not turn intake into a client of its own network (the database, the broker,
// a cloud's metadata service). Unless allowed, a URL whose host is, or resolves to, a non-public address
// is refused when subscribed and again before every delivery (a name may point elsewhere by then).

const nonPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6');
}

/** loopback, private, link-local, carrier-grade NAT, multicast, reserved (IPv4-mapped IPv6 included) */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = family === 6 ? mappedIpv4(address) : undefined;
  if (mapped) return nonPublic.check(mapped, 'ipv4');
  return nonPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

// ::ffff:127.0.0.1, which a URL parser writes ::ffff:7f00:1, is 127.0.0.1
function mappedIpv4(address: string): string | undefined {
  const match = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = parseInt(match[2], 16);
  const low = parseInt(match[3], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

/** The check that needs no lookup: an address literal or `localhost` that is not public. */
export function literalHostProblem(url: string, field = 'url'): string | undefined {
  const host = hostOf(url).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isNonPublicAddress(host)) {
    return `${field} must point to a public address (loopback, private and link-local addresses are not allowed here)`;
  }
  return undefined;
}

/** Every address the URL's host resolves to must be public; the reason when one is not, or the name does not resolve. */
export async function resolvedHostProblem(url: string): Promise<string | undefined> {
  const literal = literalHostProblem(url);
  if (literal) return literal;
  const host = hostOf(url);
  if (isIP(host)) return undefined;
  try {
    const addresses = await lookup(host, { all: true });
    const blocked = addresses.find((address) => isNonPublicAddress(address.address));
    return blocked ? `${host} resolves to ${blocked.address}, not a public address` : undefined;
  } catch (error) {
    return `${host} does not resolve: ${(error as { code?: string }).code ?? String(error)}`;
  }
}
