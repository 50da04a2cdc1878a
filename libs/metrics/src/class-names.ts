// Class names from either a list indexed by class id or a record keyed by COCO category id.
import type { AccumulatorOptions } from './types';

export function nameOf(names: AccumulatorOptions['classNames'], classId: number): string {
  if (!names) return String(classId);
  const name = Array.isArray(names) ? names[classId] : (names as Readonly<Record<number, string>>)[classId];
  return name ?? String(classId);
}
