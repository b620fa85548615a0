import { describe, expect, it } from 'vitest';
import { detectTestCommand } from '../../../src/core/init/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { tempDir, writeFiles } from '../../support/repo.js';

describe('detectTestCommand', () => {
  const cleanups = useCleanups();
  const project = (files: Record<string, string>) => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    writeFiles(t.dir, files);
    return t.dir;
  };
  const pkg = (test: string) => JSON.stringify({ scripts: { test } });

  it('uses npm test when package.json has a test script', () => {
    expect(detectTestCommand(project({ 'package.json': pkg('vitest run') }))).toEqual({
      command: 'npm test',
      source: 'package.json',
    });
  });

  it("ignores npm's placeholder test script", () => {
    const dir = project({ 'package.json': pkg('echo "Error: no test specified" && exit 1') });
    expect(detectTestCommand(dir)).toBeUndefined();
  });

  it('ignores a package.json without scripts, or broken JSON', () => {
    expect(detectTestCommand(project({ 'package.json': '{"name":"x"}' }))).toBeUndefined();
    expect(detectTestCommand(project({ 'package.json': '{oops' }))).toBeUndefined();
  });

  it.each([
    ['pnpm-lock.yaml', 'pnpm test'],
    ['yarn.lock', 'yarn test'],
    ['bun.lockb', 'bun run test'],
  ])('uses the package manager of %s', (lock, command) => {
    expect(detectTestCommand(project({ 'package.json': pkg('jest'), [lock]: '' }))?.command).toBe(command);
  });

  it('uses pytest for pyproject.toml (through uv or poetry when locked)', () => {
    expect(detectTestCommand(project({ 'pyproject.toml': '[project]\nname="x"\n' }))).toEqual({
      command: 'pytest',
      source: 'pyproject.toml',
    });
    expect(detectTestCommand(project({ 'pyproject.toml': '', 'uv.lock': '' }))?.command).toBe(
      'uv run pytest',
    );
    expect(detectTestCommand(project({ 'pyproject.toml': '', 'poetry.lock': '' }))?.command).toBe(
      'poetry run pytest',
    );
  });

  it('uses cargo test for Cargo.toml', () => {
    expect(detectTestCommand(project({ 'Cargo.toml': '[package]\n' }))).toEqual({
      command: 'cargo test',
      source: 'Cargo.toml',
    });
  });

  it('uses go test ./... for go.mod', () => {
    expect(detectTestCommand(project({ 'go.mod': 'module x\n' }))).toEqual({
      command: 'go test ./...',
      source: 'go.mod',
    });
  });

  it('uses make test when the Makefile has a test target', () => {
    expect(detectTestCommand(project({ Makefile: 'build:\n\tcc x.c\n\ntest: build\n\t./run\n' }))).toEqual({
      command: 'make test',
      source: 'Makefile',
    });
  });

  it('ignores a Makefile without a test target (a test variable is not a target)', () => {
    expect(detectTestCommand(project({ Makefile: 'test := foo\nbuild:\n\tcc x.c\n' }))).toBeUndefined();
  });

  it('prefers package.json over a Makefile when both exist', () => {
    const dir = project({ 'package.json': pkg('vitest'), Makefile: 'test:\n\tnpm test\n' });
    expect(detectTestCommand(dir)?.source).toBe('package.json');
  });

  it('returns undefined for an empty directory', () => {
    expect(detectTestCommand(project({}))).toBeUndefined();
  });
});
