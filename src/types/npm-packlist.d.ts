// npm-packlist ships no types. It reads only these fields of the arborist tree it is given.
declare module 'npm-packlist' {
  interface PacklistTree {
    path: string;
    package: Record<string, unknown>;
    isProjectRoot: boolean;
    edgesOut: Map<string, unknown>;
    workspaces?: Map<string, string>;
  }
  function packlist(tree: PacklistTree, options?: { path?: string }): Promise<string[]>;
  export default packlist;
}
