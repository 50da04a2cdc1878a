// The one uuid check: ids are uuids, and PostgreSQL refuses anything else in a uuid column, so malformed ids are
// filtered or refused before a query.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID.test(s);
