/**
 * The package model every lockfile parser produces, so that discovery, matching
 * and reporting never need to know which lockfile a package came from.
 */

/** OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field). */
export const ECOSYSTEMS = ['npm', 'PyPI', 'crates.io', 'Go', 'RubyGems', 'Packagist'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export interface Package {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** Declared by the project itself rather than pulled in by another package. */
  direct: boolean;
  /** Only needed for development (devDependencies, dev groups). */
  dev: boolean;
  /** 1-based line of the package's entry in its lockfile (1 when unknown). */
  line: number;
  /** The git commit a package was installed from, when it came from a repository rather than a registry. */
  commit?: string;
  /** The chain of package names that pulls this one in, from a direct dependency down to its parent; absent when unknown. */
  path?: string[];
  /** The file the entry is written in, when not the lockfile itself (a requirements file's `-r` include). */
  file?: string;
}

/** A line the parser could not read as an entry: reported with its place, never guessed at. */
export interface LockfileProblem {
  file: string;
  line: number;
  reason: string;
}

export interface ParsedLockfile {
  packages: Package[];
  /** Lines that are not entries of the format (junk, a broken entry): skipped, and reported. */
  problems?: LockfileProblem[];
  /** Other things the user should know (a missing `-r` include). */
  warnings?: string[];
}

export type LockfileKind =
  | 'package-lock'
  | 'yarn-lock'
  | 'pnpm-lock'
  | 'bun-lock'
  | 'requirements'
  | 'poetry-lock'
  | 'pipfile-lock'
  | 'uv-lock'
  | 'cargo-lock'
  | 'go-mod'
  | 'gemfile-lock'
  | 'composer-lock';

/** A lockfile's text plus the context some formats need (a sibling manifest). */
export interface LockfileInput {
  /** Path used in messages and locations. */
  file: string;
  text: string;
  /** A sibling manifest's text when the lockfile itself does not say which packages are direct (yarn.lock → package.json). */
  manifest?: string;
  /**
   * Reads a file the lockfile includes (requirements' `-r other.txt`), relative to the file that
   * includes it (`from`, a `file` this function returned, or the lockfile's); undefined when absent.
   */
  readInclude?: (relativePath: string, from?: string) => { file: string; text: string } | undefined;
}
