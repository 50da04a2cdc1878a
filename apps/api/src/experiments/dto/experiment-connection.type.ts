import { type Connection, ConnectionType } from '../../graphql/connection.type';
import { ExperimentType } from './experiment.type';

export const ExperimentConnection = ConnectionType(ExperimentType, 'ExperimentConnection');
export type ExperimentConnection = Connection<ExperimentType>;
