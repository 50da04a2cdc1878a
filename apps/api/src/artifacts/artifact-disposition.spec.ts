import { describe, expect, it } from 'vitest';
import { presentArtifact } from './artifact-disposition';

describe('presentArtifact', () => {
  it('shows raster images and text inline under a canonical type', () => {
    expect(presentArtifact('image/png', 'plots/results.png')).toEqual({ contentType: 'image/png', disposition: "inline; filename*=UTF-8''results.png" });
    expect(presentArtifact('IMAGE/JPEG; q=1', 'a/b.jpg').contentType).toBe('image/jpeg');
    expect(presentArtifact('image/webp', 'x.webp').disposition).toMatch(/^inline;/);
    expect(presentArtifact('text/csv', 'results.csv')).toEqual({ contentType: 'text/csv; charset=utf-8', disposition: "inline; filename*=UTF-8''results.csv" });
    expect(presentArtifact('text/plain; charset=latin1', 'log.txt').contentType).toBe('text/plain; charset=utf-8');
  });

  it('keeps anything that can carry script, and anything unknown, an attachment', () => {
    for (const type of ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'text/xml', 'application/octet-stream', 'application/javascript', 'text/javascript']) {
      expect(presentArtifact(type, 'x').disposition, type).toMatch(/^attachment;/);
    }
  });

  it('encodes the file name (no header injection)', () => {
    expect(presentArtifact('application/octet-stream', 'dir/a "b"\r\n.onnx').disposition).toBe("attachment; filename*=UTF-8''a%20%22b%22%0D%0A.onnx");
  });
});
