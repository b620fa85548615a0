import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { renderTemplate, requiredVariables } from '../../../src/core/templates/index.js';

const tpl = (body: string, extra: { system?: string; variables?: string[] } = {}) => ({
  name: 't',
  body,
  variables: extra.variables ?? [],
  system: extra.system,
});

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('renderTemplate', () => {
  it('substitutes {{name}} and whitespace-tolerant {{ name }} in body and system', () => {
    const r = renderTemplate(tpl('Hi {{who}} and {{ who }}!', { system: 'Speak {{ lang }}.' }), {
      who: 'Ada',
      lang: 'French',
    });
    expect(r).toEqual({ system: 'Speak French.', prompt: 'Hi Ada and Ada!' });
  });

  it('omits system when the template has none', () => {
    expect(renderTemplate(tpl('x'), {})).toEqual({ prompt: 'x' });
  });

  it('names every missing variable, with the -p hint', () => {
    const err = usageError(() =>
      renderTemplate(tpl('{{a}} {{b}}', { system: '{{c}}', variables: ['d'] }), { a: '1' }),
    );
    expect(err.message).toBe('template "t" needs variables: d, b, c');
    expect(err.hint).toContain('-p d value -p b value -p c value');
    expect(err.exitCode).toBe(2);
  });

  it('treats a declared but unused variable as required', () => {
    const err = usageError(() => renderTemplate(tpl('no placeholders', { variables: ['lang'] }), {}));
    expect(err.message).toContain('lang');
  });

  it('treats empty stdin as missing input and says to pipe it', () => {
    const err = usageError(() => renderTemplate(tpl('Summarize: {{input}}'), { input: '  \n' }));
    expect(err.message).toContain('needs variable: input');
    expect(err.hint).toContain('stdin');
  });

  it('accepts an explicitly empty named variable', () => {
    expect(renderTemplate(tpl('[{{x}}]'), { x: '' }).prompt).toBe('[]');
  });

  it('appends input after the body when the template does not use {{input}}', () => {
    expect(renderTemplate(tpl('Translate to German.'), { input: 'hello' }).prompt).toBe(
      'Translate to German.\n\nhello',
    );
  });

  it('uses the input as the whole prompt when the body is empty', () => {
    expect(renderTemplate(tpl(''), { input: 'hello' }).prompt).toBe('hello');
  });

  it('does not append input when the template places it', () => {
    expect(renderTemplate(tpl('<t>{{input}}</t>'), { input: 'x' }).prompt).toBe('<t>x</t>');
  });

  it('does not re-expand placeholders inside substituted values', () => {
    expect(renderTemplate(tpl('{{input}}'), { input: 'a {{secret}} b' }).prompt).toBe('a {{secret}} b');
  });

  it('keeps \\{{name}} literal and does not require it', () => {
    expect(renderTemplate(tpl('write \\{{name}} here'), {}).prompt).toBe('write {{name}} here');
  });

  it('ignores extra variables', () => {
    expect(renderTemplate(tpl('ok'), { unused: 'x' }).prompt).toBe('ok');
  });
});

describe('requiredVariables', () => {
  it('lists declared, body and system variables once each', () => {
    expect(
      requiredVariables(tpl('{{a}} {{input}} {{a}}', { system: '{{b}}', variables: ['a', 'c'] })),
    ).toEqual(['a', 'c', 'input', 'b']);
  });
});
