import { Inject, Injectable } from '@nestjs/common';
import { Authorized, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/roles';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { dialectOf } from '../database/data-source';

@ObjectType({ description: 'What this Podium server runs on.' })
export class ServerInfo {
  @Field({ description: 'Podium version.' })
  version: string;

  @Field({ description: 'sqlite or postgres' })
  database: string;

  @Field({ description: 'memory or redis' })
  pubSub: string;

  @Field({ description: 'local, token or disabled' })
  authMode: string;
}

@Injectable()
@Resolver()
export class HealthResolver {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Authorized(Role.VIEWER)
  @Query(() => ServerInfo, { description: 'What this Podium server runs on.' })
  serverInfo(): ServerInfo {
    return { version: '0.1.0', database: dialectOf(this.config), pubSub: this.config.redisUrl ? 'redis' : 'memory', authMode: this.config.authMode };
  }
}
