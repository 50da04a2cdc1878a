import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';

/**
 * The answer of a committed logMetrics batch sent with an idempotency key, kept for a bounded time so a retry returns
 * it instead of storing the batch again. The batch's keys are not stored: they are the keys of its sequence range.
 */
@Entity({ name: 'metric_batch_receipts' })
@Index('idx_metric_batch_receipts_created', ['createdAt'])
export class MetricBatchReceiptEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 128 })
  idempotencyKey: string;

  /** sha256 (hex) of the batch as sent: a retry with other content under the same key is a CONFLICT. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ type: 'integer' })
  count: number;

  @Column({ name: 'first_sequence', type: 'integer' })
  firstSequence: number;

  @Column({ name: 'last_sequence', type: 'integer' })
  lastSequence: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
