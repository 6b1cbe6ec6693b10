import type { LockfileInput, LockfileProblem, ParsedLockfile } from '../types.js';

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * pip requirements files. pip's format is line-based and has no maintained JS
 * parser; we follow pip's own rules (continuations, comments, markers, options,
 * `-r` includes) and take a version only from a single exact or bounding specifier,
 * as osv-scanner does, leaving it empty when the line allows many versions.
 */
export function parseRequirements(input: LockfileInput): ParsedLockfile {
  const out: ParsedLockfile & { problems: LockfileProblem[]; warnings: string[] } = { packages: [], problems: [], warnings: [] };
  collect(input, new Set([input.file]), out);
  return out;
}

/** Lines pip installs from somewhere other than an index: paths, URLs, `name @ url`. Not ours to match, not junk. */
function notFromAnIndex(spec: string): boolean {
  return /^[./~]|:\/\/|^[A-Za-z]:\\/.test(spec) || /\s@\s|^[^=<>!~]*@/.test(spec);
}

/**
 * One file's lines. Includes (`-r`, and `-c` constraints files, which pin versions the same
 * way) resolve against the file that names them, as pip does; their entries keep the file and
 * line they are written on.
 */
function collect(input: LockfileInput, seen: Set<string>, out: ParsedLockfile & { problems: LockfileProblem[]; warnings: string[] }, top = true): void {
  const raw = input.text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    let line = raw[i]!;
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + ' ' + raw[++i]!;
    if (line.endsWith('\\')) line = line.slice(0, -1);
    line = line.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('-')) {
      const include = /^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/.exec(line);
      if (include && input.readInclude) {
        const nested = input.readInclude(include[1]!, input.file);
        if (!nested) out.warnings.push(`${input.file}:${lineNo}: the included file ${include[1]} does not exist; its requirements were not scanned`);
        else if (!seen.has(nested.file)) {
          seen.add(nested.file);
          collect({ ...input, file: nested.file, text: nested.text }, seen, out, false);
        }
      }
      continue;
    }
    const pkg = parseRequirementLine(line);
    if (pkg) out.packages.push({ ecosystem: 'PyPI', name: pkg.name, version: pkg.version, direct: true, dev: false, line: lineNo, ...(top ? {} : { file: input.file }) });
    else if (!notFromAnIndex(line) && !line.includes('${')) out.problems.push({ file: input.file, line: lineNo, reason: `not a requirement: ${JSON.stringify(line.slice(0, 60))}` });
  }
}

/** One requirement specifier → name and version ('' when not pinned to one), or undefined when it names no index package. */
export function parseRequirementLine(line: string): { name: string; version: string } | undefined {
  let spec = line;
  const marker = spec.indexOf(';');
  if (marker !== -1) spec = spec.slice(0, marker);
  // Per-requirement options (`--hash=…`, `-C …`) start at the first whitespace-led dash.
  const option = /\s-/.exec(spec);
  if (option) spec = spec.slice(0, option.index);
  spec = spec.trim();
  if (notFromAnIndex(spec)) return undefined;
  const m = /^([^\s[=<>!~]+)\s*(?:\[[^\]]*\])?\s*(.*)$/.exec(spec);
  if (!m || !NAME.test(m[1]!)) return undefined;
  const name = m[1]!;
  const constraints = m[2]!.trim();
  if (constraints === '') return { name, version: '' };
  const parts = constraints.split(',').map((c) => c.trim());
  if (parts.length > 1) return { name, version: '' };
  const c = /^(===|==|>=|<=|~=|!=|>|<)\s*(.*)$/.exec(parts[0]!);
  if (!c) return { name, version: '' };
  const version = c[2]!.trim();
  if (version === '' || version.includes('${')) return undefined;
  if (c[1] === '!=' || c[1] === '>' || c[1] === '<' || version.includes('*')) return { name, version: '' };
  return { name, version };
}
