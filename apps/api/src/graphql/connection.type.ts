// The one list shape (CONTRIBUTING.md rule 8): { nodes, pageInfo { endCursor, hasNextPage }, totalCount }.
import { type ClassType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where a page ends and whether another follows.' })
export class PageInfo {
  @Field(() => String, { nullable: true, description: 'Opaque cursor of the last item: pass it as `after` to get the next page (null on an empty page).' })
  endCursor: string | null;

  @Field({ description: 'true when more items follow this page.' })
  hasNextPage: boolean;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

export function ConnectionType<T extends object>(item: ClassType<T>, name: string): ClassType<Connection<T>> {
  const itemName = name.replace(/Connection$/, '');
  @ObjectType(name, { description: `A page of ${itemName} items: nodes, pageInfo and totalCount.` })
  class ConnectionClass implements Connection<T> {
    @Field(() => [item], { description: "The items of this page, in the list's order." })
    nodes: T[];

    @Field(() => PageInfo, { description: "Cursor of this page's end and whether more follow." })
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'Items in the whole list (every page).' })
    totalCount: number;
  }
  return ConnectionClass;
}

export function connection<T>(nodes: T[], totalCount: number, endCursor: string | null, hasNextPage: boolean): Connection<T> {
  return { nodes, totalCount, pageInfo: { endCursor, hasNextPage } };
}
