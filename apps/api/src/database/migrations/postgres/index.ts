// PostgreSQL migrations, in order (features append theirs; generated files are committed and never edited after landing).
import { TrackingCore1795683300000 } from './1795683300000-TrackingCore';

export const POSTGRES_MIGRATIONS: Function[] = [
  TrackingCore1795683300000,
];
