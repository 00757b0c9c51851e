/** Reading CIDR blocks (IPv4 and IPv6) for rules that judge how much of the address space a list opens. */

export interface Cidr {
  family: 4 | 6;
  prefixLength: number;
}

const isIpv4 = (address: string) => {
  const octets = address.split(".");
  return octets.length === 4 && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
};

/** Eight 16-bit groups, at most one `::` standing for one or more zero groups, and an optional IPv4 tail (two groups). */
function isIpv6(address: string): boolean {
  const halves = address.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === "" ? [] : half.split(":")));
  const tail = groups.at(-1);
  const tailIsIpv4 = tail !== undefined && tail.includes(".");
  if (tailIsIpv4 && !isIpv4(tail)) return false;
  const hextets = tailIsIpv4 ? groups.slice(0, -1) : groups;
  if (!hextets.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return false;
  const count = hextets.length + (tailIsIpv4 ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * The family and prefix length of a CIDR block, or undefined when the text is not one. Leading zeros
 * are read as decimal ("0.0.0.0/00" is a /0): a rule that reads a spelling more widely than the
 * service does errs towards refusing it.
 */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const [, address, bits] = match;
  const prefixLength = Number(bits);
  if (isIpv4(address)) return prefixLength <= 32 ? { family: 4, prefixLength } : undefined;
  if (isIpv6(address)) return prefixLength <= 128 ? { family: 6, prefixLength } : undefined;
  return undefined;
}
