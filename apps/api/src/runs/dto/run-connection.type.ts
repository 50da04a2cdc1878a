import { type Connection, ConnectionType } from '../../graphql/connection.type';
import { RunType } from './run.type';

export const RunConnection = ConnectionType(RunType, 'RunConnection');
export type RunConnection = Connection<RunType>;
