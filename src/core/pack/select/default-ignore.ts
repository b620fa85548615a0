/**
 * Files nobody wants in an LLM pack. Mirrors repomix 1.14's default list (so both tools
 * select the same files), plus media, fonts and archives (binary anyway; ignoring them by
 * name saves reading them) and specloop's own state. Kept as data, matched with sets: a
 * 100-pattern regex list per path was a visible part of a warm pack.
 */

/** Any file or directory with this name, at any depth. */
const NAMES = [
  '.git',
  '.hg',
  '.svn',
  '.hgignore',
  '.yarn-integrity',
  'Cargo.toml.orig',
  '.DS_Store',
  'Thumbs.db',
  '.env',
  // lock files
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'Pipfile.lock',
  'poetry.lock',
  'uv.lock',
  'Cargo.lock',
  'composer.lock',
  'Gemfile.lock',
  'go.sum',
  'mix.lock',
  'stack.yaml.lock',
  'cabal.project.freeze',
];
/** Directories with this name, at any depth. */
const DIRS = [
  'node_modules',
  'bower_components',
  'jspm_packages',
  '.bundle',
  '.gradle',
  'target',
  '.npm',
  '.yarn',
  '__pycache__',
  'venv',
  '.venv',
  '.pytest_cache',
  '.mypy_cache',
  '.ipynb_checkpoints',
];
/** Directories at the top of the packed directory only (build output, editor state…). */
const ROOT_DIRS = [
  'vendor',
  'dist',
  'build',
  'out',
  'coverage',
  'lib-cov',
  '.nyc_output',
  '.next',
  '.nuxt',
  '.serverless',
  '.fusebox',
  '.dynamodb',
  'typings',
  'tmp',
  'temp',
  'logs',
  'pids',
  '.idea',
  '.vscode',
  '.specloop',
  '.grunt',
  '.rollup.cache',
  '.webpack.cache',
  '.parcel-cache',
  '.sass-cache',
  'changes', // specloop's change plans (`specloop change`): plans, not code
];
/** Files at the top only. */
const ROOT_NAMES = ['.eslintcache', '.node_repl_history', '.lock-wscript', 'specloop.toml', 'todo.md'];
/** `*.ext` at any depth (compared in lower case: LOGO.PNG is media too). */
const EXTS = [
  'log',
  'pyc',
  'pyo',
  'pyd',
  'rs.bk',
  'swp',
  'swo',
  'swn',
  'bak',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'ico',
  'bmp',
  'tif',
  'tiff',
  'avif',
  'mp3',
  'mp4',
  'm4a',
  'wav',
  'ogg',
  'flac',
  'webm',
  'mov',
  'avi',
  'mkv',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'eot',
  'pdf',
  'zip',
  'gz',
  'bz2',
  'xz',
  '7z',
  'rar',
  'jar',
];
/** `*.ext` at the top only. */
const ROOT_EXTS = ['cache', 'pid', 'seed', 'pid.lock', 'tgz'];
/** Name prefixes at any depth (`npm-debug.log*`, `repomix-output.*`). */
const PREFIXES = ['npm-debug.log', 'yarn-debug.log', 'yarn-error.log', 'repomix-output.', 'repopack-output.'];

/**
 * dotenv files (`.env`, `.env.local`, `.env.production`, `.env-prod`, `.envrc` …) hold the
 * secrets of whoever runs the code; the documented templates beside them do not.
 */
const ENV_FILE = /^\.env(?:$|[.\-_]|rc$)/;
const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template']);
const isEnvFile = (name: string) => ENV_FILE.test(name) && !ENV_TEMPLATES.has(name);

const names = new Set(NAMES);
const dirs = new Set(DIRS);
const rootDirs = new Set(ROOT_DIRS);
const rootNames = new Set(ROOT_NAMES);
const exts = new Set(EXTS);
const rootExts = new Set(ROOT_EXTS);

function hasExt(base: string, set: Set<string>): boolean {
  const lower = base.toLowerCase();
  for (let d = lower.indexOf('.', 1); d >= 0; d = lower.indexOf('.', d + 1)) {
    if (set.has(lower.slice(d + 1))) return true;
  }
  return false;
}

/** Is `rel` (relative to the packed directory; `isDir` for directories) ignored by default? */
export function isDefaultIgnored(rel: string, isDir = false): boolean {
  const segs = rel.split('/');
  const last = segs.length - 1;
  for (let i = 0; i <= last; i++) {
    const s = segs[i]!;
    const dir = i < last || isDir;
    if (names.has(s) || isEnvFile(s) || (dir && dirs.has(s)) || (i === 0 && dir && rootDirs.has(s)))
      return true;
    if (dir && (hasExt(s, exts) || PREFIXES.some((p) => s.startsWith(p)))) return true;
  }
  if (segs[0] === '.vuepress' && segs[1] === 'dist' && (last >= 2 || isDir)) return true;
  const base = segs[last]!;
  if (!isDir && (hasExt(base, exts) || PREFIXES.some((p) => base.startsWith(p)))) return true;
  return last === 0 && !isDir && (rootNames.has(base) || hasExt(base, rootExts));
}

/**
 * The same rules for one directory entry met by a walk, whose parent directories were
 * checked when entered (so only its own name needs checking); `parent` is '' at the root.
 */
export function isDefaultIgnoredEntry(parent: string, name: string, isDir: boolean): boolean {
  if (names.has(name) || isEnvFile(name)) return true;
  const root = parent === '';
  if (isDir && (dirs.has(name) || (root && rootDirs.has(name)))) return true;
  if (hasExt(name, exts) || PREFIXES.some((p) => name.startsWith(p))) return true;
  if (isDir) return name === 'dist' && parent === '.vuepress/';
  return root && (rootNames.has(name) || hasExt(name, rootExts));
}

/** The same rules in .gitignore syntax (for the docs, and to test the matcher against). */
export const DEFAULT_IGNORE: readonly string[] = [
  ...NAMES,
  ...DIRS.map((d) => `${d}/`),
  ...ROOT_DIRS.map((d) => `/${d}/`),
  '/.vuepress/dist/',
  ...ROOT_NAMES.map((n) => `/${n}`),
  ...EXTS.map((e) => `*.${e}`),
  ...ROOT_EXTS.map((e) => `/*.${e}`),
  ...PREFIXES.map((p) => `${p}*`),
  '.env.*',
  '.env-*',
  '.env_*',
  '.envrc',
  ...[...ENV_TEMPLATES].map((t) => `!${t}`),
];
