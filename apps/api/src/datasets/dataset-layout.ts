// What validation learns about a dataset folder: where its parts are, its class names and counts.
import { badInput } from '../common/app-error';
import type { DatasetCounts } from './dataset-format';
import { MAX_REPORTED_PROBLEMS } from './dataset-limits';

export interface DatasetLayout {
  imagesDir: string;
  labelsDir: string | null;
  annotationsPath: string | null;
  classNames: string[];
  counts: DatasetCounts;
}

/**
 * Problems found while validating (bad rows, bad images): the first few are kept as text (`file:line: reason`), the
 * rest only counted, so a file of ten million bad rows costs a counter, not ten million strings.
 */
export class ProblemList {
  readonly shown: string[] = [];
  count = 0;

  constructor(private readonly max = MAX_REPORTED_PROBLEMS) {}

  /** `describe` is only called for the problems that are shown. */
  add(describe: () => string): void {
    if (this.count++ < this.max) this.shown.push(describe());
  }

  /** Throws BAD_USER_INPUT `<what>: first; second; … (and N more)` when there is any problem. */
  refuse(what: (count: number) => string): void {
    if (!this.count) return;
    const more = this.count > this.shown.length ? ` (and ${this.count - this.shown.length} more)` : '';
    throw badInput(`${what(this.count)}: ${this.shown.join('; ')}${more}`, { problems: this.shown, problemCount: this.count });
  }
}
