import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

export interface SelectedField {
  readonly name: string;
  readonly selectionSet: SelectionSetNode | undefined;
}

/** The fields selected in `set`, through inline fragments and named fragment spreads, each with its own selection. */
export function selectedFields(info: GraphQLResolveInfo, set: SelectionSetNode | undefined): SelectedField[] {
  const out: SelectedField[] = [];
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) out.push({ name: s.name.value, selectionSet: s.selectionSet });
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...selectedFields(info, s.selectionSet));
    else out.push(...selectedFields(info, info.fragments[s.name.value]?.selectionSet));
  }
  return out;
}

/** The fields the resolved field selects (all of its occurrences in the operation). */
export function fieldsOfResolvedField(info: GraphQLResolveInfo): SelectedField[] {
  return info.fieldNodes.flatMap((n) => selectedFields(info, n.selectionSet));
}
