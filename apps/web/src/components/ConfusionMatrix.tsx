// Confusion matrix heat map on a canvas (80 classes = 81 × 81 cells): rows are predictions, columns the truth, the
// last row and column background; colour by the share of each true class (column-normalised), count on hover.
import { useEffect, useRef, useState } from 'react';
import type { ConfusionMatrix } from '../api/adapters';

export function ConfusionMatrixView({ cm, names }: { cm: ConfusionMatrix; names: Map<number, string> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<string | null>(null);
  const n = cm.classIds.length + 1;
  const label = (i: number) => (i === n - 1 ? 'background' : (names.get(cm.classIds[i]) ?? String(cm.classIds[i])));
  const size = Math.min(560, Math.max(240, n * 14));
  const cell = size / n;
  const colTotals = Array.from({ length: n }, (_, j) => cm.matrix.reduce((s, row) => s + row[j], 0));

  useEffect(() => {
    const c = canvas.current!;
    const dpr = window.devicePixelRatio || 1;
    c.width = size * dpr;
    c.height = size * dpr;
    const ctx = c.getContext('2d')!;
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, size, size);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const share = colTotals[j] ? cm.matrix[i][j] / colTotals[j] : 0;
        ctx.fillStyle = share ? `rgba(21, 101, 192, ${0.08 + 0.92 * share})` : '#fafafa';
        ctx.fillRect(j * cell, i * cell, cell - (n < 40 ? 1 : 0), cell - (n < 40 ? 1 : 0));
        if (n <= 12 && cm.matrix[i][j]) {
          ctx.fillStyle = share > 0.5 ? '#fff' : '#222';
          ctx.font = '11px sans-serif';
          ctx.fillText(String(cm.matrix[i][j]), j * cell + 3, i * cell + cell / 2 + 4);
        }
      }
  });

  return (
    <div className="confusion" data-testid="confusion-matrix">
      <canvas
        ref={canvas}
        style={{ width: size, height: size }}
        onMouseMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const j = Math.floor((e.clientX - r.left) / cell);
          const i = Math.floor((e.clientY - r.top) / cell);
          if (i >= 0 && j >= 0 && i < n && j < n)
            setHover(`predicted ${label(i)} · true ${label(j)}: ${cm.matrix[i][j]}${colTotals[j] ? ` (${((100 * cm.matrix[i][j]) / colTotals[j]).toFixed(1)} % of ${label(j)})` : ''}`);
        }}
        onMouseLeave={() => setHover(null)}
      />
      <p className="small muted">{hover ?? `Rows: predicted, columns: true (${n - 1} classes + background)${cm.conf !== null ? `; conf ${cm.conf}, IoU ${cm.iou}` : ''}. Hover a cell.`}</p>
    </div>
  );
}
