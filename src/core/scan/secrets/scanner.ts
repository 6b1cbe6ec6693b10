import type { Authorizer } from '../../authz/authorizer.js';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScanFinding, ScanReport, ScanRule } from '../report/types.js';
import { SecretDetector } from './engine.js';
import { BUILTIN_RULES } from './rules/index.js';
import type { SecretRuleSpec } from './rules/types.js';
import { EMPTY_CONFIG, customRuleSpecs, type ScanSecretsConfig } from './config.js';
import { hasBinaryExtension, looksBinary } from './binary.js';
import { fingerprintOf, legacyFingerprintOf, redactSecret } from './redact.js';
import { historyChunks, stagedChunks } from './sources/diff.js';
import { walkTree } from './sources/tree.js';
import type { ScanChunk } from './sources/types.js';
import { CircleError } from '../../errors.js';
import { DEFAULT_POLICIES } from '../../config/sections/index.js';

export type ScanSecretsSource = 'tree' | 'staged' | 'git' | 'stdin';

export const DEFAULT_MAX_FILE_SIZE = DEFAULT_POLICIES.scan.secrets.maxFileSizeBytes;
const DEFAULT_CONCURRENCY = 16;

export interface ScanSecretsOptions {
  /**
   * The principal a scan runs for, when there is one (a server, a library user
   * holding an unlocked vault): its role must allow `scan.run`. The CLI scans
   * local files as the OS user and passes none.
   */
  authorizer?: Authorizer;
  /** Absolute scan root (the directory, or the git work tree for staged/git). */
  root: string;
  source: ScanSecretsSource;
  /** With source `git`: only commits after this revision. */
  since?: string;
  /** With source `stdin`: the text read. */
  stdinText?: string;
  config?: ScanSecretsConfig;
  /** Honour .gitignore in tree scans (default true). */
  gitignore?: boolean;
  maxFileSize?: number;
  /** The cap when neither `maxFileSize` nor the project scan file sets one: the `scan.secrets.maxFileSizeKiB` setting, in bytes. */
  defaultMaxFileSize?: number;
  concurrency?: number;
  /** Fingerprints to leave out of the report (a baseline). */
  baseline?: Set<string>;
  /** Put the unredacted secret in each finding's properties. */
  reveal?: boolean;
  /** Called now and then with running totals (for a spinner). */
  onProgress?: (stats: ScanProgress) => void;
}

export interface ScanProgress {
  files: number;
  bytes: number;
  findings: number;
}

/** The rules a scan runs: built-ins plus the config's custom rules, minus the disabled ones. */
export function activeRules(config: ScanSecretsConfig = EMPTY_CONFIG): SecretRuleSpec[] {
  const disabled = new Set(config.disable);
  const custom = customRuleSpecs(config);
  const customIds = new Set(custom.map((r) => r.id));
  return [...BUILTIN_RULES.filter((r) => !customIds.has(r.id)), ...custom].filter((r) => !disabled.has(r.id));
}

export function ruleDescriptors(rules: readonly SecretRuleSpec[]): ScanRule[] {
  return rules.map((r) => ({ id: r.id, title: r.title, ...(r.description === undefined ? {} : { description: r.description }), severity: r.severity ?? 'high' }));
}

/**
 * Paths where generic matches are nearly always sample data: tests, fixtures,
 * examples, docs folders, type declarations, lockfiles (integrity hashes).
 */
const FIXTURE_PATH =
  /(?:^|\/)(?:tests?|__tests__|__mocks__|__snapshots__|spec|fixtures?|testdata|examples?|samples?|docs?)\/|\.d\.[cm]?ts$|\.(?:test|spec)\.[a-z]+$|[._-]examples?\.[a-z]+$|(?:^|\/)test\.[a-z]+$|(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|go\.sum|poetry\.lock|composer\.lock|Gemfile\.lock)$/i;

export function isFixturePath(path: string): boolean {
  return FIXTURE_PATH.test(path);
}

class FindingCollector {
  readonly findings: ScanFinding[] = [];
  suppressed = 0;
  constructor(
    private readonly titles: Map<string, string>,
    private readonly baseline: Set<string> | undefined,
    private readonly reveal: boolean,
  ) {}

  add(chunk: ScanChunk, detector: SecretDetector, bytes?: Buffer): void {
    const scope = { providerRulesOnly: isFixturePath(chunk.path) };
    for (const m of bytes === undefined ? detector.detect(chunk.text, scope) : detector.detectBytes(bytes, scope)) {
      const line = chunk.firstLine + m.line - 1;
      const endLine = chunk.firstLine + m.endLine - 1;
      const fingerprint = fingerprintOf({ ruleId: m.ruleId, secret: m.secret });
      const legacy = () => legacyFingerprintOf({ ruleId: m.ruleId, path: chunk.path, line, ...(chunk.commit === undefined ? {} : { commit: chunk.commit }) });
      if (this.baseline !== undefined && (this.baseline.has(fingerprint) || this.baseline.has(legacy()))) {
        this.suppressed++;
        continue;
      }
      const redacted = redactSecret(m.secret, m.visiblePrefix);
      const where = chunk.commit === undefined ? '' : ` in commit ${chunk.commit.slice(0, 12)}`;
      this.findings.push({
        ruleId: m.ruleId,
        severity: m.severity,
        message: `${this.titles.get(m.ruleId) ?? m.ruleId}: ${this.reveal ? m.secret.split('\n')[0] : redacted}${where}`,
        location: { path: chunk.path, line, column: m.column, endLine, endColumn: m.endColumn },
        fingerprint,
        properties: {
          redacted,
          ...(this.reveal ? { secret: m.secret } : {}),
          ...(chunk.commit === undefined ? {} : { commit: chunk.commit, author: chunk.author, date: chunk.date }),
        },
      });
    }
  }
}

