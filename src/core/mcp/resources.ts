import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { protocolError, RESOURCE_NOT_FOUND } from './protocol-error.js';
import { planFiles } from './specloop-core.js';
import type { ServerDeps } from './types.js';

const MIME: Record<string, string> = {
  xml: 'application/xml',
  markdown: 'text/markdown',
  plain: 'text/plain',
  json: 'application/json',
};

interface FileResource {
  name: string;
  uri: string;
  description: string;
  which: 'spec' | 'plan' | 'todo';
  hint: string;
}

const FILES: FileResource[] = [
  {
    name: 'spec',
    uri: 'specloop://project/spec.md',
    description: 'The specification the plan was made from',
    which: 'spec',
    hint: 'write one with `specloop idea "…"`',
  },
  {
    name: 'prompt_plan',
    uri: 'specloop://project/prompt_plan.md',
    description: 'The plan: one section with one prompt per step',
    which: 'plan',
    hint: 'write it with `specloop plan` (from spec.md)',
  },
  {
    name: 'todo',
    uri: 'specloop://project/todo.md',
    description: 'The checklist specloop ticks as steps land',
    which: 'todo',
    hint: 'it is written with prompt_plan.md by `specloop plan`',
  },
];

/** spec.md, prompt_plan.md, todo.md (found as `run` finds them) and the last pack, readable by the client. */
export function registerResources(server: McpServer, deps: ServerDeps): void {
  const call = (name: string): Promise<Context> =>
    deps.contextFor({
      command: `mcp resource ${name}`,
      signal: deps.ctx.signal,
    });
  for (const f of FILES) {
    server.registerResource(
      f.name,
      f.uri,
      { description: f.description, mimeType: 'text/markdown' },
      async (uri) => {
        try {
          const ctx = await call(f.name);
          const files = await planFiles(ctx);
          const path = files?.[f.which] ?? resolve(ctx.cwd, uri.pathname.replace(/^\//, ''));
          if (!existsSync(path))
            throw new UsageError(`no ${uri.pathname.replace(/^\//, '')} in ${ctx.cwd}`, {
              code: 'E_NO_FILE',
              hint: f.hint,
            });
          return text(uri.href, 'text/markdown', await readFile(path, 'utf8'));
        } catch (err) {
          throw protocolError(err, RESOURCE_NOT_FOUND);
        }
      },
    );
  }
  server.registerResource(
    'last_pack',
    'specloop://pack/last',
    {
      description:
        'The last pack: made by the pack tool in this session, else the `specloop pack` output file',
    },
    async (uri) => {
      try {
        const ctx = await call('last_pack');
        const last = deps.state.lastPack;
        if (last?.text !== undefined) return text(uri.href, MIME[last.style], last.text);
        const path = last?.path ?? resolve(ctx.cwd, ctx.config.pack.output);
        if (!existsSync(path))
          throw new UsageError('no pack yet', {
            code: 'E_NO_FILE',
            hint: 'call the pack tool, or run `specloop pack` (writes output.txt)',
          });
        return text(uri.href, MIME[last?.style ?? ctx.config.pack.style], await readFile(path, 'utf8'));
      } catch (err) {
        throw protocolError(err, RESOURCE_NOT_FOUND);
      }
    },
  );
}

function text(uri: string, mimeType: string | undefined, body: string): ReadResourceResult {
  return { contents: [{ uri, ...(mimeType ? { mimeType } : {}), text: body }] };
}
