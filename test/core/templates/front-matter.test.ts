import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { parseTemplateText } from '../../../src/core/templates/index.js';

function parseError(text: string): UsageError {
  try {
    parseTemplateText(text, '/t/x.md');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseTemplateText', () => {
  it('parses every front-matter key and strips blank lines around the body', () => {
    const r = parseTemplateText(
      '---\ndescription: d\nsystem: s {{x}}\nmodel: openai:gpt-4o\nrole: plan\nvariables: [x, input]\ninternal: true\n---\n\nBody {{x}}\n\n',
      'f.md',
    );
    expect(r.meta).toEqual({
      description: 'd',
      system: 's {{x}}',
      model: 'openai:gpt-4o',
      role: 'plan',
      variables: ['x', 'input'],
      internal: true,
    });
    expect(r.body).toBe('Body {{x}}');
  });

  it('treats a file without front-matter as all body, with defaults', () => {
    expect(parseTemplateText('just text\n', 'f.md')).toEqual({
      meta: { variables: [], internal: false },
      body: 'just text',
    });
  });

  it('accepts CRLF line endings and a BOM', () => {
    const r = parseTemplateText('\uFEFF---\r\ndescription: d\r\n---\r\nbody\r\n', 'f.md');
    expect(r.meta.description).toBe('d');
    expect(r.body).toBe('body');
  });

  it('keeps a later --- line (a markdown rule) in the body', () => {
    expect(parseTemplateText('---\ndescription: d\n---\na\n---\nb', 'f.md').body).toBe('a\n---\nb');
  });

  it('rejects an unknown key, naming the file and the key', () => {
    const err = parseError('---\ndescripton: typo\n---\nx');
    expect(err.message).toContain('/t/x.md');
    expect(err.message).toContain('descripton');
    expect(err.hint).toContain('description');
  });

  it('rejects a wrong type, naming the key', () => {
    expect(parseError('---\nvariables: lang\n---\nx').message).toMatch(/variables/);
    expect(parseError('---\nrole: boss\n---\nx').message).toMatch(/role/);
  });

  it('rejects a bad variable name', () => {
    expect(parseError('---\nvariables: ["has space"]\n---\nx').message).toContain('variables.0');
  });

  it('rejects a model string without a provider', () => {
    expect(parseError('---\nmodel: gpt-4o\n---\nx').message).toContain('provider');
  });

  it('rejects invalid YAML with the file line', () => {
    const err = parseError('---\ndescription: d\nsystem: [unclosed\n---\nx');
    expect(err.message).toContain('/t/x.md');
    expect(err.message).toMatch(/YAML/);
  });

  it('rejects front-matter that is not a mapping', () => {
    expect(parseError('---\n- a\n- b\n---\nx').message).toContain('mapping');
  });

  it('rejects an unclosed front-matter block', () => {
    expect(parseError('---\ndescription: d\nbody').message).toContain('closing');
  });
});
