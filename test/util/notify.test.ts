import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNotifier } from '../../src/util/notify.js';

function binWith(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'specloop-notify-'));
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\n');
    chmodSync(join(dir, n), 0o755);
  }
  return dir;
}

describe('findNotifier', () => {
  it('uses notify-send only under a desktop session (display or session bus)', () => {
    const PATH = binWith('notify-send');
    expect(findNotifier({ PATH }, 'linux')).toBeUndefined();
    const n = findNotifier({ PATH, WAYLAND_DISPLAY: 'wayland-0' }, 'linux');
    expect(n?.cmd).toBe(join(PATH, 'notify-send'));
    expect(n?.args('t', 'b')).toEqual(['--app-name=specloop', 't', 'b']);
  });

  it('is absent when the command is not installed', () => {
    expect(findNotifier({ PATH: binWith(), DISPLAY: ':0' }, 'linux')).toBeUndefined();
    expect(findNotifier({ PATH: binWith() }, 'darwin')).toBeUndefined();
  });

  it('on macOS uses osascript with quoted AppleScript strings', () => {
    const n = findNotifier({ PATH: binWith('osascript') }, 'darwin');
    expect(n?.args('specloop run: done', 'step "2" ok')).toEqual([
      '-e',
      'display notification "step \\"2\\" ok" with title "specloop run: done"',
    ]);
  });
});
