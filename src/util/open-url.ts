import { spawn } from 'node:child_process';
import { findOnPath } from './which.js';

/**
 * Open `url` in the user's browser: `open` on macOS, `xdg-open` elsewhere (`$BROWSER`
 * first when set). Never fails: false when there is nothing to open it with.
 */
export async function openUrl(
  url: string,
  env: Record<string, string | undefined>,
  platform = process.platform,
): Promise<boolean> {
  const candidates = [env.BROWSER, platform === 'darwin' ? 'open' : 'xdg-open'].filter((c): c is string =>
    Boolean(c),
  );
  for (const c of candidates) {
    const cmd = findOnPath(c, env);
    if (!cmd) continue;
    try {
      const child = spawn(cmd, [url], { stdio: 'ignore', detached: true, env: env as NodeJS.ProcessEnv });
      child.on('error', () => {});
      child.unref();
      return true;
    } catch {}
  }
  return false;
}
