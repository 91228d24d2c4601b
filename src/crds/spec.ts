/** Defensive readers for stored specs, and the path notation used in messages. */

/** The value when it is a non-empty string, else null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The value when it is a mapping (not a list), else null. */
export function mapping(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The value when it is a list, else an empty list. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Joins the non-empty entries, or null when there are none. */
export function joined(values: readonly (string | null | undefined)[], separator = ', '): string | null {
  const kept = values.filter((v): v is string => typeof v === 'string' && v !== '');
  return kept.length > 0 ? kept.join(separator) : null;
}

/** The value when it is a finite number, else null. */
export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** Renders a document path as `spec.subnets.default.vlan`, `spec.fabric.links[0].leaf.ip`, `spec.portSpeeds["E1/1"]`. */
export function dotted(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (PLAIN_KEY.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(document)' : out;
}

/** Builds an Issue whose message starts with the rendered path. */
export function issueAt(path: (string | number)[], message: string): { path: (string | number)[]; message: string } {
  return { path, message: `${dotted(path)}: ${message}` };
}

const PATH_TOKEN = /\.?([A-Za-z0-9_-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;

/** Parses a path rendered by `dotted` back into its parts. */
export function undotted(field: string): (string | number)[] {
  const parts: (string | number)[] = [];
  PATH_TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (PATH_TOKEN.lastIndex < field.length && (m = PATH_TOKEN.exec(field)) !== null) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else parts.push(JSON.parse(m[3]!) as string);
  }
  return parts;
}
