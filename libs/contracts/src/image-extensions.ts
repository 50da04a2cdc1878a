// The image files a dataset may hold: what the api accepts in an archive and the worker (and the metrics CLI) read.

/** Lower-case, with the dot. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff']);
