/**
 * A YOLO dataset folder repeated N times (symlinks in a temp dir), so a benchmark runs long enough to get past
 * warm-up through the same public `runEvaluation` a job uses.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RepeatedDataset {
  imagesDir: string;
  labelsDir: string;
  images: string[];
}

export function yoloFolders(root: string): { imagesDir: string; labelsDir: string } {
  for (const split of ['train2017', 'val2017', 'val', 'train']) {
    const imagesDir = join(root, 'images', split);
    if (existsSync(imagesDir)) return { imagesDir, labelsDir: join(root, 'labels', split) };
  }
  return { imagesDir: join(root, 'images'), labelsDir: join(root, 'labels') };
}

export function repeatDataset(root: string, repeat: number): RepeatedDataset {
  const { imagesDir, labelsDir } = yoloFolders(root);
  const files = readdirSync(imagesDir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort();
  if (repeat <= 1) return { imagesDir, labelsDir, images: files.map((f) => join(imagesDir, f)) };
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-'));
  mkdirSync(join(dir, 'images'));
  mkdirSync(join(dir, 'labels'));
  const images: string[] = [];
  for (let r = 0; r < repeat; r++) {
    for (const file of files) {
      const stem = file.replace(/\.[^.]+$/, '');
      const target = join(dir, 'images', `r${r}_${file}`);
      symlinkSync(join(imagesDir, file), target);
      images.push(target);
      const label = join(labelsDir, `${stem}.txt`);
      if (existsSync(label)) symlinkSync(label, join(dir, 'labels', `r${r}_${stem}.txt`));
    }
  }
  return { imagesDir: join(dir, 'images'), labelsDir: join(dir, 'labels'), images };
}
