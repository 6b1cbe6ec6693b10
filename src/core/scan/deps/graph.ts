/**
 * Turns a lockfile's dependency graph into the two facts a report needs per
 * package: is it direct, and which chain pulls it in. Shortest chain wins (BFS)
 * because that is the one a user most easily acts on.
 */

export interface GraphNode {
  /** Display name used in chains. */
  name: string;
  /** Ids of the nodes this one depends on. */
  deps: string[];
}

export interface Reach {
  direct: boolean;
  /** Names from the direct dependency down to the parent; [] for a direct dependency. */
  path: string[];
}

/** BFS from the project's own dependencies; unreachable nodes are absent from the result. */
export function reachFromRoots(nodes: Map<string, GraphNode>, roots: Iterable<string>): Map<string, Reach> {
  const result = new Map<string, Reach>();
  const queue: string[] = [];
  for (const id of roots) {
    if (!nodes.has(id) || result.has(id)) continue;
    result.set(id, { direct: true, path: [] });
    queue.push(id);
  }
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    const node = nodes.get(id)!;
    const here = result.get(id)!;
    for (const dep of node.deps) {
      if (result.has(dep) || !nodes.has(dep)) continue;
      // slice + push, not spread: spread goes through the iterator protocol, slow before the JIT warms up.
      const path = here.path.slice();
      path.push(node.name);
      result.set(dep, { direct: false, path });
      queue.push(dep);
    }
  }
  return result;
}

/** Nodes no other node depends on: the best guess of the direct dependencies when the lockfile does not list them. */
export function unreferencedNodes(nodes: Map<string, GraphNode>): string[] {
  const referenced = new Set<string>();
  for (const node of nodes.values()) for (const dep of node.deps) if (dep !== undefined) referenced.add(dep);
  return [...nodes.keys()].filter((id) => !referenced.has(id));
}

/** Finds the line of each `"key": {` / `"key": [` in a pretty-printed JSON file, in document order. */
export function jsonKeyLines(text: string): Map<string, number[]> {
  const lines = new Map<string, number[]>();
  const pattern = /^[ \t]*"((?:[^"\\]|\\.)*)"\s*:\s*[[{]/gm;
  let lineNo = 1;
  let lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    lineNo += countNewlines(text, lastIndex, match.index);
    lastIndex = match.index;
    const key = match[1]!;
    const list = lines.get(key);
    if (list) list.push(lineNo);
    else lines.set(key, [lineNo]);
  }
  return lines;
}

export function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Line numbers of every line matching `pattern` (anchored per line), in order. */
export function matchingLines(text: string, pattern: RegExp): number[] {
  const out: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (pattern.test(lines[i]!)) out.push(i + 1);
  return out;
}
