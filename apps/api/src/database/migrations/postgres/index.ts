// PostgreSQL migrations, in order (features append theirs; generated files are committed and never edited after landing).
export const POSTGRES_MIGRATIONS: Function[] = [];
