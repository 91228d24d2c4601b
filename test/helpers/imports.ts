const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

/** The import specifiers of one source text (static, side-effect and dynamic imports). */
export function specifiers(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1]!);
}
