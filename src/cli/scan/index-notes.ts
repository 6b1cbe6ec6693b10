/** What the scan commands tell a person while an advisory index of an older format is rebuilt (stderr). */
export function migrationNote(fromVersion: number): string {
  return `Upgrading the advisory database from format ${fromVersion} (once; this takes a few seconds)…`;
}
