// Every TypeORM entity of the api, listed once (features append theirs here).
export const ENTITIES: Function[] = [];
