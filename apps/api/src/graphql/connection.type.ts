// The one list shape (CONTRIBUTING.md rule 8): { nodes, pageInfo { endCursor, hasNextPage }, totalCount }.
import { type ClassType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType()
export class PageInfo {
  @Field(() => String, { nullable: true })
  endCursor: string | null;

  @Field()
  hasNextPage: boolean;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

export function ConnectionType<T extends object>(item: ClassType<T>, name: string): ClassType<Connection<T>> {
  @ObjectType(name)
  class ConnectionClass implements Connection<T> {
    @Field(() => [item])
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int)
    totalCount: number;
  }
  return ConnectionClass;
}

export function connection<T>(nodes: T[], totalCount: number, endCursor: string | null, hasNextPage: boolean): Connection<T> {
  return { nodes, totalCount, pageInfo: { endCursor, hasNextPage } };
}
