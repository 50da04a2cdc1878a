// The abuse limits applied to every GraphQL operation, over HTTP (Apollo plugin) and graphql-ws (onSubscribe) alike.
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { type DocumentNode, getOperationAST, type GraphQLSchema } from 'graphql';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../core/core.module';
import type { Identity } from '../roles';
import { LimitError } from './limit-error';
import { operationComplexity } from './query-complexity';
import { operationDepth } from './query-depth';
import { MutationRateLimiter } from './rate-limiter';

export interface OperationToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  identity: Identity | null;
}

@Injectable()
export class OperationLimits implements OnApplicationShutdown {
  private readonly mutations: MutationRateLimiter;
  private readonly redis?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'maxQueryDepth' | 'maxQueryComplexity' | 'mutationRateLimitPerMinute' | 'redisUrl'>) {
    if (config.redisUrl) {
      // Its own connection: no offline queue, so a Redis outage answers at once (from the insurance limiter).
      this.redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      const logger = new Logger('RateLimit');
      let lastProblem = '';
      this.redis.on('error', (e: Error) => {
        if (e.message !== lastProblem) logger.warn(`Redis: ${e.message}; counting mutations in memory meanwhile`);
        lastProblem = e.message;
      });
      this.redis.on('ready', () => (lastProblem = ''));
    }
    this.mutations = new MutationRateLimiter(config.mutationRateLimitPerMinute, this.redis);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  /** Throws a LimitError (QUERY_TOO_DEEP, QUERY_TOO_COMPLEX, RATE_LIMITED); cheap checks first, the budget last. */
  async check(op: OperationToCheck): Promise<void> {
    const depth = operationDepth(op.document, op.operationName);
    const maxDepth = this.config.maxQueryDepth;
    if (depth > maxDepth) throw new LimitError('QUERY_TOO_DEEP', `Query depth ${depth} exceeds the limit of ${maxDepth} (PODIUM_MAX_QUERY_DEPTH)`, { depth, maxDepth });

    const operation = getOperationAST(op.document, op.operationName ?? undefined);
    // Mutations are bounded by the rate limit; scoring them would coerce their (large: 1,000 metric points) input
    // variables a second time on the ingest hot path.
    let complexity = 0;
    if (operation?.operation !== 'mutation') {
      try {
        complexity = operationComplexity(op.schema, op.document, op.operationName, op.variables);
      } catch (e) {
        // Bad variable values are the caller's input error: execution reports them as BAD_USER_INPUT.
        if (/^Variable "\$/.test((e as Error).message)) complexity = 0;
        // getComplexity refuses documents with too many nodes; that is the same verdict.
        else throw new LimitError('QUERY_TOO_COMPLEX', `Query complexity could not be bounded: ${(e as Error).message}`, { maxComplexity: this.config.maxQueryComplexity });
      }
    }
    const maxComplexity = this.config.maxQueryComplexity;
    if (complexity > maxComplexity) {
      throw new LimitError(
        'QUERY_TOO_COMPLEX',
        `Query complexity ${complexity} exceeds the limit of ${maxComplexity} (PODIUM_MAX_QUERY_COMPLEXITY); ask for smaller pages (first) or fewer nested lists`,
        { complexity, maxComplexity },
      );
    }

    // Unauthenticated mutations are refused by the auth checker; they cannot drain anyone's bucket.
    if (operation?.operation !== 'mutation' || !op.identity) return;
    await this.takeWrite(op.identity);
  }

  /**
   * Takes one write from the caller's budget (GraphQL mutations and the MLflow routes' writes share it, on every
   * replica when REDIS_URL is set); throws RATE_LIMITED with the seconds to wait when it is spent.
   */
  async takeWrite(identity: Identity): Promise<void> {
    const taken = await this.mutations.take(identity.tokenId ?? identity.name);
    if (!taken.ok) {
      const retryAfterSeconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      const limit = this.config.mutationRateLimitPerMinute;
      throw new LimitError(
        'RATE_LIMITED',
        `Mutation rate limit of ${limit} per minute exceeded for "${identity.name}"; retry in ${retryAfterSeconds} s`,
        { limitPerMinute: limit, retryAfterSeconds },
        { 'retry-after': String(retryAfterSeconds) },
      );
    }
  }
}
