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
}

export interface ParsedLockfile {
  packages: Package[];
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
  /** Reads a file the lockfile includes (requirements' `-r other.txt`), relative to the lockfile; undefined when absent. */
  readInclude?: (relativePath: string) => { file: string; text: string } | undefined;
}
