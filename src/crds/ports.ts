/** Connection port references: `"<device>/<port>"`, split on the first '/'. */

export interface PortRef {
  device: string;
  port: string;
}

/** Splits `leaf-01/E1/55/1` into device `leaf-01` and port `E1/55/1`; null when either part is empty. */
export function splitPortRef(ref: string): PortRef | null {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return null;
  return { device: ref.slice(0, slash), port: ref.slice(slash + 1) };
}

const UNBROKEN_PORT = /^E\d+\/\d+$/;

/** Identity of a physical port: `E1/4` and its first breakout lane `E1/4/1` are the same port. */
export function portKey(device: string, port: string): string {
  return `${device}/${UNBROKEN_PORT.test(port) ? `${port}/1` : port}`;
}
