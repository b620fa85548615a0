/**
 * `npm run bench:pack` — specloop pack vs repomix, side by side, on real code nobody here
 * wrote: a copy of this project's installed node_modules (no ignore files), and the same
 * corpus committed to a git repo. Alternating runs; median wall time, peak RSS, files and
 * tokens, cold (empty token cache) and warm (again after changing one file).
 *
 * Knobs: BENCH_RUNS (default 3), BENCH_KEEP=1 (keep the temp dir), BENCH_ONLY=plain|git,
 * BENCH_VERIFY=0 (skip the exactness checks at the end), BENCH_CORPUS=npm (default: the
 * 13.8k-file corpus of bench/npm-corpus.ts), all (the whole node_modules copy) or an
 * absolute path (a real tree copied as it is, e.g. /work/main/node_modules/typescript),
 * BENCH_COMPRESS=1 (also time specloop --compress against plain pack, cold).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNpmCorpus } from './npm-corpus.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MAX_FILE_SIZE = 1_000_000; // specloop's default; repomix gets the same via its config
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const REPOMIX = join(ROOT, 'node_modules/.bin/repomix');
const SPECLOOP = join(ROOT, 'bin/specloop.js');

interface Sample {
  wall: number;
  rss: number; // KB
  stdout: string;
  stderr: string;
}

/** Run a command, timing it and reading its peak RSS (GNU time, or a resourceUsage wrapper). */
function measure(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Sample> {
  const wrapper = `const{spawnSync}=require('node:child_process');const r=spawnSync(process.argv[1],process.argv.slice(2),{stdio:'inherit'});process.stderr.write('\\nMaximum resident set size (kbytes): '+process.resourceUsage().maxRSS+'\\n');process.exit(r.status??1)`;
  const [bin, argv] = TIME ? [TIME, ['-v', cmd, ...args]] : [process.execPath, ['-e', wrapper, cmd, ...args]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(bin, argv, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = (performance.now() - t0) / 1000;
      if (code !== 0)
        return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}`));
      const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ wall, rss, stdout, stderr });
    });
  });
}

/** The file changed between the cold and the warm run. */
let touchedFile = 'zod/package.json';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A copy of node_modules with every ignore file removed; the git variant is committed. */
function buildCorpus(tmp: string): { plain: string; git: string } {
  const plain = join(tmp, 'corpus');
  mkdirSync(plain);
  const from = process.env.BENCH_CORPUS;
  if (from === 'all') execFileSync('cp', ['-a', `${join(ROOT, 'node_modules')}/.`, plain]);
  else if (from?.startsWith('/')) {
    // a real tree as it is on disk (e.g. node_modules/typescript), copied with its files
    execFileSync('cp', ['-aL', `${from}/.`, plain]);
    if (existsSync(join(plain, 'package.json'))) touchedFile = 'package.json';
    process.stderr.write(`  real tree: ${from}\n`);
  } else {
    const { files, bytes, sample } = buildNpmCorpus(
      [join(ROOT, 'node_modules'), '/usr/lib/node_modules'].filter((d) => existsSync(d)),
      plain,
    );
    touchedFile = sample;
    process.stderr.write(`  npm corpus: ${files} files, ${(bytes / 1e6).toFixed(1)} MB\n`);
  }
  execFileSync('find', [
    plain,
    '(',
    '-name',
    '.gitignore',
    '-o',
    '-name',
    '.ignore',
    '-o',
    '-name',
    '.repomixignore',
    ')',
    '-delete',
  ]);
  const git = join(tmp, 'git-corpus');
  mkdirSync(git);
  execFileSync('cp', ['-a', `${plain}/.`, git]);
  // Nested node_modules are default-ignored by both tools, and >5 MB binaries are skipped
  // by both: leaving them out of the commit only saves setup time.
  execFileSync(
    'sh',
    [
      '-c',
      `find . -mindepth 2 -type d -name node_modules -prune -exec rm -rf {} + ; find . -type f -size +5M -delete`,
    ],
    { cwd: git },
  );
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@x',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@x',
  };
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-qm', 'corpus'],
  ])
    execFileSync('git', args, { cwd: git, env: gitEnv });
  return { plain, git };
}

interface ToolRun {
  files: number;
  tokens: number;
}

async function specloop(
  dir: string,
  out: string,
  cache: string,
  extra: string[] = [],
): Promise<Sample & ToolRun> {
  const s = await measure(process.execPath, [SPECLOOP, 'pack', '-o', out, '--json-summary', ...extra], dir, {
    SPECLOOP_CACHE_DIR: cache,
    SPECLOOP_HOME: join(cache, 'home'),
  });
  const j = JSON.parse(s.stdout);
  return { ...s, files: j.totals.files, tokens: j.totals.tokens };
}

async function repomix(dir: string, out: string, config: string): Promise<Sample & ToolRun> {
  const s = await measure(
    REPOMIX,
    ['--config', config, '-o', out, '--style', 'xml', '--token-count-encoding', 'o200k_base'],
    dir,
  );
  const num = (label: string) =>
    Number(new RegExp(`${label}: ([\\d,]+)`).exec(s.stdout)?.[1]?.replaceAll(',', '') ?? Number.NaN);
  return { ...s, files: num('Total Files'), tokens: num('Total Tokens') };
}

interface Row {
  corpus: string;
  phase: 'cold' | 'warm';
  ours: (Sample & ToolRun)[];
  theirs: (Sample & ToolRun)[];
}

async function benchCorpus(name: string, dir: string, tmp: string, config: string): Promise<Row[]> {
  const cache = join(tmp, `cache-${name}`);
  const oursOut = join(tmp, `${name}-specloop.xml`);
  const theirOut = join(tmp, `${name}-repomix.xml`);
  const cold: Row = { corpus: name, phase: 'cold', ours: [], theirs: [] };
  const warm: Row = { corpus: name, phase: 'warm', ours: [], theirs: [] };
  const touched = join(dir, touchedFile);
  for (let i = 0; i < RUNS; i++) {
    process.stderr.write(`  ${name} run ${i + 1}/${RUNS} (load ${loadavg()[0]!.toFixed(2)})\n`);
    rmSync(cache, { recursive: true, force: true });
    // alternate who goes first, so neither always gets the warmer page cache
    if (i % 2 === 0) {
      cold.ours.push(await specloop(dir, oursOut, cache));
      cold.theirs.push(await repomix(dir, theirOut, config));
    } else {
      cold.theirs.push(await repomix(dir, theirOut, config));
      cold.ours.push(await specloop(dir, oursOut, cache));
    }
    await appendFile(touched, ' '); // one changed file: warm = everything else reused
    warm.ours.push(await specloop(dir, oursOut, cache));
    warm.theirs.push(await repomix(dir, theirOut, config));
  }
  return [cold, warm];
}

/** Compare the two outputs' file sets and contents, and check our totals with the reference. */
async function verify(name: string, tmp: string, reportedTokens: number): Promise<string[]> {
  const lines: string[] = [];
  const ours = readFileSync(join(tmp, `${name}-specloop.xml`), 'utf8');
  const theirs = readFileSync(join(tmp, `${name}-repomix.xml`), 'utf8');
  const unxml = (p: string) =>
    p.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  const files = (xml: string, re: RegExp) => new Map([...xml.matchAll(re)].map((m) => [unxml(m[1]!), m[2]!]));
  const a = files(ours, /<file path="([^"]*)"><!\[CDATA\[\n([\s\S]*?)\n\]\]><\/file>\n/g);
  const b = files(theirs, /<file path="([^"]*)">\n([\s\S]*?)\n<\/file>\n/g);
  const onlyOurs = [...a.keys()].filter((p) => !b.has(p));
  const onlyTheirs = [...b.keys()].filter((p) => !a.has(p));
  let differ = 0;
  for (const [p, text] of a) if (b.has(p) && b.get(p) !== text.replaceAll(']]]]><![CDATA[>', ']]>')) differ++;
  lines.push(
    `${name}: ${a.size} files (specloop) vs ${b.size} (repomix); only in specloop: ${onlyOurs.length}, only in repomix: ${onlyTheirs.length}; common files with different text: ${differ}`,
  );
  for (const p of onlyOurs.slice(0, 8)) lines.push(`    only specloop: ${p}`);
  for (const p of onlyTheirs.slice(0, 8)) lines.push(`    only repomix:  ${p}`);
  const { encode } = await import('gpt-tokenizer/encoding/o200k_base');
  const t0 = performance.now();
  const reference = encode(ours, { disallowedSpecial: new Set() }).length;
  const verdict = reportedTokens === reference ? 'exact' : 'MISMATCH';
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  lines.push(
    `${name}: specloop's total ${reportedTokens} tokens; gpt-tokenizer encode() of that output: ${reference} (${secs} s) → ${verdict}`,
  );
  return lines;
}

/** specloop --compress against plain specloop pack, both cold, on the same corpus. */
async function benchCompress(dir: string, tmp: string): Promise<string[]> {
  const cache = join(tmp, 'cache-compress');
  const plain: (Sample & ToolRun)[] = [];
  const small: (Sample & ToolRun)[] = [];
  for (let i = 0; i < RUNS; i++) {
    process.stderr.write(`  compress run ${i + 1}/${RUNS} (load ${loadavg()[0]!.toFixed(2)})\n`);
    rmSync(cache, { recursive: true, force: true });
    plain.push(await specloop(dir, join(tmp, 'c-plain.xml'), cache));
    rmSync(cache, { recursive: true, force: true });
    small.push(await specloop(dir, join(tmp, 'c-compress.xml'), cache, ['--compress']));
  }
  const w = (xs: Sample[]) => median(xs.map((s) => s.wall)).toFixed(2);
  const m = (xs: Sample[]) => (median(xs.map((s) => s.rss)) / 1024).toFixed(0);
  return [
    '| specloop, cold | wall (s) | RSS (MB) | tokens |',
    '|---|---|---|---|',
    `| plain | ${w(plain)} | ${m(plain)} | ${plain.at(-1)!.tokens} |`,
    `| --compress | ${w(small)} | ${m(small)} | ${small.at(-1)!.tokens} |`,
  ];
}

function table(rows: Row[]): string {
  const out = [
    '| corpus | phase | specloop (s) | repomix (s) | speed-up | specloop RSS (MB) | repomix RSS (MB) | RSS ratio | files (specloop / repomix) | tokens (specloop / repomix) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ow = median(r.ours.map((s) => s.wall));
    const tw = median(r.theirs.map((s) => s.wall));
    const om = median(r.ours.map((s) => s.rss)) / 1024;
    const tm = median(r.theirs.map((s) => s.rss)) / 1024;
    const o = r.ours.at(-1)!;
    const t = r.theirs.at(-1)!;
    out.push(
      `| ${r.corpus} | ${r.phase} | ${ow.toFixed(2)} | ${tw.toFixed(2)} | ${(tw / ow).toFixed(1)}× | ${om.toFixed(0)} | ${tm.toFixed(0)} | ${(om / tm).toFixed(2)} | ${o.files} / ${t.files} | ${o.tokens} / ${t.tokens} |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  process.stderr.write('building dist (tsup)…\n');
  execFileSync('npx', ['tsup', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const tmp = mkdtempSync(join(tmpdir(), 'specloop-bench-'));
  try {
    process.stderr.write(`corpus: copying node_modules into ${tmp}…\n`);
    const { plain, git } = buildCorpus(tmp);
    const count = (d: string) =>
      Number(
        execFileSync('sh', ['-c', 'find . -type f -not -path "./.git/*" | wc -l'], { cwd: d }).toString(),
      );
    process.stderr.write(`  plain: ${count(plain)} files; git: ${count(git)} files\n`);
    const config = join(tmp, 'repomix.config.json');
    writeFileSync(
      config,
      JSON.stringify({ input: { maxFileSize: MAX_FILE_SIZE }, security: { enableSecurityCheck: true } }),
    );
    const rows: Row[] = [];
    const only = process.env.BENCH_ONLY;
    if (only !== 'git') rows.push(...(await benchCorpus('plain', plain, tmp, config)));
    if (only !== 'plain') rows.push(...(await benchCorpus('git', git, tmp, config)));
    const report = [
      `specloop pack vs repomix ${JSON.parse(readFileSync(join(ROOT, 'node_modules/repomix/package.json'), 'utf8')).version}` +
        ` — ${RUNS} alternating runs each, median; ${availableParallelism()} cores; load average now ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}`,
      'Same settings for both: xml style, o200k_base, security check on, 1 MB max file size.',
      '',
      table(rows),
    ];
    if (process.env.BENCH_COMPRESS === '1') report.push('', ...(await benchCompress(plain, tmp)));
    if (process.env.BENCH_VERIFY !== '0') {
      report.push('');
      // the files on disk are from each corpus's last run, a warm one
      for (const r of rows.filter((x) => x.phase === 'warm'))
        report.push(...(await verify(r.corpus, tmp, r.ours.at(-1)!.tokens)));
    }
    process.stdout.write(`${report.join('\n')}\n`);
  } finally {
    if (process.env.BENCH_KEEP) process.stderr.write(`kept ${tmp}\n`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
