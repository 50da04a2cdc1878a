// Depth of an operation's selection, fragments followed. Introspection (__schema, __type) is not counted: the
// standard introspection query that Apollo Sandbox and Studio send is ~13 levels deep and must keep working.
import { type DocumentNode, type FragmentDefinitionNode, getOperationAST, Kind, type SelectionSetNode } from 'graphql';

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

export function operationDepth(document: DocumentNode, operationName?: string | null): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const depthOf = (set: SelectionSetNode, level: number, seen: Set<string>): number => {
    let max = level - 1;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (INTROSPECTION_ROOTS.has(sel.name.value)) continue;
        max = Math.max(max, sel.selectionSet ? depthOf(sel.selectionSet, level + 1, seen) : level);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(sel.selectionSet, level, seen));
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        // A fragment cycle is a validation error; never loop on one.
        if (!fragment || seen.has(name)) continue;
        max = Math.max(max, depthOf(fragment.selectionSet, level, new Set(seen).add(name)));
      }
    }
    return max;
  };
  return Math.max(0, depthOf(operation.selectionSet, 1, new Set()));
}
