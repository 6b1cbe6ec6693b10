import { CORE_SCHEMA, load } from 'js-yaml';
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

/** One YAML document of a stream and the 1-based line it starts on. */
interface DocumentChunk {
  text: string;
  line: number;
}

/**
 * Splits a stream at its document markers (`---` and `...` at column 0, as YAML defines them:
 * a marker at column 0 ends even a block scalar). The text after `---` on the same line stays
 * in the new document (`--- {a: 1}`).
 */
function splitDocuments(text: string): DocumentChunk[] {
  const chunks: DocumentChunk[] = [];
  const lines = text.split('\n');
  let current: string[] = [];
  let startLine = 1;
  const flush = () => {
    if (current.some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) chunks.push({ text: current.join('\n'), line: startLine });
    current = [];
  };
  lines.forEach((raw, i) => {
    if (/^---(\s|$)/.test(raw)) {
      flush();
      startLine = i + 1;
      current.push(raw.slice(3));
    } else if (/^\.\.\.(\s|$)/.test(raw)) {
      flush();
      startLine = i + 2;
    } else {
      if (current.length === 0) startLine = i + 1;
      current.push(raw);
    }
  });
  flush();
  return chunks;
}

/**
 * Splits a multi-document YAML (or JSON) stream into Kubernetes objects. `kind: List`
 * (and `*List`) documents are expanded into their items, as kubectl and kubeconform do.
 * js-yaml with the YAML 1.2 core schema (no Date or binary types); aliases are shared, not
 * copied, and the walk that follows has a node budget, so an alias bomb fails instead of
 * exhausting memory.
 */
export function parseManifests(text: string, path: string, options: ParseOptions = {}): ParsedStream {
  const manifests: Manifest[] = [];
  const problems: ManifestProblem[] = [];
  for (const chunk of splitDocuments(text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'))) {
    let value: unknown;
    try {
      // json: true lets a later duplicate key win (kubeconform's non-strict mode); otherwise a duplicate is an error.
      value = load(chunk.text, { schema: CORE_SCHEMA, json: options.rejectDuplicateKeys !== true, filename: path });
    } catch (error) {
      const e = error as { reason?: string; mark?: { line?: number }; message?: string };
      const at = chunk.line + (e.mark?.line ?? 0);
      const duplicate = /duplicated mapping key/.test(e.reason ?? '');
      problems.push({ path, line: at, reason: duplicate ? 'duplicate-key' : 'yaml-syntax', message: duplicate ? `duplicate key: ${firstLine(e.reason ?? '')}` : `invalid YAML: ${firstLine(e.reason ?? e.message ?? String(error))}` });
      continue;
    }
    if (value === null || value === undefined) continue; // empty document or only comments
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ path, line: chunk.line, reason: 'not-an-object', message: 'document is not a mapping' });
      continue;
    }
    let object: Record<string, unknown>;
    try {
      object = stripNulls(value, { left: MAX_NODES }) as Record<string, unknown>;
    } catch {
      problems.push({ path, line: chunk.line, reason: 'yaml-syntax', message: `invalid YAML: document expands to more than ${MAX_NODES} nodes (aliases?)` });
      continue;
    }
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      for (const item of object.items) addObject(item, path, chunk.line, manifests, problems);
      continue;
    }
    addObject(object, path, chunk.line, manifests, problems);
  }
  return { manifests, problems };
}

/** More nodes than any real manifest has; a document past it is refused. */
const MAX_NODES = 1_000_000;

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

/** Removes `key: null` (and null list entries' keys), which Kubernetes treats as absent. */
export function stripNulls(value: unknown, budget: { left: number } = { left: MAX_NODES }): unknown {
  if (--budget.left < 0) throw new Error('too many nodes');
  if (Array.isArray(value)) return value.map((v) => stripNulls(v, budget));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = stripNulls(v, budget);
    return out;
  }
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
