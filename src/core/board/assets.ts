import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, normalize, sep } from 'node:path';
import { packageRoot } from '../../util/paths.js';

/**
 * The board's static files: the page (`src/board-web/`, shipped in the package) and the
 * libraries it draws with, served from the installed packages — no CDN, works offline.
 */
const require = createRequire(import.meta.url);

const VENDOR: Record<string, string> = {
  'diff2html.js': 'diff2html/bundles/js/diff2html-ui-slim.min.js',
  'diff2html.css': 'diff2html/bundles/css/diff2html.min.css',
  'uplot.js': 'uplot/dist/uPlot.iife.min.js',
  'uplot.css': 'uplot/dist/uPlot.min.css',
  'elk.js': 'elkjs/lib/elk-api.js',
  'elk-worker.js': 'elkjs/lib/elk-worker.min.js',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const webRoot = () => join(packageRoot(), 'src', 'board-web');

export function contentType(file: string): string {
  return TYPES[extname(file)] ?? 'application/octet-stream';
}

/** The file behind `/assets/<name>` or `/vendor/<name>`, or undefined (never outside the folders). */
export function assetFile(path: string): string | undefined {
  if (path.startsWith('/vendor/')) {
    const mod = VENDOR[path.slice('/vendor/'.length)];
    if (!mod) return undefined;
    try {
      return require.resolve(mod);
    } catch {
      return undefined;
    }
  }
  if (!path.startsWith('/assets/')) return undefined;
  const root = webRoot();
  const file = normalize(join(root, decodeURIComponent(path.slice('/assets/'.length))));
  if (!file.startsWith(root + sep) || !existsSync(file)) return undefined;
  return file;
}
