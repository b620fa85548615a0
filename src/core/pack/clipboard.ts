import { run } from '../../util/spawn.js';
import { findOnPath } from '../../util/which.js';
import { UsageError, WorkError } from '../errors.js';

export interface ClipboardTool {
  cmd: string;
  args: string[];
}

/**
 * The clipboard command that can work here: pbcopy on macOS; wl-copy under Wayland;
 * xclip or xsel under X11. Each needs its display, so a headless box has none.
 */
export function findClipboard(
  env: Record<string, string | undefined>,
  platform = process.platform,
): ClipboardTool | undefined {
  const candidates: [string, string[], boolean][] = [
    ['pbcopy', [], platform === 'darwin'],
    ['wl-copy', [], Boolean(env.WAYLAND_DISPLAY)],
    ['xclip', ['-selection', 'clipboard'], Boolean(env.DISPLAY)],
    ['xsel', ['--clipboard', '--input'], Boolean(env.DISPLAY)],
  ];
  for (const [name, args, usable] of candidates) {
    if (!usable) continue;
    const cmd = findOnPath(name, env);
    if (cmd) return { cmd, args };
  }
  return undefined;
}

/** Throw the --copy usage error when no clipboard is reachable (checked before packing). */
export function requireClipboard(env: Record<string, string | undefined>): ClipboardTool {
  const tool = findClipboard(env);
  if (!tool) {
    throw new UsageError(
      '--copy: no clipboard available here (no pbcopy, or wl-copy/xclip/xsel with a display)',
      {
        code: 'E_CLIPBOARD',
        hint: 'pipe instead: specloop pack --stdout | <your clipboard tool>, or install xclip / wl-clipboard',
      },
    );
  }
  return tool;
}

export async function copyToClipboard(
  tool: ClipboardTool,
  text: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<void> {
  const res = await run(tool.cmd, tool.args, { cwd, env, input: text, timeoutMs: 10_000 });
  if (res.code !== 0) {
    throw new WorkError(
      `copying to the clipboard failed (${tool.cmd} exited ${res.code}): ${res.stderr.trim()}`,
      {
        code: 'E_CLIPBOARD',
      },
    );
  }
}
