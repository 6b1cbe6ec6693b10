import { reachFromRoots, unreferencedNodes, type GraphNode } from '../graph.js';
import type { LockfileInput, LockfileProblem, Package, ParsedLockfile } from '../types.js';

/**
 * Gemfile.lock. Bundler's lockfile is an indentation format with no maintained
 * JS parser; its grammar is small: sections (GEM/GIT/PATH) with `specs:` at
 * depth 2, gems `name (version)` at depth 4, their dependencies at depth 6, and
 * a DEPENDENCIES section naming the direct gems.
 */
export function parseGemfileLock(input: LockfileInput): ParsedLockfile {
  const lines = input.text.split(/\r?\n/);
  const gems: { name: string; version: string; line: number; deps: string[] }[] = [];
  const direct = new Set<string>();
  const problems: LockfileProblem[] = [];
  let section = '';
  let inSpecs = false;
  let current: (typeof gems)[number] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      section = line.trim();
      inSpecs = false;
      current = undefined;
      continue;
    }
    if (section === 'DEPENDENCIES') {
      const m = /^ {2}(\S+?)!?(?:\s|$)/.exec(line);
      if (m) direct.add(m[1]!);
      continue;
    }
    if (section !== 'GEM' && section !== 'GIT' && section !== 'PATH' && section !== 'PLUGIN SOURCE') continue;
    if (/^ {2}specs:\s*$/.test(line)) {
      inSpecs = true;
      continue;
    }
    if (/^ {2}\S/.test(line)) {
      inSpecs = false;
      continue;
    }
    if (!inSpecs) continue;
    const gem = /^ {4}(\S+) \(([^)]+)\)\s*$/.exec(line);
    if (gem) {
      // `1.13.3-x86_64-linux`: the platform is not part of the version advisories speak of.
      const version = gem[2]!.split('-')[0]!;
      current = { name: gem[1]!, version, line: i + 1, deps: [] };
      gems.push(current);
      continue;
    }
    const dep = /^ {6}(\S+)/.exec(line);
    if (dep && current) current.deps.push(dep[1]!);
    else {
      // A spec Bundler would not write (`rails (`, `nokogiri 1.2`, odd indentation): say where, match nothing.
      if (/^ {4}\S/.test(line)) current = undefined;
      if (!dep) problems.push({ file: input.file, line: i + 1, reason: `not a gem entry: ${JSON.stringify(line.trim().slice(0, 60))}` });
    }
  }
  const nodes = new Map<string, GraphNode>();
  for (const g of gems) if (!nodes.has(g.name)) nodes.set(g.name, { name: g.name, deps: g.deps });
  const reach = reachFromRoots(nodes, direct.size > 0 ? direct : unreferencedNodes(nodes));
  return {
    packages: gems.map((g) => {
      const r = reach.get(g.name);
      return { ecosystem: 'RubyGems', name: g.name, version: g.version, direct: r?.direct ?? false, dev: false, line: g.line, ...(r && !r.direct ? { path: r.path } : {}) } satisfies Package;
    }),
    ...(problems.length > 0 ? { problems } : {}),
  };
}
