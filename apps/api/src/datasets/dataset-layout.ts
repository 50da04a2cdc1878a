// What validation learns about a dataset folder: where its parts are, its class names and counts.
import { badInput } from '../common/app-error';
import type { DatasetCounts } from './dataset-format';

export interface DatasetLayout {
  imagesDir: string;
  labelsDir: string | null;
  annotationsPath: string | null;
  classNames: string[];
  counts: DatasetCounts;
}

/** Refuses a dataset with malformed rows, naming each as `file:line: reason` (the first 20 in the message). */
export function refuseProblems(problems: string[]): void {
  if (!problems.length) return;
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  throw badInput(`dataset has ${problems.length} malformed row(s): ${shown.join('; ')}${more}`, { problems: problems.slice(0, 200) });
}
