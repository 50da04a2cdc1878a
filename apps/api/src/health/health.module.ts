// serverInfo: what the server runs on (no I/O).
import { FeatureModule } from '../core/feature-module';
import { HealthResolver } from './health.resolver';

@FeatureModule({ resolvers: [HealthResolver] })
export class HealthModule {}
