// The upload fields' shared drop target and progress text.
import { describe, expect, it } from 'vitest';
import { uploadingText, useFileDrop } from '../../renderer/src/composables/useFileDrop';

describe('useFileDrop', () => {
  it('hands on the first dropped file and clears the dragging state', () => {
    const got: (string | undefined)[] = [];
    const { dragging, dropped } = useFileDrop((f) => got.push(f?.name));
    dragging.value = true;
    const file = { name: 'trace.pymtrace' } as File;
    dropped({ dataTransfer: { files: [file] } });
    dropped({ dataTransfer: null });
    expect(got).toEqual(['trace.pymtrace', undefined]);
    expect(dragging.value).toBe(false);
  });

  it('says how far an upload got, in whole percent', () => {
    expect(uploadingText('a.gz', 0, 0)).toBe('uploading a.gz: 0 %');
    expect(uploadingText('a.gz', 1, 3)).toBe('uploading a.gz: 33 %');
    expect(uploadingText('a.gz', 3, 3)).toBe('uploading a.gz: 100 %');
  });
});
