import { malformedLockfile } from '../errors.js';
import type { LockfileInput, LockfileProblem, Package, ParsedLockfile } from '../types.js';

/** A module version as go.mod writes it: semver with its `v` (v1.2.3, v0.0.0-2021…-abcdef, v2.0.0+incompatible). */
const MODULE_VERSION = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** A module path: no spaces, quotes or control characters (https://go.dev/ref/mod#go-mod-file-ident). */
const MODULE_PATH = /^[A-Za-z0-9][A-Za-z0-9._~\/+-]*$/;

const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'require', 'replace', 'exclude', 'retract', 'godebug', 'tool', 'ignore']);

interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
  line: number;
}

/**
 * go.mod. There is no maintained JS parser for it; the grammar is a handful of
 * line directives (https://go.dev/ref/mod#go-mod-file-grammar), read here with
 * `replace` applied, `// indirect` as transitive, and the Go toolchain as `stdlib`.
 */
export function parseGoMod(input: LockfileInput): ParsedLockfile {
  const requires: Requirement[] = [];
  const problems: LockfileProblem[] = [];
  const replaces: { from: string; fromVersion?: string; to: string; toVersion: string }[] = [];
  let goVersion: { version: string; line: number } | undefined;
  let toolchain: { version: string; line: number } | undefined;
  let block: string | undefined;
  const lines = input.text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const rawLine = lines[i]!;
    const comment = rawLine.indexOf('//');
    const indirect = comment !== -1 && /^\/\/\s*indirect\b/.test(rawLine.slice(comment));
    const line = (comment === -1 ? rawLine : rawLine.slice(0, comment)).trim();
    if (line === '') continue;
    let words: string[];
    let directive: string;
    if (block !== undefined) {
      if (line === ')') {
        block = undefined;
        continue;
      }
      directive = block;
      words = line.split(/\s+/);
    } else {
      const parts = line.split(/\s+/);
      directive = parts[0]!;
      if (!DIRECTIVES.has(directive)) throw malformedLockfile(input.file, `unknown directive "${directive}"`, lineNo);
      words = parts.slice(1);
      if (words[0] === '(') {
        block = directive;
        continue;
      }
    }
    if (directive === 'go' && words[0]) goVersion = { version: words[0], line: lineNo };
    else if (directive === 'toolchain' && words[0]) {
      const m = /^go(\d+(?:\.\d+)*)/.exec(words[0]);
      if (m) toolchain = { version: m[1]!, line: lineNo };
    } else if (directive === 'require') {
      if (words.length < 2) throw malformedLockfile(input.file, 'require needs a module path and a version', lineNo);
      const path = unquote(words[0]!);
      // Junk in a require block must not become a package named after its first word.
      if (words.length !== 2 || !MODULE_PATH.test(path) || !MODULE_VERSION.test(words[1]!)) {
        problems.push({ file: input.file, line: lineNo, reason: `not a module requirement: ${JSON.stringify(line.slice(0, 80))}` });
        continue;
      }
      requires.push({ path, version: words[1]!, indirect, line: lineNo });
    } else if (directive === 'replace') {
      const arrow = words.indexOf('=>');
      if (arrow < 1 || arrow === words.length - 1) throw malformedLockfile(input.file, 'replace needs `old => new`', lineNo);
      const fromVersion = arrow === 2 ? words[1]! : undefined;
      replaces.push({ from: unquote(words[0]!), ...(fromVersion ? { fromVersion } : {}), to: unquote(words[arrow + 1]!), toVersion: words[arrow + 2] ?? '' });
    }
  }
  const packages: Package[] = requires.map((req) => {
    const rep = replaces.find((r) => r.from === req.path && r.fromVersion === req.version) ?? replaces.find((r) => r.from === req.path && r.fromVersion === undefined);
    const name = rep ? rep.to : req.path;
    const version = rep ? (rep.toVersion || (isLocalPath(rep.to) ? '' : req.version)) : req.version;
    return { ecosystem: 'Go', name, version, direct: !req.indirect, dev: false, line: req.line };
  });
  const stdlib = toolchain ?? goVersion;
  if (stdlib) packages.push({ ecosystem: 'Go', name: 'stdlib', version: stdlib.version, direct: true, dev: false, line: stdlib.line });
  return { packages, ...(problems.length > 0 ? { problems } : {}) };
}

function unquote(path: string): string {
  return path.replace(/^"(.*)"$/, '$1').replace(/^`(.*)`$/, '$1');
}

function isLocalPath(path: string): boolean {
  return path.startsWith('./') || path.startsWith('../') || path.startsWith('/');
}
