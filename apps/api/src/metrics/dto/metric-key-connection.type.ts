import { type Connection, ConnectionType } from '../../graphql/connection.type';
import { MetricKeyType } from './metric-key.type';

export const MetricKeyConnection = ConnectionType(MetricKeyType, 'MetricKeyConnection');
export type MetricKeyConnection = Connection<MetricKeyType>;
