// Which metric keys share a chart on the run page: mAP, precision/recall, losses, learning rate; the rest are listed
// and charted one by one on demand (a run may log thousands of keys).

export interface MetricGroup {
  id: string;
  title: string;
  keys: string[];
}

const GROUPS: { id: string; title: string; match: (k: string) => boolean }[] = [
  { id: 'map', title: 'mAP', match: (k) => /^(map50|map50_95|map75|fitness)$/.test(k) || /^metrics\/mAP/i.test(k) },
  { id: 'pr', title: 'Precision / recall', match: (k) => /^(precision|recall|f1)$/.test(k) || /^metrics\/(precision|recall)/i.test(k) },
  { id: 'loss', title: 'Losses', match: (k) => /loss/i.test(k) },
  { id: 'lr', title: 'Learning rate', match: (k) => /^lr(\/|$|_|\b)/i.test(k) || /learning_rate/i.test(k) },
];

/** Keys per known group (in first-seen order), and every other key. Linear in the number of keys. */
export function groupMetricKeys(keys: readonly string[]): { groups: MetricGroup[]; others: string[] } {
  const groups = GROUPS.map((g) => ({ id: g.id, title: g.title, keys: [] as string[] }));
  const others: string[] = [];
  for (const key of keys) {
    const i = GROUPS.findIndex((g) => g.match(key));
    if (i >= 0) groups[i].keys.push(key);
    else others.push(key);
  }
  for (const g of groups) g.keys.sort(byCanonicalOrder);
  return { groups: groups.filter((g) => g.keys.length), others };
}

const ORDER = ['map50', 'map50_95', 'map75', 'fitness', 'precision', 'recall', 'f1'];
function byCanonicalOrder(a: string, b: string): number {
  const ia = ORDER.indexOf(a);
  const ib = ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
