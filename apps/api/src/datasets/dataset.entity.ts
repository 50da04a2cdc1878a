import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';
import type { DatasetCounts, DatasetFormat } from './dataset-format';

/** One registered dataset version; its files live in the artifact store as `_datasets/<digest>.tar`. */
@Entity({ name: 'datasets' })
export class DatasetEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 256 })
  name: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 64 })
  digest: string;

  @Column({ type: 'varchar', length: 8 })
  format: DatasetFormat;

  @Column({ name: 'class_names', type: 'simple-json' })
  classNames: string[];

  @Column({ type: 'simple-json' })
  counts: DatasetCounts;

  /** Relative POSIX paths inside the archive. */
  @Column({ name: 'images_dir', type: 'varchar', length: 1024 })
  imagesDir: string;

  @Column({ name: 'labels_dir', type: 'varchar', length: 1024, nullable: true })
  labelsDir: string | null;

  @Column({ name: 'annotations_path', type: 'varchar', length: 1024, nullable: true })
  annotationsPath: string | null;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: epochMs })
  sizeBytes: number;

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
