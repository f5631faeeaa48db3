/**
 * A field's note: its description, or what is wrong with it; nothing at all when there is no text.
 * Its test id (any attribute) falls through. A render function, so the text is exactly the note's,
 * with no template whitespace around it.
 */
import { h } from 'vue';
import type { FunctionalComponent } from 'vue';

export interface FieldNoteProps {
  text: string | null | undefined;
  /** 'description' (muted) or 'error'. */
  kind?: 'description' | 'error';
  /** 'span' where the note sits inside a label's line. */
  tag?: 'small' | 'span';
}

const FieldNote: FunctionalComponent<FieldNoteProps> = (props) =>
  props.text ? h(props.tag ?? 'small', { class: props.kind ?? 'description' }, props.text) : null;
FieldNote.props = ['text', 'kind', 'tag'];

export default FieldNote;
