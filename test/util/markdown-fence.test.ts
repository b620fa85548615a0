import { describe, expect, it } from 'vitest';
import { fenceFor, unwrapFence } from '../../src/util/markdown-fence.js';

describe('markdown fences', () => {
  it('fenceFor is longer than any backtick fence inside', () => {
    expect(fenceFor('plain `code`')).toBe('```');
    expect(fenceFor('```js\nx\n```')).toBe('````');
    expect(fenceFor('`````')).toBe('``````');
  });

  it('unwrapFence takes the inside of one whole-document block, LF or CRLF', () => {
    expect(unwrapFence('```markdown\n# Title\n\ntext\n```\n')).toBe('# Title\n\ntext');
    expect(unwrapFence('\n  ~~~md\r\n# T\r\n~~~  \n')).toBe('# T');
    expect(unwrapFence('# Title\n\n```js\nx\n```\n')).toBe('# Title\n\n```js\nx\n```\n');
  });
});
