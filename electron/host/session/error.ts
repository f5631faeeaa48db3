import { InputError } from '../../../shared/errors';

/** A session file that cannot be opened (or a record that cannot be read), named by file and record. */
export class SessionFileError extends InputError {
  override readonly name = 'SessionFileError';

  constructor(
    /** The path as the caller gave it. */
    readonly file: string,
    /** 1-based record number (the header is record 1), when the problem is in one record. */
    readonly record: number | undefined,
    /** What is wrong, without the location. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(record === undefined ? `${file}: ${reason}` : `${file}: record ${record}: ${reason}`, options);
  }
}
