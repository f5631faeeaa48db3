// The forms' notes (descriptions and inline errors): shown only with text, attributes kept.
import { describe, expect, it } from 'vitest';
import { createSSRApp, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import FieldNote, { type FieldNoteProps } from '../../renderer/src/components/FieldNote';

const render = (props: FieldNoteProps & Record<string, unknown>): Promise<string> => renderToString(createSSRApp({ render: () => h(FieldNote, props) }));

describe('FieldNote', () => {
  it('renders the text in a small description by default, with its test id', async () => {
    expect(await render({ text: 'seeded', 'data-testid': 'x-note' })).toBe('<small class="description" data-testid="x-note">seeded</small>');
  });

  it('renders an error as the asked tag', async () => {
    expect(await render({ text: 'must be ≥ 1', kind: 'error', tag: 'span' })).toBe('<span class="error">must be ≥ 1</span>');
  });

  it('renders nothing without text', async () => {
    expect(await render({ text: null })).toBe('<!---->');
    expect(await render({ text: '' })).toBe('<!---->');
  });
});
