import { LineCounter, parseAllDocuments } from 'yaml';
import { CircleError } from '../errors.js';

/** One Kubernetes object read from a YAML or JSON stream, with where it came from. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  /** The object as plain data, `null` values removed (the API server treats them as absent). */
  object: Record<string, unknown>;
  /** Path of the file (relative to the report root) or `<stdin>`/`<rendered:env>`. */
  path: string;
  /** 1-based line of the document (or List item) in the file. */
  line: number;
}

/** A document that could not become a Manifest: bad YAML, no kind, duplicate keys. */
export interface ManifestProblem {
  path: string;
  line: number;
  /** `yaml-syntax`, `duplicate-key`, `missing-kind`, `missing-api-version`, `not-an-object`. */
  reason: 'yaml-syntax' | 'duplicate-key' | 'missing-kind' | 'missing-api-version' | 'not-an-object';
  message: string;
}

export interface ParsedStream {
  manifests: Manifest[];
  problems: ManifestProblem[];
}

export interface ParseOptions {
  /** Reject duplicate mapping keys (kubeconform -strict); otherwise the last one wins. */
  rejectDuplicateKeys?: boolean;
}

/**
 * Splits a multi-document YAML (or JSON) stream into Kubernetes objects. `kind: List`
 * (and `*List`) documents are expanded into their items, as kubectl and kubeconform do.
 * Aliases are capped by the yaml library's default (100), so a billion-laughs file fails
 * instead of exhausting memory.
 */
export function parseManifests(text: string, path: string, options: ParseOptions = {}): ParsedStream {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { uniqueKeys: options.rejectDuplicateKeys === true, lineCounter, prettyErrors: false });
  const manifests: Manifest[] = [];
  const problems: ManifestProblem[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    if (doc.errors.length > 0) {
      const error = doc.errors[0]!;
      const at = lineCounter.linePos(error.pos[0]).line;
      const duplicate = error.code === 'DUPLICATE_KEY';
      problems.push({ path, line: at, reason: duplicate ? 'duplicate-key' : 'yaml-syntax', message: duplicate ? `duplicate key: ${firstLine(error.message)}` : `invalid YAML: ${firstLine(error.message)}` });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push({ path, line, reason: 'yaml-syntax', message: `invalid YAML: ${firstLine(error instanceof Error ? error.message : String(error))}` });
      continue;
    }
    if (value === null || value === undefined) continue; // empty document or only comments
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ path, line, reason: 'not-an-object', message: 'document is not a mapping' });
      continue;
    }
    const object = stripNulls(value) as Record<string, unknown>;
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      const items = (doc.contents as { items?: { items?: unknown[] }[] } | null) ?? null;
      const itemNodes = findItemNodes(items);
      object.items.forEach((item, index) => {
        const node = itemNodes[index] as { range?: [number, number, number] } | undefined;
        const itemLine = node?.range ? lineCounter.linePos(node.range[0]).line : line;
        addObject(item, path, itemLine, manifests, problems);
      });
      continue;
    }
    addObject(object, path, line, manifests, problems);
  }
  return { manifests, problems };
}

function addObject(value: unknown, path: string, line: number, manifests: Manifest[], problems: ManifestProblem[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ path, line, reason: 'not-an-object', message: 'list item is not a mapping' });
    return;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.kind !== 'string' || object.kind === '') {
    problems.push({ path, line, reason: 'missing-kind', message: "missing 'kind' key" });
    return;
  }
  if (typeof object.apiVersion !== 'string' || object.apiVersion === '') {
    problems.push({ path, line, reason: 'missing-api-version', message: "missing 'apiVersion' key" });
    return;
  }
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? metadata.generateName : '';
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  manifests.push({ apiVersion: object.apiVersion, kind: object.kind, name, namespace, object, path, line });
}

/** The YAML nodes of a List's `items`, to give each item its own line. */
function findItemNodes(root: { items?: unknown[] } | null): unknown[] {
  const pairs = (root?.items ?? []) as { key?: { value?: unknown }; value?: { items?: unknown[] } }[];
  const pair = pairs.find((p) => p.key?.value === 'items');
  return pair?.value?.items ?? [];
}

/** Removes `key: null` (and null list entries' keys), which Kubernetes treats as absent. */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = stripNulls(v);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.slice(0, 200);
}

/** Reads manifests from files given on the command line (no directory walking beyond *.yaml/*.yml/*.json). */
export async function readManifestFiles(files: string[], root: string, options: ParseOptions = {}): Promise<ParsedStream> {
  const { readFile, readdir, stat } = await import('node:fs/promises');
  const { join, relative } = await import('node:path');
  const out: ParsedStream = { manifests: [], problems: [] };
  const expand = async (file: string): Promise<string[]> => {
    const st = await stat(file).catch(() => undefined);
    if (!st) throw new CircleError('NOT_FOUND', `No such file: ${file}`);
    if (!st.isDirectory()) return [file];
    const entries = (await readdir(file, { recursive: true })).filter((e) => /\.(ya?ml|json)$/i.test(e)).sort();
    return entries.map((e) => join(file, e));
  };
  for (const file of files) {
    for (const f of await expand(file)) {
      const text = await readFile(f, 'utf8');
      const rel = relative(root, f).split('\\').join('/') || f;
      const parsed = parseManifests(text, rel, options);
      out.manifests.push(...parsed.manifests);
      out.problems.push(...parsed.problems);
    }
  }
  return out;
}
