// numpy.linspace(start, stop, num) value by value: i * ((stop - start) / (num - 1)) + start, last one = stop.
// The thresholds compared with `>=` (COCO IoU and recall thresholds) must be these exact doubles.

export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}
