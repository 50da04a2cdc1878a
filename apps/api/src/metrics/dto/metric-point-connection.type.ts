import { type Connection, ConnectionType } from '../../graphql/connection.type';
import { MetricPointType } from './metric-point.type';

export const MetricPointConnection = ConnectionType(MetricPointType, 'MetricPointConnection');
export type MetricPointConnection = Connection<MetricPointType>;
