import { run } from './spawn.js';
import { findOnPath } from './which.js';

export interface DesktopNotifier {
  cmd: string;
  args: (title: string, body: string) => string[];
}

/**
 * The desktop notification command that can work here: osascript on macOS, notify-send
 * under a Linux desktop session (it needs a display or a session bus). None on a headless
 * box or in CI, where a notification has nobody to reach.
 */
export function findNotifier(
  env: Record<string, string | undefined>,
  platform = process.platform,
): DesktopNotifier | undefined {
  if (platform === 'darwin') {
    const cmd = findOnPath('osascript', env);
    // JSON string literals are valid AppleScript string literals for this text.
    return cmd
      ? {
          cmd,
          args: (t, b) => ['-e', `display notification ${JSON.stringify(b)} with title ${JSON.stringify(t)}`],
        }
      : undefined;
  }
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY && !env.DBUS_SESSION_BUS_ADDRESS) return undefined;
  const cmd = findOnPath('notify-send', env);
  return cmd ? { cmd, args: (t, b) => ['--app-name=specloop', t, b] } : undefined;
}

/**
 * Show a desktop notification; never fails (a notification is a courtesy). Waits at most
 * a couple of seconds for the notifier, so the caller can exit right after.
 */
export async function notifyDesktop(
  title: string,
  body: string,
  opts: { cwd: string; env: Record<string, string | undefined> },
): Promise<boolean> {
  const n = findNotifier(opts.env);
  if (!n) return false;
  try {
    const r = await run(n.cmd, n.args(title, body), { cwd: opts.cwd, env: opts.env, timeoutMs: 2000 });
    return r.code === 0;
  } catch {
    return false;
  }
}
