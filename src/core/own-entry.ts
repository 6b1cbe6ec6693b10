/**
 * The entry `key` of a record parsed from a state file, or undefined. Never a
 * property that every object inherits (`constructor`, `toString`, `__proto__`,
 * …): a name typed by a user may spell one, and `record[key]` would then hand
 * back a built-in function instead of "no such entry".
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
