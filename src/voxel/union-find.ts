/**
 * Root of element i in a disjoint-set forest stored as parent indices (a root is its own parent),
 * with path halving: every other node on the way is re-pointed to its grandparent, so later finds
 * are short. A plain function on a typed array, cheap enough to call per voxel.
 *
 * @param parent parent index per element; modified (paths shortened).
 * @returns the root index.
 * @example
 *   const parent = Int32Array.from([0, 0, 1]);
 *   findRoot(parent, 2); // 0, and parent[2] is now 0
 */
export function findRoot(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]!]!;
    parent[i] = g;
    i = g;
  }
  return i;
}
