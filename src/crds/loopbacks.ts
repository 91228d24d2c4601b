// Protocol IPs and VTEP IPs are one pool for Switches and Gateways: the fabric refuses a Switch
// whose address a Gateway holds (when the gateway is on) and a Gateway whose address a Switch
// holds. Each kind's crossCheck claims its own addresses (warned) and the other kind's (held only).
import type { UniqueValues } from './crossCheck';
import { formatIPv4, parseCidr } from './net';
import { mapping, text } from './spec';
import type { Indexed } from './types';

/** The address of a prefix such as 172.30.8.1/32, as the fabric compares them; null when unparsable. */
function addressOf(value: unknown): string | null {
  const c = parseCidr(text(value) ?? '');
  return c ? formatIPv4(c.address) : null;
}

/**
 * Claims the protocol and VTEP IPs of these records. `warned` says whether their owners are told
 * of a clash; `vtepChecked` says which owners the fabric checks for their VTEP IP (leaves that
 * are not MCLAG peers; every Gateway).
 */
export function claimLoopbacks(
  unique: UniqueValues,
  records: Indexed[],
  kind: 'Switch' | 'Gateway',
  warned: boolean,
  vtepChecked: (spec: Record<string, unknown>) => boolean = () => true,
): void {
  for (const { key, record } of records) {
    const spec = mapping(record.spec) ?? {};
    const name = `${kind} "${record.name}"`;
    const protocol = addressOf(spec.protocolIP);
    if (protocol)
      unique.claim('protocol-ip', protocol, {
        key,
        name,
        path: ['spec', 'protocolIP'],
        label: `protocol IP ${protocol}`,
        exempt: !warned,
      });
    const vtep = addressOf(spec.vtepIP);
    if (vtep)
      unique.claim('vtep-ip', vtep, {
        key,
        name,
        path: ['spec', 'vtepIP'],
        label: `VTEP IP ${vtep}`,
        exempt: !warned || !vtepChecked(spec),
      });
  }
}
