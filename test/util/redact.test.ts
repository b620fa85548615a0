import { describe, expect, it } from 'vitest';
import { childEnv } from '../../src/util/child-env.js';
import { redact, redactingSink, secretValues } from '../../src/util/redact.js';

describe('redact', () => {
  it.each([
    ['openai key', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345'],
    ['anthropic key', 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz'],
    ['github token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['aws key id', 'AKIAZ7Q3M4N5P6R7S8T9'],
    ['google api key', 'AIzaSyD4-kq8Xb7mT2vQ9rLw1nZc3hJ5pE6fG7a'],
    ['stripe key', 'sk_live_51HqLyjWDarjtT1zdp7dcXYZabc'],
    ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  ])('masks a %s wherever it appears', (_kind, token) => {
    const out = redact(`error: invalid key "${token}" (status 401)`);
    expect(out).not.toContain(token);
    expect(out).toContain('***');
  });

  it('masks the password of a URL, keeps the user and the host', () => {
    expect(redact('fetch https://alice:s3cr3t-pw@llm.example.com/v1 failed')).toBe(
      'fetch https://alice:***@llm.example.com/v1 failed',
    );
  });

  it('masks known values exactly, longest first, and leaves ordinary text alone', () => {
    expect(redact('key=my-own-key-value1 and my-own-key', ['my-own-key', 'my-own-key-value1'])).toBe(
      'key=*** and ***',
    );
    expect(redact('plain text, http://localhost:8080/v1, skip-this')).toBe(
      'plain text, http://localhost:8080/v1, skip-this',
    );
  });

  it('a redacting sink masks every write', () => {
    let seen = '';
    const sink = redactingSink({ write: (s: string) => void (seen += s), isTTY: false }, () => [
      'the-stored-key',
    ]);
    sink.write('cause: 401 for the-stored-key\n');
    expect(seen).toBe('cause: 401 for ***\n');
  });

  it('secretValues and childEnv agree on what is a secret', () => {
    const env = {
      OPENAI_API_KEY: 'sk-xxxxxxxxxxxx',
      GH_TOKEN: 'tttttttttt',
      PATH: '/bin',
      MY_PASSWORD: 'pppppppppp',
    };
    expect(secretValues(env).sort()).toEqual(['pppppppppp', 'sk-xxxxxxxxxxxx', 'tttttttttt']);
    expect(childEnv(env)).toEqual({ PATH: '/bin' });
    expect(childEnv(env, { keep: ['OPENAI_API_KEY'] })).toEqual({
      PATH: '/bin',
      OPENAI_API_KEY: 'sk-xxxxxxxxxxxx',
    });
  });
});
