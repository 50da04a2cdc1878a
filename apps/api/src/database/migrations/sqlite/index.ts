// SQLite migrations, in order (features append theirs; generated files are committed and never edited after landing).
export const SQLITE_MIGRATIONS: Function[] = [];
