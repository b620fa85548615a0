// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs are source code containing ${…} on purpose
import { describe, expect, it } from 'vitest';
import { canRemoveComments, removeComments } from '../../../src/core/pack/remove-comments.js';

describe('removeComments', () => {
  it('strips JS/TS comments but never strings, templates or regexes', () => {
    const src = [
      '#!/usr/bin/env node',
      '// header',
      'const url = "http://x.dev/a//b"; // trailing',
      "const s = '/* not a comment */';",
      'const t = `a // b ${c /* gone */ + 1} // c`;',
      'const re = /\\/\\/ no/g; const q = a / b / c;',
      '/**',
      ' * docs',
      ' */',
      'f(); /* inline */ g();',
      '',
    ].join('\n');
    expect(removeComments(src, 'x.ts')).toBe(
      [
        '#!/usr/bin/env node',
        'const url = "http://x.dev/a//b";',
        "const s = '/* not a comment */';",
        'const t = `a // b ${c  + 1} // c`;',
        'const re = /\\/\\/ no/g; const q = a / b / c;',
        'f();  g();',
        '',
      ].join('\n'),
    );
  });

  it('strips # comments in Python but keeps strings and docstrings', () => {
    expect(removeComments('# c\nx = "# no"  # yes\ny = """\n# doc\n"""\n', 'a.py')).toBe(
      'x = "# no"\ny = """\n# doc\n"""\n',
    );
  });

  it('needs whitespace before # in shell and YAML, and leaves apostrophes in prose alone', () => {
    expect(removeComments('echo ${#a} $# # c\n', 'a.sh')).toBe('echo ${#a} $#\n');
    expect(removeComments("k: v # c\nurl: http://x#y\nit: don't # c\nq: 'a # b'\n", 'a.yaml')).toBe(
      "k: v\nurl: http://x#y\nit: don't\nq: 'a # b'\n",
    );
  });

  it('handles Rust lifetimes, raw strings and nested block comments', () => {
    expect(
      removeComments(`fn f<'a>(x: &'a str) { let r = r#"// x"#; /* a /* b */ c */ let c = '"'; }\n`, 'a.rs'),
    ).toBe(`fn f<'a>(x: &'a str) { let r = r#"// x"#;  let c = '"'; }\n`);
  });

  it('strips HTML, CSS, SQL and Go comments', () => {
    expect(removeComments('<p>a</p><!-- c -->\n', 'a.html')).toBe('<p>a</p>\n');
    expect(removeComments('a { b: "/*"; } /* c */\n', 'a.css')).toBe('a { b: "/*"; }\n');
    expect(removeComments("select '--' -- c\n", 'a.sql')).toBe("select '--'\n");
    expect(removeComments('s := `// raw` // c\n', 'a.go')).toBe('s := `// raw`\n');
  });

  it('leaves unknown file types untouched', () => {
    expect(canRemoveComments('notes.txt')).toBe(false);
    expect(removeComments('# not a comment here\n', 'notes.md')).toBe('# not a comment here\n');
  });
});
