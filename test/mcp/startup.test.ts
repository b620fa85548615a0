import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { heavyChains, traceBin } from '../support/e2e-trace.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('specloop mcp loads the MCP SDK only when it serves', () => {
  const cleanups = useCleanups();
  const trace = (argv: string[]) => {
    const dir = cleanups.tmp('specloop-mcp-startup-');
    return traceBin(argv, {
      cwd: dir,
      env: { SPECLOOP_HOME: join(dir, 'home') },
      log: join(dir, 'trace.log'),
    });
  };

  it('`mcp --help` explains the server and shows client config, without loading the SDK', () => {
    const r = trace(['mcp', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('claude mcp add specloop -- specloop mcp');
    expect(r.stdout).toContain('[mcp_servers.specloop]');
    expect(heavyChains(r.edges, ROOT)).toEqual({});
  });

  it('serving loads the SDK (the tracer sees it) and ends cleanly when stdin closes', () => {
    const r = trace(['mcp']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(''); // nothing but protocol messages on stdout, and none were asked for
    expect(Object.keys(heavyChains(r.edges, ROOT))).toContain('@modelcontextprotocol/sdk');
  });
});