/**
 * Scans one source for leaked credentials. Findings carry only redacted secrets
 * unless `reveal` is set; the caller decides the exit code (any finding fails).
 */
export async function scanSecrets(options: ScanSecretsOptions): Promise<ScanReport> {
  await options.authorizer?.require('scan.run', options.root);
  const config = options.config ?? EMPTY_CONFIG;
  const rules = activeRules(config);
  const allowPatterns = config.allowlist.patterns.map((p) => new RegExp(p));
  const detector = new SecretDetector(rules, { allowPatterns });
  const collector = new FindingCollector(new Map(rules.map((r) => [r.id, r.title])), options.baseline, options.reveal === true);
  const warnings: string[] = [];
  const stats = { files: 0, bytes: 0, skippedBinary: 0, skippedLarge: 0, chunks: 0 };
  const started = Date.now();
  const progress = (): void => options.onProgress?.({ files: stats.files, bytes: stats.bytes, findings: collector.findings.length });

  switch (options.source) {
    case 'stdin': {
      const text = options.stdinText ?? '';
      stats.files = 1;
      stats.bytes = Buffer.byteLength(text);
      collector.add({ path: '<stdin>', text, firstLine: 1 }, detector);
      break;
    }
    case 'staged':
    case 'git': {
      const chunks = options.source === 'git' ? historyChunks(options.root, options.since) : stagedChunks(options.root);
      const { default: ignoreFactory } = await import('ignore');
      const excluded = (ignoreFactory as unknown as () => import('ignore').Ignore)().add(config.allowlist.paths);
      const seen = new Set<string>();
      for await (const chunk of chunks) {
        if (excluded.ignores(chunk.path) || hasBinaryExtension(chunk.path)) continue;
        stats.chunks++;
        const key = `${chunk.commit ?? ''}\u0000${chunk.path}`;
        if (!seen.has(key)) {
          seen.add(key);
          stats.files++;
        }
        stats.bytes += chunk.text.length;
        collector.add(chunk, detector);
        if (stats.chunks % 500 === 0) progress();
      }
      break;
    }
    case 'tree': {
      const maxSize = options.maxFileSize ?? config.maxFileSize ?? options.defaultMaxFileSize ?? DEFAULT_MAX_FILE_SIZE;
      const walker = walkTree(options.root, { gitignore: options.gitignore ?? true, excludes: config.allowlist.paths });
      await pool(walker, options.concurrency ?? DEFAULT_CONCURRENCY, async (rel) => {
        if (hasBinaryExtension(rel)) {
          stats.skippedBinary++;
          return;
        }
        const buf = await readBounded(join(options.root, rel), maxSize).catch((error: NodeJS.ErrnoException) => {
          warnings.push(`${rel}: cannot read (${error.code ?? error.message})`);
          return null;
        });
        if (buf === null) return;
        if (buf === 'too-large') {
          stats.skippedLarge++;
          return;
        }
        if (looksBinary(buf)) {
          stats.skippedBinary++;
          return;
        }
        stats.files++;
        stats.bytes += buf.length;
        collector.add({ path: rel, text: '', firstLine: 1 }, detector, buf);
        if (stats.files % 1000 === 0) progress();
      });
      break;
    }
    default:
      throw new CircleError('USAGE', `Unknown scan source ${String(options.source)}`);
  }
  progress();
  collector.findings.sort(
    (a, b) => a.location.path.localeCompare(b.location.path) || (a.location.line ?? 0) - (b.location.line ?? 0) || a.ruleId.localeCompare(b.ruleId),
  );
  return {
    scanner: 'secrets',
    root: options.root,
    rules: ruleDescriptors(rules),
    findings: collector.findings,
    warnings,
    stats: { ...stats, rules: rules.length, suppressedByBaseline: collector.suppressed, durationMs: Date.now() - started },
  };
}

/** Reads a whole file unless it is larger than `max` (decided from fstat, before reading). */
async function readBounded(file: string, max: number): Promise<Buffer | 'too-large'> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > max) return 'too-large';
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await handle.read(buf, off, size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return off === size ? buf : buf.subarray(0, off);
  } finally {
    await handle.close();
  }
}

/** Runs `work` over an async source with at most `limit` in flight. */
async function pool<T>(source: AsyncIterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const it = source[Symbol.asyncIterator]();
  let failure: unknown;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (failure !== undefined) return;
      const next = await it.next();
      if (next.done === true) return;
      try {
        await work(next.value);
      } catch (error) {
        failure = error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (failure !== undefined) throw failure;
}
