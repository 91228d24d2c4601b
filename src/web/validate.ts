import type { z } from 'zod';
import { ValidationError } from '../errors';

/** The value at a path of the input, or undefined. */
function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path)
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/**
 * Parses input with a zod schema; problems become a ValidationError with one message per field.
 * A field left empty is "required", whatever rule its value then broke (a minimum, a character
 * set): that is what the person filling the form needs to hear.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || '_';
    const value = issue.path.length ? valueAt(input, issue.path) : input;
    const empty = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
    fields[field] ??= empty && !/required/.test(issue.message) ? 'required' : issue.message;
  }
  throw new ValidationError(fields);
}
